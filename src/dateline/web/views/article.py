"""The article page: one published article with its related and recent lists."""

from __future__ import annotations

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from dateline.model import Status
from dateline.web.contexts import ArticleContext
from dateline.web.views.common import render, site_context, store_of


async def article(request: Request) -> Response:
    page = store_of(request).article_page(request.path_params["slug"])
    if page is None or page.article.status is not Status.PUBLISHED:
        raise HTTPException(404)
    if request.url.path != page.article.path:
        return RedirectResponse(page.article.path, status_code=301)
    site = site_context(request)
    context = ArticleContext(
        site=site,
        article=page.article,
        related=page.related,
        recent=page.recent,
        canonical_url=page.article.canonical_url or site.url + page.article.path,
    )
    return render(request, "article.html", context)
