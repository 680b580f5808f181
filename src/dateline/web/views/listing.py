"""Section, author and topic pages: a heading and the newest articles, paginated."""

from __future__ import annotations

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response

from dateline.model import ArticleSummary
from dateline.web.contexts import ListingContext, Pagination
from dateline.web.views.common import page_number, render, site_context, store_of

PAGE_SIZE = 20


def _paginate(request: Request, found: list[ArticleSummary], page: int) -> Pagination:
    path = request.url.path
    return Pagination(
        page=page,
        previous_url=(f"{path}?page={page - 1}" if page > 2 else path) if page > 1 else "",
        next_url=f"{path}?page={page + 1}" if len(found) > PAGE_SIZE else "",
    )


async def section(request: Request) -> Response:
    store = store_of(request)
    found_section = store.section(request.path_params["slug"])
    if found_section is None:
        raise HTTPException(404)
    page = page_number(request)
    found = store.list_published(
        limit=PAGE_SIZE + 1, offset=(page - 1) * PAGE_SIZE, section_slug=found_section.slug
    )
    if page > 1 and not found:
        raise HTTPException(404)
    context = ListingContext(
        site=site_context(request),
        kind="section",
        title=found_section.name,
        articles=found[:PAGE_SIZE],
        pagination=_paginate(request, found, page),
        section=found_section,
    )
    return render(request, "listing.html", context)


async def author(request: Request) -> Response:
    store = store_of(request)
    found_author = store.author(request.path_params["slug"])
    if found_author is None:
        raise HTTPException(404)
    page = page_number(request)
    found = store.list_published(
        limit=PAGE_SIZE + 1, offset=(page - 1) * PAGE_SIZE, author_id=found_author.id
    )
    if page > 1 and not found:
        raise HTTPException(404)
    context = ListingContext(
        site=site_context(request),
        kind="author",
        title=found_author.name,
        articles=found[:PAGE_SIZE],
        pagination=_paginate(request, found, page),
        author=found_author,
    )
    return render(request, "listing.html", context)


async def topic(request: Request) -> Response:
    store = store_of(request)
    found_topic = store.topic(request.path_params["slug"])
    if found_topic is None:
        raise HTTPException(404)
    page = page_number(request)
    found = store.list_published(
        limit=PAGE_SIZE + 1, offset=(page - 1) * PAGE_SIZE, topic_id=found_topic.id
    )
    if page > 1 and not found:
        raise HTTPException(404)
    context = ListingContext(
        site=site_context(request),
        kind="topic",
        title=found_topic.name,
        articles=found[:PAGE_SIZE],
        pagination=_paginate(request, found, page),
        topic=found_topic,
    )
    return render(request, "listing.html", context)
