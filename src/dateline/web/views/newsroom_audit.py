"""The audit log: who did what to which article, when (editors and admins)."""

from __future__ import annotations

import re

from starlette.requests import Request
from starlette.responses import Response

from dateline.model import Permission
from dateline.newsroom.accounts import Session
from dateline.web.views.common import store_of
from dateline.web.views.newsroom_contexts import AuditContext
from dateline.web.views.newsroom_editor import MAX_ID
from dateline.web.views.newsroom_page import chrome, page, require, show

LIMIT = 500


async def _audit_log(request: Request, session: Session) -> Response:
    require(session, Permission.AUDIT)
    raw = request.query_params.get("article", "")
    wanted = int(raw) if re.fullmatch(r"[0-9]{1,10}", raw) else 0
    article_id = wanted if 0 < wanted < MAX_ID else None
    entries = store_of(request).audit_entries(article_id, limit=LIMIT)
    context = AuditContext(chrome=chrome(request, session), entries=entries, article_id=article_id)
    return show(request, "audit.html", context)


audit_log = page(_audit_log)
