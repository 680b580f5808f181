"""The JSON API: articles (a filtered list, one whole), sections, authors, topics, the spec.

Every list answers ``{"items", "limit", "offset", "total"}``, paged with ``limit`` (1 to
100, 20 by default) and ``offset``. A bad parameter gets 400 ``{"error", "field"}``
naming it; an unknown article, section, author or topic gets 404 ``{"error", "path"}``.
Authors and topics are public once one of their articles is published. The document at
``/api/openapi.json`` (``dateline.web.openapi``) describes every answer.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from datetime import UTC, date, datetime, time, timedelta
from functools import cache
from typing import Any

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from dateline.model import Article, ArticleSummary, Author, RelatedLink, Section, Status, Topic
from dateline.model.slug import MAX_SLUG
from dateline.store.articles import block_to_dict
from dateline.web import openapi
from dateline.web.openapi import MAX_ID, MAX_LIMIT, MAX_OFFSET, NEWEST
from dateline.web.surrogate import article_keys, article_page_keys, tag
from dateline.web.views.common import site_state, store_of

DEFAULT_LIMIT = 20
SLUG = re.compile(r"[a-z0-9][a-z0-9-]*")
DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
WHOLE = re.compile(r"[+-]?\d{1,12}")


class BadParameter(Exception):
    """A query parameter that cannot be used, with the message for the reader."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


def _error(message: str, field: str) -> JSONResponse:
    return JSONResponse({"error": message, "field": field}, status_code=400)


def _int_param(request: Request, name: str, default: int, low: int, high: int) -> int:
    raw = request.query_params.get(name)
    if raw is None or raw == "":
        return default
    if not WHOLE.fullmatch(raw):
        raise BadParameter(name, f"{name} must be a whole number")
    value = int(raw)
    if not low <= value <= high:
        raise BadParameter(name, f"{name} must be between {low} and {high}")
    return value


def _paging(request: Request) -> tuple[int, int]:
    """``limit`` and ``offset`` of a list request."""
    limit = _int_param(request, "limit", DEFAULT_LIMIT, 1, MAX_LIMIT)
    return limit, _int_param(request, "offset", 0, 0, MAX_OFFSET)


def is_slug(text: str) -> bool:
    return len(text) <= MAX_SLUG and SLUG.fullmatch(text) is not None


def _slug_param(request: Request, name: str) -> str | None:
    raw = request.query_params.get(name)
    if raw is None or raw == "":
        return None
    if not is_slug(raw):
        raise BadParameter(name, f"{name} must be a slug (lowercase letters, digits, hyphens)")
    return raw


def _date_param(request: Request, name: str) -> date | None:
    raw = request.query_params.get(name)
    if raw is None or raw == "":
        return None
    try:
        if not DATE.fullmatch(raw):
            raise ValueError(raw)
        return date.fromisoformat(raw)
    except ValueError:
        raise BadParameter(name, f"{name} must be a date written YYYY-MM-DD") from None


def _start_of(day: date) -> datetime:
    return datetime.combine(day, time(), UTC)


def _end_of(day: date) -> datetime | None:
    """The first instant after ``day`` (UTC), or None past the last day there is."""
    return _start_of(day + timedelta(days=1)) if day < date.max else None


def _list(items: list[dict[str, Any]], limit: int, offset: int, total: int) -> JSONResponse:
    return JSONResponse({"items": items, "limit": limit, "offset": offset, "total": total})


def summary_json(item: ArticleSummary) -> dict[str, Any]:
    return {
        "id": item.id,
        "headline": item.headline,
        "url": item.path,
        "published_at": item.published_at.isoformat() if item.published_at else None,
        "section": item.section_slug,
    }


def related_json(link: RelatedLink) -> dict[str, Any]:
    return {**summary_json(link.article), "score": link.score, "reasons": link.reasons}


def article_json(article: Article) -> dict[str, Any]:
    return {
        "id": article.id,
        "uid": article.uid,
        "url": article.path,
        "headline": article.headline,
        "deck": article.deck,
        "dateline": article.dateline,
        "body": [block_to_dict(b) for b in article.body],
        "credit_line": article.credit_line,
        "bylines": [{"name": a.name, "url": f"/author/{a.slug}"} for a in article.bylines],
        "section": {"slug": article.section.slug, "name": article.section.name},
        "topics": [{"slug": t.slug, "name": t.name} for t in article.topics],
        "status": article.status.value,
        "published_at": article.published_at.isoformat() if article.published_at else None,
        "updated_at": article.updated_at.isoformat() if article.updated_at else None,
        "language": article.language,
        "source": {
            "kind": article.source.kind,
            "publisher": article.source.publisher,
            "url": article.source.url,
            "item_id": article.source.item_id,
        },
        "canonical_url": article.canonical_url,
        "corrections": [
            {"text": c.text, "created_at": c.created_at.isoformat()} for c in article.corrections
        ],
    }


def filed_json(subject: Section | Author | Topic, published: int) -> dict[str, Any]:
    """A section, author or topic as a list item: its names, links and published count."""
    kind = type(subject).__name__.lower()
    data: dict[str, Any] = {"slug": subject.slug, "name": subject.name}
    if isinstance(subject, Author):
        data["bio"] = subject.bio
    data.update(
        {
            "url": f"/{kind}/{subject.slug}",
            "api_url": f"/api/{kind}s/{subject.slug}",
            "articles_url": f"/api/articles?{kind}={subject.slug}",
            "article_count": published,
        }
    )
    return data


