"""The reader's weather city: a small form that keeps the choice in a cookie.

Choosing a city adds it to the bounded set the background refresh keeps fresh (the
least recently chosen drop out); the widget shows it once the cache holds a value, and
the site's city until then. No provider is called here.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from dateline.weather.cache import CITY_COOKIE
from dateline.web.views.common import site_state

MAX_CITY = 80
COOKIE_AGE = 365 * 24 * 3600
_CITY = re.compile(r"[^\W\d_][\w .,'’()-]*", re.UNICODE)


def _back(raw: str) -> str:
    """A safe same-site path to return to: only plain absolute paths are accepted."""
    if raw.startswith("/") and not raw.startswith("//") and "\\" not in raw:
        return raw
    return "/"


async def choose_city(request: Request) -> Response:
    form = await request.form()
    state = site_state(request)
    city = " ".join(str(form.get("city", "")).split())[:MAX_CITY]
    response = RedirectResponse(_back(str(form.get("next", "/"))), status_code=303)
    secure = state.settings.site_url.startswith("https://")
    if not city or city.casefold() == state.settings.weather_city.casefold():
        response.delete_cookie(CITY_COOKIE, samesite="lax", secure=secure, httponly=True)
        return response
    if not _CITY.fullmatch(city):
        return response
    state.store.choose_weather_city(city, datetime.now(UTC), state.settings.weather_max_cities)
    response.set_cookie(
        CITY_COOKIE,
        city,
        max_age=COOKIE_AGE,
        samesite="lax",
        secure=secure,
        httponly=True,
    )
    return response
