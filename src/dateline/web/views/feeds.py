"""The outbound feeds: RSS 2.0, Atom 1.0 and JSON Feed 1.1, site-wide and per list.

``/rss.xml``, ``/atom.xml`` and ``/feed.json`` carry the newest articles of the site;
``/section/{slug}/…``, ``/author/{slug}/…`` and ``/topic/{slug}/…`` those of one list
(404 for an unknown slug). The handler reads the articles whole in one store call, and a
pure renderer in ``dateline.feeds`` turns them into bytes. Full body or summary follows
``DATELINE_FEED_CONTENT``.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from datetime import UTC, datetime

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response

from dateline.feeds import atom, jsonfeed, rss
from dateline.feeds.channel import MAX_ITEMS, Channel, ContentMode, FeedUrls
from dateline.feeds.entry import Entry, to_entries
from dateline.model import Article, Author, Section, Topic
from dateline.web import surrogate
from dateline.web.views.common import site_state, store_of

Renderer = Callable[[Channel, Sequence[Entry]], bytes]

# the last part of a feed's path: its renderer and media type
FORMATS: dict[str, tuple[Renderer, str]] = {
    "rss.xml": (rss.render, rss.MEDIA_TYPE),
    "atom.xml": (atom.render, atom.MEDIA_TYPE),
    "feed.json": (jsonfeed.render, jsonfeed.MEDIA_TYPE),
}


def _language(items: Sequence[Article]) -> str:
    """The feed's language: the one most of its articles are in (English when empty)."""
    counts = Counter(a.language for a in items if a.language)
    return counts.most_common(1)[0][0] if counts else "en"


def _updated(items: Sequence[Article]) -> datetime:
    """The newest publication or update among ``items``; now for an empty feed."""
    times = [t for a in items for t in (a.published_at, a.updated_at) if t is not None]
    return max(times) if times else datetime.now(UTC).replace(microsecond=0)


def _respond(
    request: Request,
    subject: Section | Author | Topic | None,
    items: list[Article],
) -> Response:
    settings = site_state(request).settings
    site_url = settings.site_url.rstrip("/")
    if subject is None:
        home, title = f"{site_url}/", settings.site_name
        description = f"The newest articles from {settings.site_name}"
        key = "feeds"
    else:
        kind = type(subject).__name__.lower()
        home = f"{site_url}/{kind}/{subject.slug}"
        title = f"{subject.name} · {settings.site_name}"
        description = f"The newest articles of {subject.name} ({kind}) from {settings.site_name}"
        key = f"{kind}-{subject.slug}"
    channel = Channel(
        title=title,
        description=description,
        site_name=settings.site_name,
        site_url=site_url,
        home_url=home,
        urls=FeedUrls.under(home),
        updated=_updated(items),
        language=_language(items),
        content=ContentMode(settings.feed_content),
    )
    render, media_type = FORMATS[request.url.path.rsplit("/", 1)[-1]]
    surrogate.tag(
        request,
        "feeds",
        key,
        *surrogate.article_keys(a.id for a in items if a.id is not None),
    )
    return Response(render(channel, to_entries(items, channel)), media_type=media_type)


async def site_feed(request: Request) -> Response:
    return _respond(request, None, store_of(request).feed_articles(limit=MAX_ITEMS))


async def section_feed(request: Request) -> Response:
    store = store_of(request)
    section = store.section(request.path_params["slug"])
    if section is None:
        raise HTTPException(404)
    return _respond(
        request, section, store.feed_articles(limit=MAX_ITEMS, section_slug=section.slug)
    )


async def author_feed(request: Request) -> Response:
    store = store_of(request)
    author = store.author(request.path_params["slug"])
    if author is None or author.id is None:
        raise HTTPException(404)
    return _respond(request, author, store.feed_articles(limit=MAX_ITEMS, author_id=author.id))


async def topic_feed(request: Request) -> Response:
    store = store_of(request)
    topic = store.topic(request.path_params["slug"])
    if topic is None or topic.id is None:
        raise HTTPException(404)
    return _respond(request, topic, store.feed_articles(limit=MAX_ITEMS, topic_id=topic.id))