async def article_list(request: Request) -> Response:
    try:
        limit, offset = _paging(request)
        section = _slug_param(request, "section")
        author_slug = _slug_param(request, "author")
        topic_slug = _slug_param(request, "topic")
        since = _date_param(request, "since")
        until = _date_param(request, "until")
    except BadParameter as exc:
        return _error(exc.message, exc.field)
    if since is not None and until is not None and until < since:
        return _error("until must not be before since", "until")
    store = store_of(request)
    if section is not None and store.section(section) is None:
        return _error(f"unknown section {section!r}", "section")
    author = store.author(author_slug) if author_slug is not None else None
    if author_slug is not None and author is None:
        return _error(f"unknown author {author_slug!r}", "author")
    topic = store.topic(topic_slug) if topic_slug is not None else None
    if topic_slug is not None and topic is None:
        return _error(f"unknown topic {topic_slug!r}", "topic")
    filters: dict[str, Any] = {
        "section_slug": section,
        "author_id": author.id if author else None,
        "topic_id": topic.id if topic else None,
        "since": _start_of(since) if since else None,
        "until": _end_of(until) if until else None,
    }
    items = store.list_published(limit=limit, offset=offset, **filters)
    named = (("section", section), ("author", author_slug), ("topic", topic_slug))
    keys = [f"{kind}-{slug}" for kind, slug in named if slug] or ["recent"]
    tag(request, *keys, *article_keys(i.id for i in items))
    total = store.count_published(**filters)
    return _list([summary_json(i) for i in items], limit, offset, total)


def _article_id(request: Request) -> int:
    article_id: int = request.path_params["id"]
    if not 1 <= article_id <= MAX_ID:
        raise HTTPException(404)
    return article_id


async def article_detail(request: Request) -> Response:
    article_id = _article_id(request)
    tag(request, f"article-{article_id}")  # an article published later purges its 404
    page = store_of(request).article_page(article_id=article_id)
    if page is None or page.article.status is not Status.PUBLISHED:
        raise HTTPException(404)
    data = article_json(page.article)
    data["absolute_url"] = site_state(request).settings.site_url.rstrip("/") + page.article.path
    data["related"] = [related_json(r) for r in page.related]
    data["recent"] = [summary_json(r) for r in page.recent]
    keys = article_page_keys(
        page.article.id,
        page.article.section.slug,
        (r.article.id for r in page.related),
        (r.id for r in page.recent),
    )
    tag(request, *keys)
    return JSONResponse(data)


Filed = Section | Author | Topic
Counted = Callable[[int, int], tuple[Sequence[tuple[Filed, int]], int]]


def _filed_list(request: Request, counted: Counted, *keys: str) -> Response:
    """A page of sections, authors or topics with their published counts.

    The response is tagged with ``keys`` and the surrogate key of each name on the page.
    """
    try:
        limit, offset = _paging(request)
    except BadParameter as exc:
        return _error(exc.message, exc.field)
    found, total = counted(limit, offset)
    kind = {Section: "section", Author: "author", Topic: "topic"}
    tag(request, *keys, *(f"{kind[type(x)]}-{x.slug}" for x, _ in found))
    return _list([filed_json(x, n) for x, n in found], limit, offset, total)


async def section_list(request: Request) -> Response:
    return _filed_list(request, store_of(request).sections_counted, "sections")


async def author_list(request: Request) -> Response:
    # "recent": any publish may add an author to this list
    return _filed_list(request, store_of(request).authors_counted, "recent")


async def topic_list(request: Request) -> Response:
    # "recent": any publish may add a topic to this list
    return _filed_list(request, store_of(request).topics_counted, "recent")


def _path_slug(request: Request) -> str:
    slug: str = request.path_params["slug"]
    if not is_slug(slug):
        raise HTTPException(404)
    return slug


def _filed_detail(
    request: Request, subject: Section | Author | Topic, total: int, newest: list[ArticleSummary]
) -> Response:
    kind = type(subject).__name__.lower()
    tag(request, f"{kind}-{subject.slug}", *article_keys(i.id for i in newest))
    return JSONResponse(
        {**filed_json(subject, total), "articles": [summary_json(i) for i in newest]}
    )


async def section_detail(request: Request) -> Response:
    slug = _path_slug(request)
    store = store_of(request)
    section = store.section(slug)
    if section is None:
        tag(request, "sections")  # a section created later purges its 404
        raise HTTPException(404)
    newest = store.list_published(limit=NEWEST, section_slug=slug)
    return _filed_detail(request, section, store.count_published(slug), newest)


async def author_detail(request: Request) -> Response:
    slug = _path_slug(request)
    tag(request, f"author-{slug}")
    store = store_of(request)
    author = store.author(slug)
    total = store.count_published(author_id=author.id) if author else 0
    if author is None or total == 0:
        raise HTTPException(404)
    newest = store.list_published(limit=NEWEST, author_id=author.id)
    return _filed_detail(request, author, total, newest)


async def topic_detail(request: Request) -> Response:
    slug = _path_slug(request)
    tag(request, f"topic-{slug}")
    store = store_of(request)
    topic = store.topic(slug)
    total = store.count_published(topic_id=topic.id) if topic else 0
    if topic is None or total == 0:
        raise HTTPException(404)
    newest = store.list_published(limit=NEWEST, topic_id=topic.id)
    return _filed_detail(request, topic, total, newest)


@cache
def _document() -> bytes:
    return bytes(JSONResponse(openapi.document()).body)


async def openapi_document(request: Request) -> Response:
    """The OpenAPI 3.1 description of this API."""
    return Response(_document(), media_type="application/json")
