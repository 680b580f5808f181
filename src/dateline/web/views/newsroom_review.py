"""The review queue: ingested items waiting for an editor to approve, edit or reject."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from dateline.model import DatelineError, NotAllowed, Permission
from dateline.newsroom import workflow
from dateline.newsroom.accounts import Session
from dateline.web.newsroom_auth import now
from dateline.web.views.common import store_of
from dateline.web.views.newsroom_contexts import ReviewContext, ReviewItem
from dateline.web.views.newsroom_page import chrome, page, require, show

QUEUE_LIMIT = 200
DONE = {"approve": "Approved and published.", "reject": "Rejected: it stays off the site."}


def _queue(request: Request, session: Session, notice: str = "", error: str = "") -> Response:
    store = store_of(request)
    items = []
    for article_id in store.review_queue(QUEUE_LIMIT):
        article = store.article(article_id)
        if article is not None:
            items.append(
                ReviewItem(article, article.source.publisher, len(store.alternates(article_id)))
            )
    context = ReviewContext(
        chrome=chrome(request, session), items=items, notice=notice, error=error
    )
    return show(request, "review.html", context, status_code=400 if error else 200)


async def _show(request: Request, session: Session) -> Response:
    require(session, Permission.REVIEW)
    return _queue(request, session, notice=DONE.get(request.query_params.get("done", ""), ""))


async def _decide(request: Request, session: Session) -> Response:
    require(session, Permission.REVIEW)
    form = await request.form()
    decision = str(form.get("decision", ""))
    if decision not in DONE:
        return _queue(request, session, error=f"unknown decision {decision!r}")
    try:
        workflow.review(
            store_of(request),
            session.user,
            int(request.path_params["id"]),
            decision == "approve",
            now(),
        )
    except NotAllowed:
        raise
    except DatelineError as exc:
        return _queue(request, session, error=str(exc))
    return RedirectResponse(f"/newsroom/review?done={decision}", status_code=303)


queue = page(_show)
decide = page(_decide)
