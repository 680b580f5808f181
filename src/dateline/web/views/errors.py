"""The 404 page: says what happened and offers the newest articles and the sections."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from dateline.web.contexts import NotFoundContext
from dateline.web.surrogate import article_keys, tag
from dateline.web.views.common import render, site_context, store_of


async def not_found(request: Request) -> Response:
    if request.url.path.startswith("/api/"):
        return JSONResponse({"error": "not found", "path": request.url.path}, status_code=404)
    context = NotFoundContext(
        site=site_context(request),
        path=request.url.path,
        recent=store_of(request).list_published(limit=5),
    )
    tag(request, "recent", "sections", *article_keys(a.id for a in context.recent))
    return render(request, "404.html", context, status_code=404)
