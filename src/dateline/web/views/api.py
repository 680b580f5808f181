"""The JSON API: the article list and one whole article with its related and recent lists."""

from __future__ import annotations

from typing import Any

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from dateline.model import Article, ArticleSummary, RelatedLink, Status
from dateline.store.articles import block_to_dict
from dateline.web.views.common import site_state, store_of

MAX_LIMIT = 100
DEFAULT_LIMIT = 20


def _error(message: str, field: str) -> JSONResponse:
    return JSONResponse({"error": message, "field": field}, status_code=400)


def _int_param(request: Request, name: str, default: int, low: int, high: int) -> int | str:
    raw = request.query_params.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        return f"{name} must be a whole number"
    if not low <= value <= high:
        return f"{name} must be between {low} and {high}"
    return value


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


async def article_list(request: Request) -> Response:
    limit = _int_param(request, "limit", DEFAULT_LIMIT, 1, MAX_LIMIT)
    if isinstance(limit, str):
        return _error(limit, "limit")
    offset = _int_param(request, "offset", 0, 0, 10_000_000)
    if isinstance(offset, str):
        return _error(offset, "offset")
    section = request.query_params.get("section") or None
    store = store_of(request)
    if section is not None and store.section(section) is None:
        return _error(f"unknown section {section!r}", "section")
    items = store.list_published(limit=limit, offset=offset, section_slug=section)
    return JSONResponse(
        {
            "items": [summary_json(i) for i in items],
            "limit": limit,
            "offset": offset,
            "total": store.count_published(section),
        }
    )


async def article_detail(request: Request) -> Response:
    page = store_of(request).article_page(article_id=request.path_params["id"])
    if page is None or page.article.status is not Status.PUBLISHED:
        raise HTTPException(404)
    data = article_json(page.article)
    data["absolute_url"] = site_state(request).settings.site_url.rstrip("/") + page.article.path
    data["related"] = [related_json(r) for r in page.related]
    data["recent"] = [summary_json(r) for r in page.recent]
    return JSONResponse(data)
