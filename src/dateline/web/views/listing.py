"""Section, author and topic pages: a heading and the newest articles, paginated."""

from __future__ import annotations

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response

from dateline.model import ArticleSummary, Author, Section, Topic
from dateline.web.contexts import ListingContext, Pagination
from dateline.web.surrogate import article_keys, tag
from dateline.web.views.common import page_number, render, site_context, store_of

PAGE_SIZE = 20


def _paginate(request: Request, found: list[ArticleSummary], page: int) -> Pagination:
    path = request.url.path
    return Pagination(
        page=page,
        previous_url=(f"{path}?page={page - 1}" if page > 2 else path) if page > 1 else "",
        next_url=f"{path}?page={page + 1}" if len(found) > PAGE_SIZE else "",
    )


def _listing(request: Request, subject: Section | Author | Topic | None) -> Response:
    """The page of ``subject``'s newest articles, or 404 for no subject or an empty page."""
    if subject is None:
        raise HTTPException(404)
    kind = type(subject).__name__.lower()
    tag(request, f"{kind}-{subject.slug}", "sections")
    page = page_number(request)
    found = store_of(request).list_published(
        limit=PAGE_SIZE + 1,
        offset=(page - 1) * PAGE_SIZE,
        section_slug=subject.slug if isinstance(subject, Section) else None,
        author_id=subject.id if isinstance(subject, Author) else None,
        topic_id=subject.id if isinstance(subject, Topic) else None,
    )
    if page > 1 and not found:
        raise HTTPException(404)
    context = ListingContext(
        site=site_context(request),
        kind=type(subject).__name__.lower(),
        title=subject.name,
        articles=found[:PAGE_SIZE],
        pagination=_paginate(request, found, page),
        section=subject if isinstance(subject, Section) else None,
        author=subject if isinstance(subject, Author) else None,
        topic=subject if isinstance(subject, Topic) else None,
    )
    tag(request, *article_keys(a.id for a in context.articles))
    return render(request, "listing.html", context)


async def section(request: Request) -> Response:
    return _listing(request, store_of(request).section(request.path_params["slug"]))


async def author(request: Request) -> Response:
    return _listing(request, store_of(request).author(request.path_params["slug"]))


async def topic(request: Request) -> Response:
    return _listing(request, store_of(request).topic(request.path_params["slug"]))
