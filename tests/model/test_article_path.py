"""``article_path`` writes the date from its fields: the same paths strftime gave."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

from dateline.model.article import article_path


def test_dated_paths_match_strftime() -> None:
    start = datetime(1999, 12, 25, 23, 59, tzinfo=UTC)
    whens = [start + timedelta(days=d, hours=h) for d in range(0, 12000, 37) for h in (0, 7)]
    whens += [
        datetime(2026, 3, 29, 1, 30, tzinfo=timezone(timedelta(hours=2))),
        datetime(2026, 1, 1),
    ]
    for when in whens:
        assert article_path("a-slug", when) == f"/{when:%Y/%m/%d}/a-slug"


def test_undated_path() -> None:
    assert article_path("a-slug", None) == "/article/a-slug"
