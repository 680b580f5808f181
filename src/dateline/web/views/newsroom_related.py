"""An article's related list as readers see it, with each entry's score and reasons, and the
editors' overrides: pin an article (after earlier pins), exclude one, remove an override,
or reset them all. After each change the list is recomputed the way ``dateline related
pin`` does it (``publish.refresh_related``), so a published article's page shows it at once.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from dateline import publish as publishing
from dateline.model import Article, Permission
from dateline.newsroom.accounts import Session
from dateline.store import Store
from dateline.web.newsroom_auth import now
from dateline.web.views.common import store_of
from dateline.web.views.newsroom_contexts import OverrideEntry, RelatedContext
from dateline.web.views.newsroom_editor import MAX_ID, load
from dateline.web.views.newsroom_page import chrome, page, require, show

LIST_LIMIT = 10
OPERATIONS = ("pin", "exclude", "remove", "reset")
DONE = {
    "pin": "Pinned.",
    "exclude": "Excluded.",
    "remove": "Override removed.",
    "reset": "All overrides removed.",
}


def _entries(store: Store, ids: list[int]) -> list[OverrideEntry]:
    shown = []
    for other in ids:
        found = store.article(other)
        shown.append(OverrideEntry(other, found.headline if found else "(no such article)"))
    return shown


def _page(
    request: Request, session: Session, article: Article, message: str = "", notice: str = ""
) -> Response:
    store = store_of(request)
    assert article.id is not None
    pins, excluded = store.related_overrides([article.id])[article.id]
    context = RelatedContext(
        chrome=chrome(request, session),
        article=article,
        links=store.related_links(article.id, LIST_LIMIT),
        pins=_entries(store, pins),
        excluded=_entries(store, sorted(excluded)),
        message=message,
        notice=notice,
    )
    return show(request, "related.html", context, status_code=400 if message else 200)


def _other_id(raw: str, store: Store, article_id: int) -> int | str:
    """The other article's id, or why it cannot be one."""
    try:
        other = int(raw.strip().lstrip("#"))
    except ValueError:
        return f"{raw!r} is not an article number"
    if other == article_id:
        return "an article cannot be on its own related list"
    if not 0 < other < MAX_ID or store.article(other) is None:
        return f"there is no article {other}"
    return other


async def _related(request: Request, session: Session) -> Response:
    require(session, Permission.RELATED)
    store = store_of(request)
    article, _ = load(store, int(request.path_params["id"]))
    assert article.id is not None
    if request.method != "POST":
        done = DONE.get(request.query_params.get("done", ""), "")
        return _page(request, session, article, notice=done)
    form = await request.form()
    operation = str(form.get("operation", ""))
    if operation not in OPERATIONS:
        return _page(request, session, article, message=f"unknown operation {operation!r}")
    if operation == "reset":
        pins, excluded = store.related_overrides([article.id])[article.id]
        for other in [*pins, *excluded]:
            store.clear_related_override(article.id, other)
        detail = "all"
    else:
        chosen = _other_id(str(form.get("related_id", "")), store, article.id)
        if isinstance(chosen, str):
            return _page(request, session, article, message=chosen)
        if operation == "remove":
            store.clear_related_override(article.id, chosen)
        else:
            store.set_related_override(article.id, chosen, operation, now())
        detail = str(chosen)
    publishing.refresh_related(store, [article.id])
    store.audit(session.user, f"related {operation}", article.id, now(), detail)
    target = f"/newsroom/articles/{article.id}/related?done={operation}"
    return RedirectResponse(target, status_code=303)


related = page(_related)
