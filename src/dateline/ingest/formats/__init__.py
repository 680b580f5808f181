"""Formats dateline reads, one parser each, bytes or text in, ``Article`` values out.

Modules:
- ``ninjs``: IPTC ninjs 1.x, 2.x and 3.x JSON items (one item or a list of them).
- ``markdown``: Markdown with YAML front matter, as docs/markdown-format.md describes.
- ``entry``: ``FeedEntry``, one feed entry as stated, and its conversion to an article.
- ``feed``: RSS 0.9x/1.0/2.0, Atom 0.3/1.0 and CDF, read with feedparser.
- ``jsonfeed``: JSON Feed 1.0 and 1.1.
- ``newsml``: IPTC NewsML-G2 news items and messages (and NewsML 1.x), read safely.
- ``syndication``: ``parse_feed``, which tells the format of a fetched document and
  reads it with the right parser.
- ``kinds``: how messages name a JSON value's type.
- ``webpage``: the main text of an article's web page (trafilatura), for full text.

Each parser raises ``InvalidItem`` naming the file or URL and the field at fault; none of
them touches the network, the store or the settings.
"""
