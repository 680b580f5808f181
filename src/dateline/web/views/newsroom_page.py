"""What every newsroom handler shares: the page's chrome, the 403 page, and the guard.

``page(handler)`` puts a handler behind ``newsroom_auth.newsroom_page`` with this
module's 403 page; ``require(session, permission)`` is the role check handlers call
before they act (the workflow checks again).
"""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import HTMLResponse, Response

from dateline.model import NotAllowed, Permission
from dateline.newsroom.accounts import Session
from dateline.web import newsroom_auth
from dateline.web.newsroom_auth import Endpoint, Expired, Handler
from dateline.web.views.common import render, site_state
from dateline.web.views.newsroom_contexts import Chrome, ForbiddenContext

WHAT = {
    Permission.WRITE: "write articles",
    Permission.EDIT_ANY: "edit this article",
    Permission.PUBLISH: "publish",
    Permission.REVIEW: "review ingested items",
    Permission.RELATED: "change related lists",
    Permission.AUDIT: "read the audit log",
}


def chrome(request: Request, session: Session | None, csrf_token: str = "") -> Chrome:
    user = session.user if session else None
    return Chrome(
        site_name=site_state(request).settings.site_name,
        user=user,
        csrf_token=session.csrf_token if session else csrf_token,
        can_review=bool(user and user.can(Permission.REVIEW)),
        can_audit=bool(user and user.can(Permission.AUDIT)),
    )


def show(request: Request, template: str, context: Any, status_code: int = 200) -> HTMLResponse:
    """Render a template of ``templates/newsroom/``."""
    return render(request, f"newsroom/{template}", context, status_code=status_code)


def forbidden(request: Request, session: Session | None, message: str) -> Response:
    context = ForbiddenContext(chrome=chrome(request, session), message=message)
    response = show(request, "forbidden.html", context, status_code=403)
    response.headers.update(newsroom_auth.NO_STORE)
    return response


def require(session: Session, permission: Permission) -> None:
    if not session.user.can(permission):
        what = WHAT.get(permission, permission.value)
        raise NotAllowed(f"a {session.user.role.value} cannot {what}")


def page(handler: Handler, *, expired: Expired | None = None, json: bool = False) -> Endpoint:
    return newsroom_auth.newsroom_page(handler, refuse=forbidden, expired=expired, json=json)
