"""The Jinja environment: templates, filters for dates and datelines, hashed static URLs."""

from __future__ import annotations

import hashlib
from collections.abc import Hashable
from datetime import datetime, timedelta, tzinfo
from functools import lru_cache
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, select_autoescape
from jinja2.runtime import Macro
from markupsafe import Markup

from dateline.model.dateline import display_dateline

HERE = Path(__file__).parent
TEMPLATES = HERE / "templates"
STATIC = HERE / "static"
PARTIALS = "_partials.html"
# How many results each date filter keeps (a few hundred bytes each): the dates of a few
# thousand pages' lists, far more than a front page and a day's articles show
DATES_KEPT = 4096
# How many macro calls ``kept`` keeps: the weather widget has one state per city shown
MACRO_CALLS_KEPT = 256
# English month names, as ``%B`` writes them in the C locale dateline runs in, without
# the cost of ``strftime`` (a page shows a dozen dates)
MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


@lru_cache(maxsize=64)
def static_hash(name: str) -> str:
    """First 12 hex digits of the SHA-256 of a static file: its URL changes with it."""
    return hashlib.sha256((STATIC / name).read_bytes()).hexdigest()[:12]


def static_url(name: str) -> str:
    """URL of a static file, with its content hash so it can be cached for ever."""
    return f"/static/{static_hash(name)}/{name}"


@lru_cache(maxsize=MACRO_CALLS_KEPT)
def kept(macro: Macro, *args: Hashable) -> Markup:
    """``macro(*args)``, kept for the next call with equal arguments.

    Only for a macro of a module made without context (``{% from ... import ... %}``,
    Jinja's default, or ``partials``): such a macro sees its arguments and the
    environment's globals and filters, nothing of the page, so equal arguments give the
    same markup. The arguments are the whole key, so they must be values whose equality
    covers all the macro shows (frozen dataclasses, strings). A changed template is a new
    ``Macro``, hence a new key.
    """
    return Markup(macro(*args))


def make_environment(tz: tzinfo) -> Environment:
    """The site's template environment; dates are shown in ``tz``."""
    env = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=select_autoescape(["html", "xml"]),
        trim_blocks=True,
        lstrip_blocks=True,
        # the templates ship with the package: checking their files' times on every
        # render (several stat calls a page) buys nothing in production
        auto_reload=False,
    )

    def local(value: datetime) -> datetime:
        return value.astimezone(tz)

    # The date filters keep their recent results: a page shows a dozen dates and the same
    # ones request after request (the recent list, an article's related list), and
    # formatting them was about 8 % of an uncached article page's render. Their text
    # depends only on the instant (shown in ``tz``, fixed for this environment), which is
    # what equal aware datetimes share, so the datetime is the whole key.
    @lru_cache(maxsize=DATES_KEPT)
    def long_date(value: datetime | None) -> str:
        if value is None:
            return ""
        when = local(value)
        return f"{MONTHS[when.month - 1]} {when.day}, {when.year}"

    @lru_cache(maxsize=DATES_KEPT)
    def date_time(value: datetime | None) -> str:
        if value is None:
            return ""
        when = local(value)
        hour = when.hour % 12 or 12
        meridiem = "a.m." if when.hour < 12 else "p.m."
        day = f"{MONTHS[when.month - 1]} {when.day}, {when.year}"
        return f"{day} at {hour}:{when.minute:02d} {meridiem} {when.tzname()}"

    @lru_cache(maxsize=DATES_KEPT)
    def offset_iso(value: datetime, _offset: timedelta | None) -> str:
        # Whole seconds: HTML's <time datetime> allows at most three digits of fraction.
        return value.isoformat(timespec="seconds")

    def iso(value: datetime | None) -> str:
        # ISO text is written in the value's own offset, and equal datetimes may differ in
        # it (12:00+00:00 == 14:00+02:00): the offset is part of the key
        return offset_iso(value, value.utcoffset()) if value is not None else ""

    env.filters.update(
        long_date=long_date,
        date_time=date_time,
        iso=iso,
        dateline=display_dateline,
    )
    env.globals["static_url"] = static_url
    env.globals["kept"] = kept
    # The shared macros, imported once: ``{% from "_partials.html" import ... %}`` gives
    # the very same module (imports are without context) but looks it up on every render,
    # which cost about 1.5 % of an article page each time. ``partials.block`` and so on.
    env.globals["partials"] = env.get_template(PARTIALS).module
    return env
