"""SQLite's stored times read as aware UTC datetimes, whatever form the text has."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from dateline.store.prepared import _sqlite_utc


@pytest.mark.parametrize(
    "text",
    [
        "2026-11-20 12:00:00.000000",  # as SQLAlchemy writes it
        "2026-11-20 12:00:00.123456",
        "2026-11-20 12:00:00",
        "2026-11-20T23:59",
        "2026-11-20",  # a bare date: midnight UTC, not a naive time
        "2026-11-20 12:00:00+02:00",  # a zone already named: replaced, as before
        "2026-11-20T12:00:00Z",
    ],
)
def test_a_stored_time_reads_as_the_plain_parse_made_utc(text: str) -> None:
    when = _sqlite_utc(text)
    assert when == datetime.fromisoformat(text).replace(tzinfo=UTC)
    assert when is not None and when.tzinfo is UTC
    assert when.isoformat() == datetime.fromisoformat(text).replace(tzinfo=UTC).isoformat()


def test_no_time_reads_as_none() -> None:
    assert _sqlite_utc(None) is None


def test_an_unreadable_time_still_fails() -> None:
    with pytest.raises(ValueError):
        _sqlite_utc("yesterday")
