"""Outbound feeds: pure renderers from model values to RSS 2.0, Atom 1.0 and JSON Feed 1.1 bytes.

Modules:
- ``channel``: ``Channel`` (a feed's title, URLs, update time, language, content mode)
  and ``FeedUrls``.
- ``entry``: ``Entry``, what every format says of one article: its stable ``tag:`` id,
  absolute URL, dates, bylines, categories, summary, body HTML and lead image.
- ``content``: the body blocks as one HTML fragment with absolute URLs; the summary.
- ``rss``, ``atom``, ``jsonfeed``: one renderer each, entries in, bytes out.

No I/O and no settings: values arrive as arguments. Imports only ``model`` of dateline's
packages, plus the standard library and lxml (XML is built as trees, never by pasting
strings together).
"""
