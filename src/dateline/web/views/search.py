"""Search: the ``/search`` page and ``/api/search``, over ``Store.search``.

Any text is a valid query (``model.search.parse_terms`` reads it); only the filters can
be wrong: an unknown section, a date that is not ``YYYY-MM-DD``, ``since`` after
``until``, a page or page size out of range. Those get status 400 naming the field: the
whole page with the message, or ``{"error", "field"}`` from the API. No results is a
normal page (200) with suggestions.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Any
from urllib.parse import urlencode

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from dateline.model import SearchQuery, SearchResults
from dateline.store.search import RANKED_BOUND
from dateline.web.contexts import Pagination, SearchContext
from dateline.web.surrogate import article_keys, tag
from dateline.web.views.api import DATE, BadParameter, summary_json
from dateline.web.views.common import render, site_context, store_of

PER_PAGE = 10
MAX_PER_PAGE = 50
MAX_QUERY_CHARS = 1000
MAX_PAGE = RANKED_BOUND
_WHOLE = re.compile(r"\d{1,9}")


@dataclass(frozen=True, slots=True)
class _Form:
    """The parameters as the reader sent them, to fill the form in again."""

    text: str
    section: str
    since: str
    until: str


def _form(request: Request) -> _Form:
    params = request.query_params
    return _Form(
        text=params.get("q", "").strip()[:MAX_QUERY_CHARS],
        section=params.get("section", "").strip(),
        since=params.get("since", "").strip(),
        until=params.get("until", "").strip(),
    )


def _date(name: str, raw: str) -> date | None:
    if not raw:
        return None
    if not DATE.fullmatch(raw):
        raise BadParameter(name, f"{name} must be a date written YYYY-MM-DD, not {raw!r}")
    try:
        return date.fromisoformat(raw)
    except ValueError:
        raise BadParameter(name, f"{name} is not a real date: {raw!r}") from None


def _whole(request: Request, name: str, default: int, high: int) -> int:
    raw = request.query_params.get(name, "").strip()
    if not raw:
        return default
    if not _WHOLE.fullmatch(raw) or not 1 <= int(raw) <= high:
        raise BadParameter(name, f"{name} must be a whole number from 1 to {high}")
    return int(raw)


def parse_query(request: Request, form: _Form, *, api: bool) -> SearchQuery:
    """The search the request asks for; ``BadParameter`` names the first wrong parameter."""
    if form.section and store_of(request).section(form.section) is None:
        raise BadParameter("section", f"there is no section {form.section!r}")
    since, until = _date("since", form.since), _date("until", form.until)
    if since and until and since > until:
        raise BadParameter("until", "until must not be before since")
    per_page = _whole(request, "per_page", PER_PAGE, MAX_PER_PAGE) if api else PER_PAGE
    return SearchQuery(
        text=form.text,
        section=form.section or None,
        since=since,
        until=until,
        page=_whole(request, "page", 1, MAX_PAGE),
        per_page=per_page,
    )


def _page_url(form: _Form, page: int) -> str:
    params = {
        "q": form.text,
        "section": form.section,
        "since": form.since,
        "until": form.until,
        "page": str(page) if page > 1 else "",
    }
    return "/search?" + urlencode({k: v for k, v in params.items() if v})


def _pagination(form: _Form, results: SearchResults | None) -> Pagination:
    if results is None:
        return Pagination(page=1)
    page, per_page = results.query.page, results.query.per_page
    last = max(1, -(-results.total // per_page))
    return Pagination(
        page=page,
        previous_url=_page_url(form, min(page - 1, last)) if page > 1 else "",
        next_url=_page_url(form, page + 1) if page < last else "",
    )


async def search_page(request: Request) -> Response:
    form = _form(request)
    tag(request, "search", "sections")
    results: SearchResults | None = None
    error = error_field = ""
    try:
        query = parse_query(request, form, api=False)
    except BadParameter as bad:
        error, error_field = bad.message, bad.field
    else:
        if query.text:
            results = store_of(request).search(query)
            tag(request, *article_keys(h.article.id for h in results.hits))
    context = SearchContext(
        site=site_context(request),
        text=form.text,
        section=form.section,
        since=form.since,
        until=form.until,
        results=results,
        error=error,
        error_field=error_field,
        pagination=_pagination(form, results),
        first=(results.query.page - 1) * results.query.per_page + 1 if results else 0,
        bound=RANKED_BOUND,
    )
    return render(request, "search.html", context, status_code=400 if error else 200)


def results_json(results: SearchResults) -> dict[str, Any]:
    """The API's answer: the query, this page's items with snippets, and the totals."""
    query = results.query
    return {
        "query": query.text,
        "section": query.section,
        "since": query.since.isoformat() if query.since else None,
        "until": query.until.isoformat() if query.until else None,
        "items": [
            {**summary_json(hit.article), "snippet": hit.snippet, "rank": hit.rank}
            for hit in results.hits
        ],
        "page": query.page,
        "per_page": query.per_page,
        "total": results.total,
        "capped": results.capped,
    }


async def search_api(request: Request) -> Response:
    form = _form(request)
    tag(request, "search")
    try:
        query = parse_query(request, form, api=True)
    except BadParameter as bad:
        return JSONResponse({"error": bad.message, "field": bad.field}, status_code=400)
    if not query.text:
        return JSONResponse({"error": "q is required: the words to search for", "field": "q"}, 400)
    results = store_of(request).search(query)
    tag(request, *article_keys(h.article.id for h in results.hits))
    return JSONResponse(results_json(results))
