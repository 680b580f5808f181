"""Who is signed in to the newsroom, and the checks every newsroom request goes through.

- The session cookie ``dateline_session`` (``HttpOnly``, ``SameSite=Lax``, ``Path=/``,
  ``Secure`` when the request is https or the site's URL is) carries the token of an
  ``accounts.Session``; a new one is made at every sign-in.
- Every state-changing request carries a CSRF token in the form field ``csrf_token``.
  Signed in, it is the session's own token (kept in the store with the session). The
  sign-in form has no session yet, so it uses a double-submit token: a random value set
  in the cookie ``dateline_login_csrf`` (``HttpOnly``, ``SameSite=Strict``, path
  ``/newsroom/``) and repeated in the form; the two must match. Another site can neither
  read that cookie nor set it, so it cannot forge a matching pair.
- ``newsroom_page`` wraps a handler: signed out, a GET is sent to the sign-in page
  (``?next=``) and a POST of the editor's text is answered with the sign-in page carrying
  that text, so nothing typed is lost; a POST without the right token is refused (403);
  ``NotAllowed`` from the workflow becomes a 403 page with its message.
"""

from __future__ import annotations

import hmac
import re
import secrets
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import TYPE_CHECKING
from urllib.parse import quote, urlsplit

from starlette.datastructures import FormData
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response

from dateline.model import NotAllowed, NotFound
from dateline.newsroom import accounts
from dateline.newsroom.accounts import Session

if TYPE_CHECKING:
    from dateline.web.app import SiteState

SESSION_COOKIE = "dateline_session"
LOGIN_CSRF_COOKIE = "dateline_login_csrf"
LOGIN_PATH = "/newsroom/login"
HOME_PATH = "/newsroom/"
LOGIN_CSRF_AGE = 2 * 3600
_SAFE_NEXT = re.compile(r"^/newsroom/[A-Za-z0-9_\-./?=&%+]*$")
NO_STORE = {
    "Cache-Control": "no-store",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    "X-Content-Type-Options": "nosniff",
    "Content-Security-Policy": (
        "default-src 'self'; img-src * data:; form-action 'self'; "
        "frame-ancestors 'none'; base-uri 'none'; object-src 'none'"
    ),
}

Handler = Callable[[Request, Session], Awaitable[Response]]
Endpoint = Callable[[Request], Awaitable[Response]]
Refusal = Callable[[Request, Session | None, str], Response]
Expired = Callable[[Request, FormData], Response]


def _state(request: Request) -> SiteState:
    state: SiteState = request.app.state.site
    return state


def now() -> datetime:
    return datetime.now(UTC)


def client_address(request: Request) -> str:
    """The address sign-in throttling counts failures for."""
    return request.client.host if request.client else "unknown"


def secure_cookies(request: Request) -> bool:
    """Whether cookies get ``Secure``: an https request, or a site served over https."""
    return request.url.scheme == "https" or _state(request).settings.site_url.startswith("https://")


def current_session(request: Request) -> Session | None:
    """The signed-in session the request's cookie names, when it is still good."""
    token = request.cookies.get(SESSION_COOKIE, "")
    if not token:
        return None
    return accounts.resume_session(_state(request).store, token, now())


def set_session_cookie(request: Request, response: Response, session: Session) -> None:
    response.set_cookie(
        SESSION_COOKIE,
        session.token,
        max_age=int(accounts.SESSION_LIFETIME.total_seconds()),
        path="/",
        secure=secure_cookies(request),
        httponly=True,
        samesite="lax",
    )


def clear_session_cookie(request: Request, response: Response) -> None:
    response.delete_cookie(
        SESSION_COOKIE, path="/", secure=secure_cookies(request), httponly=True, samesite="lax"
    )


def login_csrf_token(request: Request) -> str:
    """The sign-in form's token: the cookie's when the browser has one, else a new one."""
    existing = request.cookies.get(LOGIN_CSRF_COOKIE, "")
    if 20 <= len(existing) <= 100:
        return existing
    return secrets.token_urlsafe(32)


def set_login_csrf_cookie(request: Request, response: Response, token: str) -> None:
    response.set_cookie(
        LOGIN_CSRF_COOKIE,
        token,
        max_age=LOGIN_CSRF_AGE,
        path=HOME_PATH,
        secure=secure_cookies(request),
        httponly=True,
        samesite="strict",
    )


def clear_login_csrf_cookie(request: Request, response: Response) -> None:
    response.delete_cookie(
        LOGIN_CSRF_COOKIE,
        path=HOME_PATH,
        secure=secure_cookies(request),
        httponly=True,
        samesite="strict",
    )


def login_csrf_ok(request: Request, form: FormData) -> bool:
    """The double-submit check: the form's token equals the cookie's (constant time)."""
    cookie = request.cookies.get(LOGIN_CSRF_COOKIE, "")
    submitted = str(form.get("csrf_token", "") or "")
    return bool(cookie) and bool(submitted) and hmac.compare_digest(cookie, submitted)


def csrf_ok(session: Session, form: FormData) -> bool:
    return accounts.csrf_ok(session, str(form.get("csrf_token", "") or ""))


def safe_next(raw: str) -> str:
    """Where to go after signing in: a local ``/newsroom/`` path only, else the list."""
    if not raw or not _SAFE_NEXT.match(raw) or "//" in raw or ".." in raw:
        return HOME_PATH
    parts = urlsplit(raw)
    if parts.scheme or parts.netloc or parts.path.startswith(LOGIN_PATH):
        return HOME_PATH
    return raw


def login_redirect(request: Request) -> RedirectResponse:
    """To the sign-in page, coming back here after it (a GET; a POST cannot be repeated)."""
    if request.method != "GET":
        return RedirectResponse(LOGIN_PATH, status_code=303)
    target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    return RedirectResponse(f"{LOGIN_PATH}?next={quote(target, safe='/')}", status_code=303)


def newsroom_page(
    handler: Handler,
    *,
    refuse: Refusal,
    expired: Expired | None = None,
    json: bool = False,
) -> Endpoint:
    """``handler`` behind the sign-in, CSRF and role checks (see the module's doc).

    ``refuse`` renders the 403 page; ``expired`` answers a POST whose session is gone
    (the sign-in page carrying the posted text); ``json`` answers in JSON instead
    (for the autosave requests of the page's script).
    """

    async def endpoint(request: Request) -> Response:
        session = current_session(request)
        if session is None:
            if request.method != "POST":
                return login_redirect(request)
            if json:
                return JSONResponse({"error": "signed out: sign in again"}, status_code=401)
            form = await request.form()
            if expired is not None:
                return expired(request, form)
            return login_redirect(request)
        if request.method == "POST":
            form = await request.form()
            if not csrf_ok(session, form):
                message = "the form's security token is missing or wrong: reload the page"
                if json:
                    return JSONResponse({"error": message}, status_code=403)
                return refuse(request, session, message)
        try:
            response = await handler(request, session)
        except NotAllowed as exc:
            if json:
                return JSONResponse({"error": str(exc)}, status_code=403)
            response = refuse(request, session, str(exc))
        except NotFound:
            raise HTTPException(404) from None
        response.headers.update(NO_STORE)
        return response

    return endpoint
