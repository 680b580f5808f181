"""Signing in and out of the newsroom.

Sign-in checks the form's double-submit token, then ``accounts.authenticate`` (which
throttles per account and address); on success any session the browser had is ended and
a new one started (no fixation), its token set in ``dateline_session``.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from dateline.model import NotAllowed, NotFound
from dateline.newsroom import accounts
from dateline.newsroom.accounts import Session, SignInRefused
from dateline.web import newsroom_auth
from dateline.web.newsroom_auth import SESSION_COOKIE, now
from dateline.web.views import newsroom_editor
from dateline.web.views.common import store_of
from dateline.web.views.newsroom_login import (
    EDITOR_PATH,
    NOTICES,
    kept_fields,
    login_page,
)
from dateline.web.views.newsroom_page import page


async def login(request: Request) -> Response:
    if request.method == "POST":
        return await _sign_in(request)
    next_path = request.query_params.get("next", "")
    if newsroom_auth.current_session(request) is not None:
        return RedirectResponse(newsroom_auth.safe_next(next_path), status_code=303)
    notice = NOTICES.get(request.query_params.get("done", ""), "")
    return login_page(request, notice=notice, next_path=next_path)


async def _sign_in(request: Request) -> Response:
    form = await request.form()
    email = str(form.get("email", "") or "")[:200]
    next_path = str(form.get("next", "") or "")
    kept = kept_fields(form)
    again = [(k, v) for k, v in kept.items()]
    if not newsroom_auth.login_csrf_ok(request, form):
        message = "The sign-in form's security token is missing or wrong: please try again."
        return login_page(
            request, email=email, error=message, next_path=next_path, kept=again, status_code=403
        )
    store = store_of(request)
    try:
        user = accounts.authenticate(
            store,
            email,
            str(form.get("password", "") or ""),
            newsroom_auth.client_address(request),
            now(),
        )
    except SignInRefused as exc:
        message = str(exc)
        error = message[0].upper() + message[1:] + "."
        return login_page(
            request, email=email, error=error, next_path=next_path, kept=again, status_code=401
        )
    old = request.cookies.get(SESSION_COOKIE, "")
    if old:
        accounts.end_session(store, old)
    session = accounts.start_session(store, user, now())
    response = _after_sign_in(request, session, next_path, kept)
    newsroom_auth.set_session_cookie(request, response, session)
    newsroom_auth.clear_login_csrf_cookie(request, response)
    response.headers.update(newsroom_auth.NO_STORE)
    return response


def _after_sign_in(
    request: Request, session: Session, next_path: str, kept: dict[str, str]
) -> Response:
    """The editor with the kept text, or a redirect to where the user was going."""
    match = EDITOR_PATH.match(next_path)
    if kept and match:
        target = match.group(1)
        article_id = None if target == "new" else int(target)
        try:
            return newsroom_editor.restored(request, session, article_id, kept)
        except (NotAllowed, NotFound):
            pass  # not this user's to edit (or gone): there is nothing to save it to
    return RedirectResponse(newsroom_auth.safe_next(next_path), status_code=303)


async def _logout(request: Request, session: Session) -> Response:
    accounts.end_session(store_of(request), session.token)
    response = RedirectResponse(f"{newsroom_auth.LOGIN_PATH}?done=out", status_code=303)
    newsroom_auth.clear_session_cookie(request, response)
    return response


async def _logout_everywhere(request: Request, session: Session) -> Response:
    assert session.user.id is not None
    store = store_of(request)
    store.end_all_sessions(session.user.id, now())
    store.audit(session.user, "sign out everywhere", None, now())
    response = RedirectResponse(f"{newsroom_auth.LOGIN_PATH}?done=everywhere", status_code=303)
    newsroom_auth.clear_session_cookie(request, response)
    return response


logout = page(_logout)
logout_everywhere = page(_logout_everywhere)
