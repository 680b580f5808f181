"""The article page: one published article with its related and recent lists."""

from __future__ import annotations

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from dateline.model import Status
from dateline.seo import jsonld, social
from dateline.web.contexts import ArticleContext
from dateline.web.surrogate import article_page_keys, tag
from dateline.web.views.common import render, site_context, store_of, weather_locations
from dateline.web.views.seo import publisher_of


async def article(request: Request) -> Response:
    page = store_of(request).article_page(
        request.path_params["slug"], frame_for=weather_locations(request)
    )
    if page is None or page.article.status is not Status.PUBLISHED:
        raise HTTPException(404)
    if request.url.path != page.article.path:
        return RedirectResponse(page.article.path, status_code=301)
    site = site_context(request, page.frame)
    canonical_url = page.article.canonical_url or site.url + page.article.path
    news_article = jsonld.news_article(page.article, publisher_of(request, site), canonical_url)
    context = ArticleContext(
        site=site,
        article=page.article,
        related=page.related,
        recent=page.recent,
        canonical_url=canonical_url,
        news_article=news_article,
        news_article_json=jsonld.script_json(news_article),
        social_tags=social.article_tags(news_article, site.name),
    )
    keys = article_page_keys(
        page.article.id,
        page.article.section.slug,
        (r.article.id for r in page.related),
        (r.id for r in page.recent),
    )
    tag(request, *keys, "sections")
    return render(request, "article.html", context)
