"""News SEO: pure builders of NewsArticle JSON-LD, social-card tags, robots.txt and sitemaps.

Modules:
- ``jsonld``: the schema.org ``NewsArticle`` of an article, and its serialisation safe
  inside a ``<script>`` element;
- ``credit``: the people and organisations a credit line names (``contributor``);
- ``social``: OpenGraph and Twitter card ``<meta>`` tags of an article page;
- ``sitemaps``: streaming writers of URL sets, the sitemap index and the News sitemap;
- ``robots``: the text of ``/robots.txt``.

Model in, data or bytes out: no I/O. It imports only ``model`` of dateline's packages.
"""
