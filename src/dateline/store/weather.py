"""Queries for the weather cache: observations, the locations kept fresh, provider state.

A location is refreshed by one process at a time: ``claim_location`` takes a short lease
with one atomic ``UPDATE`` that only succeeds when no other process holds an unexpired
lease, on SQLite and PostgreSQL alike.
"""

from __future__ import annotations

from dataclasses import asdict, fields
from datetime import datetime
from typing import TypeVar

from sqlalchemy import Connection, RowMapping, delete, insert, or_, select, update

from dateline.model import Observation, ProviderState, WeatherLocation
from dateline.store.engine import insert_ignore
from dateline.store.schema import weather_locations as locations
from dateline.store.schema import weather_observations as table
from dateline.store.schema import weather_provider_state as states

T = TypeVar("T", Observation, ProviderState, WeatherLocation)


def _from_row(cls: type[T], row: RowMapping) -> T:
    """The model object of ``cls`` from a row whose columns carry its field names."""
    return cls(**{f.name: row[f.name] for f in fields(cls)})


def latest_observation(conn: Connection, location: str) -> Observation | None:
    row = conn.execute(select(table).where(table.c.location == location)).mappings().first()
    return _from_row(Observation, row) if row else None


def save_observation(conn: Connection, observation: Observation) -> None:
    """Keep ``observation`` as the location's latest, replacing the one before.

    An update in place (not a delete and an insert), so the page-purge trigger can tell
    an observation fetched again unchanged, which purges no cached page, from a new one.
    """
    values = asdict(observation)
    changed = conn.execute(
        update(table).where(table.c.location == observation.location).values(**values)
    )
    if not changed.rowcount:
        conn.execute(insert_ignore(conn, table).values(**values))


def _location(row: RowMapping) -> WeatherLocation:
    return _from_row(WeatherLocation, row)


def get_location(conn: Connection, location: str) -> WeatherLocation | None:
    row = conn.execute(select(locations).where(locations.c.location == location))
    found = row.mappings().first()
    return _location(found) if found else None


def list_locations(conn: Connection) -> list[WeatherLocation]:
    rows = conn.execute(
        select(locations).order_by(locations.c.is_default.desc(), locations.c.chosen_at.desc())
    )
    return [_location(r) for r in rows.mappings()]


def save_default_location(
    conn: Connection,
    location: str,
    latitude: float | None,
    longitude: float | None,
    now: datetime,
) -> WeatherLocation:
    """Make ``location`` the site's city; coordinates given replace stored ones.

    Other locations stop being the default; coordinates ``None`` keep what is stored.
    """
    conn.execute(update(locations).where(locations.c.location != location).values(is_default=False))
    conn.execute(
        insert_ignore(conn, locations).values(
            location=location,
            city=location,
            latitude=latitude,
            longitude=longitude,
            is_default=True,
            chosen_at=now,
            last_error="",
        )
    )
    values: dict[str, object] = {"is_default": True}
    if latitude is not None and longitude is not None:
        values.update(latitude=latitude, longitude=longitude)
    conn.execute(update(locations).where(locations.c.location == location).values(**values))
    found = get_location(conn, location)
    assert found is not None
    return found


def set_coordinates(
    conn: Connection, location: str, city: str, latitude: float, longitude: float
) -> None:
    conn.execute(
        update(locations)
        .where(locations.c.location == location)
        .values(city=city, latitude=latitude, longitude=longitude, last_error="")
    )


def set_location_error(conn: Connection, location: str, message: str) -> None:
    conn.execute(
        update(locations).where(locations.c.location == location).values(last_error=message)
    )


def choose_city(conn: Connection, location: str, now: datetime, keep: int) -> list[str]:
    """Record that a reader chose ``location``; evict the least recently chosen beyond ``keep``.

    Returns the evicted locations (their observations are dropped too).
    """
    conn.execute(
        insert_ignore(conn, locations).values(
            location=location, city=location, is_default=False, chosen_at=now, last_error=""
        )
    )
    conn.execute(update(locations).where(locations.c.location == location).values(chosen_at=now))
    chosen = list(
        conn.execute(
            select(locations.c.location)
            .where(locations.c.is_default.is_(False))
            .order_by(locations.c.chosen_at.desc(), locations.c.location)
        ).scalars()
    )
    evicted = chosen[keep:]
    if evicted:
        conn.execute(delete(table).where(table.c.location.in_(evicted)))
        conn.execute(delete(states).where(states.c.location.in_(evicted)))
        conn.execute(delete(locations).where(locations.c.location.in_(evicted)))
    return evicted


def claim_location(conn: Connection, location: str, now: datetime, until: datetime) -> bool:
    """Take the refresh lease on ``location`` until ``until``; False if another holds it."""
    result = conn.execute(
        update(locations)
        .where(
            locations.c.location == location,
            or_(locations.c.lease_until.is_(None), locations.c.lease_until < now),
        )
        .values(lease_until=until)
    )
    return result.rowcount == 1


def release_location(conn: Connection, location: str) -> None:
    conn.execute(update(locations).where(locations.c.location == location).values(lease_until=None))


def provider_state(conn: Connection, location: str, provider: str) -> ProviderState:
    row = (
        conn.execute(
            select(states).where(states.c.location == location, states.c.provider == provider)
        )
        .mappings()
        .first()
    )
    return _from_row(ProviderState, row) if row else ProviderState(location, provider)


def save_provider_state(conn: Connection, state: ProviderState) -> None:
    conn.execute(
        delete(states).where(
            states.c.location == state.location, states.c.provider == state.provider
        )
    )
    conn.execute(insert(states).values(**asdict(state)))
