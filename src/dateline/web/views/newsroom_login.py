"""The sign-in page, and the editor's unsaved text carried through it.

When the editor's form is posted after the session ended, nothing is saved and nothing is
lost: the sign-in page is shown with every posted field as a hidden ``keep_*`` input
(escaped like any other value), and signing in brings the editor back with that text in
its form, not yet saved.
"""

from __future__ import annotations

import re

from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import Response

from dateline.newsroom.editor import FIELDS
from dateline.web import newsroom_auth
from dateline.web.views.newsroom_contexts import LoginContext
from dateline.web.views.newsroom_page import chrome, show

KEPT = (*FIELDS, "lock_version", "publish_at", "unpublish_at", "correction")
KEEP_PREFIX = "keep_"
EDITOR_PATH = re.compile(r"^/newsroom/articles/(new|[0-9]{1,12})$")
NOTICES = {
    "out": "You are signed out.",
    "everywhere": "You are signed out on every device.",
}
EXPIRED = (
    "Your session has ended, so nothing was saved. Sign in again: your unsaved text is "
    "kept and comes back in the editor."
)


def login_page(
    request: Request,
    *,
    email: str = "",
    error: str = "",
    notice: str = "",
    next_path: str = "",
    kept: list[tuple[str, str]] | None = None,
    status_code: int = 200,
) -> Response:
    """The sign-in form, with a fresh (or the browser's current) double-submit token."""
    token = newsroom_auth.login_csrf_token(request)
    context = LoginContext(
        chrome=chrome(request, None, token),
        email=email,
        error=error,
        notice=notice,
        next=newsroom_auth.safe_next(next_path),
        kept=kept or [],
    )
    response = show(request, "login.html", context, status_code=status_code)
    newsroom_auth.set_login_csrf_cookie(request, response, token)
    response.headers.update(newsroom_auth.NO_STORE)
    return response


def keep_text(request: Request, form: FormData) -> Response:
    """The answer to an editor POST whose session is gone: sign in, text kept."""
    kept = [(name, str(form.get(name, "") or "")) for name in KEPT]
    return login_page(
        request, notice=EXPIRED, next_path=request.url.path, kept=kept, status_code=401
    )


def kept_fields(form: FormData) -> dict[str, str]:
    """The editor fields a sign-in form carried (empty when it carried none)."""
    return {
        name: str(form.get(KEEP_PREFIX + name, "") or "")
        for name in KEPT
        if KEEP_PREFIX + name in form
    }
