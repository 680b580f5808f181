"""The templates' date filters keep their results: a kept text must be the one for the value.

``iso`` is written in the value's own offset and ``long_date``/``date_time`` in the site's
zone, so equal instants in different zones must share the latter and not the former.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

from jinja2 import Environment

from dateline.web.templating import make_environment

OSLO = ZoneInfo("Europe/Oslo")
PLUS_TWO = timezone(timedelta(hours=2))


def show(env: Environment, name: str, value: datetime | None) -> str:
    return str(env.filters[name](value))


def test_equal_instants_in_other_offsets_keep_their_own_iso_text() -> None:
    env = make_environment(OSLO)
    noon = datetime(2026, 7, 1, 12, 0, 30, 123456, tzinfo=UTC)
    assert show(env, "iso", noon) == "2026-07-01T12:00:30+00:00"
    same = noon.astimezone(PLUS_TWO)
    assert same == noon and hash(same) == hash(noon)
    assert show(env, "iso", same) == "2026-07-01T14:00:30+02:00"
    assert show(env, "iso", noon.astimezone(OSLO)) == "2026-07-01T14:00:30+02:00"
    assert show(env, "iso", noon) == "2026-07-01T12:00:30+00:00"
    assert show(env, "iso", None) == ""


def test_site_zone_dates_depend_on_the_instant_only() -> None:
    env = make_environment(OSLO)
    late = datetime(2026, 10, 25, 23, 30, tzinfo=UTC)  # already the 26th in Oslo
    assert show(env, "long_date", late) == "October 26, 2026"
    assert show(env, "date_time", late) == "October 26, 2026 at 12:30 a.m. CET"
    for same in (late.astimezone(PLUS_TWO), late.astimezone(OSLO)):
        assert show(env, "long_date", same) == "October 26, 2026"
        assert show(env, "date_time", same) == "October 26, 2026 at 12:30 a.m. CET"
    assert show(env, "long_date", None) == show(env, "date_time", None) == ""


def test_each_environment_keeps_the_texts_of_its_own_zone() -> None:
    when = datetime(2026, 1, 1, 3, 15, tzinfo=UTC)
    oslo, utc = make_environment(OSLO), make_environment(UTC)
    assert show(oslo, "date_time", when) == "January 1, 2026 at 4:15 a.m. CET"
    assert show(utc, "date_time", when) == "January 1, 2026 at 3:15 a.m. UTC"
    assert show(oslo, "date_time", when) == "January 1, 2026 at 4:15 a.m. CET"


def test_kept_texts_are_the_computed_ones() -> None:
    """Many dates, each asked twice, across summer time changes: the same texts as the
    formatting written out here."""
    env = make_environment(OSLO)
    start = datetime(2025, 3, 29, 22, 7, 5, tzinfo=UTC)
    whens = [start + timedelta(minutes=97 * i) for i in range(2000)]
    for _ in range(2):
        for when in whens:
            local = when.astimezone(OSLO)
            hour = local.hour % 12 or 12
            meridiem = "a.m." if local.hour < 12 else "p.m."
            day = f"{local:%B} {local.day}, {local.year}"
            assert show(env, "iso", when) == when.isoformat(timespec="seconds")
            assert show(env, "long_date", when) == day
            assert show(env, "date_time", when) == (
                f"{day} at {hour}:{local.minute:02d} {meridiem} {local.tzname()}"
            )
