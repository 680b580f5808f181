"""Crawler files: ``/robots.txt``, the sitemap index, URL sets, and the News sitemap.

- ``/robots.txt``: allow the public site, keep crawlers out of ``/newsroom/`` and ``/api/``,
  name both sitemaps;
- ``/sitemap.xml``: the index: ``/sitemaps/pages.xml`` (home and sections), then
  ``/sitemaps/articles-1.xml`` … one per ``MAX_URLS`` (50,000) published articles;
- ``/sitemaps/articles-{n}.xml``: the ``n``-th 50,000 published articles in id order,
  read from the store in batches while the response streams (404 past the last one);
- ``/news-sitemap.xml``: the Google News sitemap, articles of the last 48 hours (≤1,000).

Sitemaps are ``application/xml; charset=utf-8``. The article URL sets (up to 50,000 URLs
each) are streamed while the store is read in batches, so memory stays flat; the index,
the pages sitemap and the News sitemap are small and sent whole, so they carry an ETag and
answer conditional requests (``web/caching.py``).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response, StreamingResponse

from dateline.seo import robots, sitemaps
from dateline.seo.jsonld import Publisher
from dateline.store.sitemaps import SitemapUrl
from dateline.web import surrogate
from dateline.web.contexts import SiteContext
from dateline.web.templating import static_url
from dateline.web.views.common import site_state, store_of

LOGO = "logo.svg"


def publisher_of(request: Request, site: SiteContext) -> Publisher:
    """The site as the publisher named in structured data, with its logo.

    The logo is ``DATELINE_SITE_LOGO_URL``, or else the bundled wordmark
    (``static/logo.svg``) at its absolute, content-hashed URL.
    """
    logo = site_state(request).settings.site_logo_url or site.url + static_url(LOGO)
    return Publisher(site.name, site.url + "/", logo)


async def robots_txt(request: Request) -> Response:
    surrogate.tag(request, "robots")
    return PlainTextResponse(robots.robots_txt(_site_url(request)))


async def sitemap_index(request: Request) -> Response:
    surrogate.tag(request, "sitemaps")
    count = sitemaps.article_sitemap_count(store_of(request).count_published())
    paths = ["/sitemaps/pages.xml", *(f"/sitemaps/articles-{n}.xml" for n in range(1, count + 1))]
    return _whole(sitemaps.sitemap_index(_site_url(request), paths))


async def pages_sitemap(request: Request) -> Response:
    surrogate.tag(request, "sitemaps", "sections")
    pages = [SitemapUrl(0, "/", None)]
    pages.extend(SitemapUrl(0, f"/section/{s.slug}", None) for s in store_of(request).sections())
    return _whole(sitemaps.url_set(_site_url(request), pages))


async def article_sitemap(request: Request) -> Response:
    number = request.path_params["number"]
    store = store_of(request)
    if not 1 <= number <= sitemaps.article_sitemap_count(store.count_published()):
        raise HTTPException(404)
    surrogate.tag(request, "sitemaps")
    entries = store.sitemap_urls(number, sitemaps.MAX_URLS)
    return _xml(sitemaps.url_set(_site_url(request), entries))


async def news_sitemap(request: Request) -> Response:
    now = datetime.now(UTC)
    items = store_of(request).recent_news(now - sitemaps.NEWS_WINDOW, now, sitemaps.MAX_NEWS)
    surrogate.tag(request, "sitemaps", "recent", *surrogate.article_keys(i.id for i in items))
    name = site_state(request).settings.site_name
    return _whole(sitemaps.news_sitemap(_site_url(request), name, items, now))


def _site_url(request: Request) -> str:
    return site_state(request).settings.site_url.rstrip("/")


def _xml(chunks: Iterator[bytes]) -> Response:
    return StreamingResponse(chunks, media_type=sitemaps.MEDIA_TYPE)


def _whole(chunks: Iterator[bytes]) -> Response:
    return Response(b"".join(chunks), media_type=sitemaps.MEDIA_TYPE)
