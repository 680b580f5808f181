"""The front page: the lead story, top stories, then each section's newest."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from dateline.web.contexts import HomeContext
from dateline.web.surrogate import article_keys, tag
from dateline.web.views.common import render, site_context, store_of

TOP_STORIES = 5
PER_SECTION = 4


async def home(request: Request) -> Response:
    store = store_of(request)
    site = site_context(request)
    newest = store.list_published(limit=TOP_STORIES)
    fronts = store.section_fronts(PER_SECTION)
    context = HomeContext(
        site=site,
        lead=newest[0] if newest else None,
        top=newest[1:],
        fronts=[(s, fronts[s.slug]) for s in site.sections if fronts.get(s.slug)],
    )
    shown = [*newest, *(a for _, front in context.fronts for a in front)]
    tag(request, "home", "recent", "sections", *article_keys(a.id for a in shown))
    tag(request, *(f"section-{s.slug}" for s, _ in context.fronts))
    return render(request, "home.html", context)
