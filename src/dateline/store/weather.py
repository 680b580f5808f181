"""Queries for the weather cache: the latest observation per location."""

from __future__ import annotations

from sqlalchemy import Connection, delete, insert, select

from dateline.model import Observation
from dateline.store.schema import weather_observations as table


def latest_observation(conn: Connection, location: str) -> Observation | None:
    row = conn.execute(select(table).where(table.c.location == location)).mappings().first()
    if row is None:
        return None
    return Observation(
        location=row["location"],
        city=row["city"],
        temperature_c=row["temperature_c"],
        observed_at=row["observed_at"],
        fetched_at=row["fetched_at"],
        provider=row["provider"],
        condition=row["condition"],
        attribution=row["attribution"],
    )


def save_observation(conn: Connection, observation: Observation) -> None:
    """Keep ``observation`` as the location's latest, replacing the one before."""
    conn.execute(delete(table).where(table.c.location == observation.location))
    conn.execute(
        insert(table).values(
            location=observation.location,
            city=observation.city,
            temperature_c=observation.temperature_c,
            condition=observation.condition,
            observed_at=observation.observed_at,
            fetched_at=observation.fetched_at,
            provider=observation.provider,
            attribution=observation.attribution,
        )
    )
