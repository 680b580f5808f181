"""Static files under a content-hashed URL, served as immutable."""

from __future__ import annotations

import mimetypes

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from dateline.web.templating import STATIC, static_hash, static_url

IMMUTABLE = "public, max-age=31536000, immutable"


async def static_file(request: Request) -> Response:
    name = request.path_params["name"]
    path = STATIC / name
    if "/" in name or name.startswith(".") or not path.is_file():
        raise HTTPException(404)
    if request.path_params["digest"] != static_hash(name):
        return RedirectResponse(static_url(name), status_code=302)
    media_type = mimetypes.guess_type(name)[0] or "application/octet-stream"
    return Response(path.read_bytes(), media_type=media_type, headers={"Cache-Control": IMMUTABLE})
