"""What every page handler shares: the site context, rendering, and the store."""

from __future__ import annotations

from dataclasses import fields
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from jinja2 import Environment
from starlette.requests import Request
from starlette.responses import HTMLResponse

from dateline.store import Frame, Store
from dateline.weather import cache
from dateline.weather.cache import CITY_COOKIE
from dateline.web import surrogate
from dateline.web.contexts import SiteContext

if TYPE_CHECKING:
    from dateline.web.app import SiteState


def site_state(request: Request) -> SiteState:
    state: SiteState = request.app.state.site
    return state


def store_of(request: Request) -> Store:
    return site_state(request).store


def weather_locations(request: Request) -> tuple[str, ...]:
    """The weather cache keys the widget may show, in order: the reader's city, the site's."""
    default = site_state(request).settings.weather_city
    return cache.reader_locations(request.cookies.get(CITY_COOKIE, ""), default)


def site_context(request: Request, frame: Frame | None = None) -> SiteContext:
    """The frame every page shows: read here, or taken from ``frame``.

    A page that read its frame with its content (``Store.article_page(frame_for=...)``,
    one transaction) passes it; the widget then shows the first of
    ``weather_locations`` with a showable value, as ``cache.for_reader`` decides.
    """
    state = site_state(request)
    settings = state.settings
    if frame is None:
        weather = cache.for_reader(
            state.store,
            request.cookies.get(CITY_COOKIE, ""),
            settings.weather_city,
            datetime.now(UTC),
            settings.tz,
            settings.weather_units,
        )
        sections = state.store.sections()
    else:
        weather = cache.first_shown(
            (frame.observations.get(location) for location in weather_locations(request)),
            datetime.now(UTC),
            settings.tz,
            settings.weather_units,
        )
        sections = frame.sections
    # a new observation purges the page; the widget's own clock bounds how long it is right
    surrogate.tag(request, "weather")
    if weather is not None:
        surrogate.fresh_until(request, weather.valid_until)
    return SiteContext(
        name=settings.site_name,
        url=settings.site_url.rstrip("/"),
        sections=sections,
        weather=weather,
    )


def render(request: Request, template: str, context: Any, status_code: int = 200) -> HTMLResponse:
    """Render ``template`` with the fields of the page's context dataclass."""
    env: Environment = request.app.state.templates
    values = {f.name: getattr(context, f.name) for f in fields(context)}
    html = env.get_template(template).render(**values, request_path=request.url.path)
    return HTMLResponse(html, status_code=status_code)


def page_number(request: Request) -> int:
    raw = request.query_params.get("page", "1")
    try:
        return max(1, min(int(raw), 10_000))
    except ValueError:
        return 1
