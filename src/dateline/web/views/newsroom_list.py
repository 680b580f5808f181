"""The newsroom's article list: filters (status, section, author, dates), headline search,
pages of ``PAGE_SIZE``. Contributors see the articles they created; editors see all.
"""

from __future__ import annotations

from dataclasses import asdict
from datetime import date, datetime, time, timedelta
from typing import Any
from urllib.parse import urlencode

from starlette.requests import Request
from starlette.responses import Response

from dateline.model import Permission, Status
from dateline.model.slug import slugify
from dateline.newsroom.accounts import Session
from dateline.web.views.common import page_number, site_state, store_of
from dateline.web.views.newsroom_contexts import ListContext, ListFilters
from dateline.web.views.newsroom_page import chrome, page, show

PAGE_SIZE = 25


def _filters(request: Request) -> ListFilters:
    params = request.query_params
    return ListFilters(
        status=params.get("status", "").strip(),
        section=params.get("section", "").strip(),
        author=params.get("author", "").strip()[:200],
        since=params.get("since", "").strip(),
        until=params.get("until", "").strip(),
        q=params.get("q", "").strip()[:200],
    )


def _day(text: str, request: Request) -> datetime | None:
    """The start of a ``YYYY-MM-DD`` day in the site's time zone; ValueError when malformed."""
    if not text:
        return None
    day = date.fromisoformat(text)
    return datetime.combine(day, time(0), tzinfo=site_state(request).settings.tz)


def _query(filters: ListFilters, page_no: int) -> str:
    values = {k: v for k, v in asdict(filters).items() if v}
    if page_no > 1:
        values["page"] = str(page_no)
    return "/newsroom/" + (f"?{urlencode(values)}" if values else "")


async def _articles(request: Request, session: Session) -> Response:
    store = store_of(request)
    filters = _filters(request)
    page_no = page_number(request)
    options: dict[str, Any] = {
        "section": filters.section,
        "author_slug": slugify(filters.author) if filters.author else "",
        "query": filters.q,
        "limit": PAGE_SIZE,
        "offset": (page_no - 1) * PAGE_SIZE,
    }
    error = ""
    if filters.status in {s.value for s in Status}:
        options["statuses"] = [Status(filters.status)]
    try:
        options["since"] = _day(filters.since, request)
        until = _day(filters.until, request)
        options["until"] = until + timedelta(days=1) if until else None
    except ValueError:
        error = "dates are written YYYY-MM-DD: the date filter was left out"
        options["since"] = options["until"] = None
    if not session.user.can(Permission.EDIT_ANY):
        options["created_by"] = session.user.id
    entries, total = store.newsroom_list(**options)
    sections = store.sections()
    pages = max(1, -(-total // PAGE_SIZE))
    context = ListContext(
        chrome=chrome(request, session),
        entries=entries,
        total=total,
        filters=filters,
        sections=sections,
        statuses=list(Status),
        section_names={s.slug: s.name for s in sections},
        creators={u.id: u.name for u in store.users() if u.id is not None},
        page=page_no,
        pages=pages,
        previous_url=_query(filters, page_no - 1) if page_no > 1 else "",
        next_url=_query(filters, page_no + 1) if page_no < pages else "",
        error=error,
    )
    return show(request, "list.html", context)


articles = page(_articles)
