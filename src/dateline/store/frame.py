"""The reads of a public page's frame: the section navigation and the weather cache.

Prepared (``store.prepared``) so a page can read them in the same batch, and the same
transaction, as its own content: rows in, model objects out, like ``taxonomy`` and
``weather`` whose one-off reads they match.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, fields
from typing import Any

from sqlalchemy import bindparam, or_, select

from dateline.model import Observation, Section
from dateline.store.prepared import Prepared, Row
from dateline.store.schema import sections
from dateline.store.schema import weather_observations as observations

_SECTIONS = Prepared(
    select(sections.c.slug, sections.c.name, sections.c.position, sections.c.id).order_by(
        sections.c.position, sections.c.name
    )
)
_OBSERVATION_FIELDS = [f.name for f in fields(Observation)]
_OBSERVATIONS = Prepared(
    select(*(observations.c[name] for name in _OBSERVATION_FIELDS)).where(
        or_(
            observations.c.location == bindparam("first"),
            observations.c.location == bindparam("second"),
        )
    )
)


@dataclass(frozen=True, slots=True)
class Frame:
    """The sections in navigation order, and the stored observation of each location asked
    for that has one (the weather cache: what the widget may show is decided above)."""

    sections: list[Section]
    observations: dict[str, Observation]


def frame_reads(locations: Sequence[str]) -> list[tuple[Prepared, dict[str, Any]]]:
    """The batch that reads the frame, with the observations of up to two ``locations``."""
    if not 1 <= len(locations) <= 2:
        raise ValueError("a page's frame reads the weather of one or two locations")
    first, second = locations[0], locations[-1]
    return [(_SECTIONS, {}), (_OBSERVATIONS, {"first": first, "second": second})]


def frame_from_rows(section_rows: list[Row], observation_rows: list[Row]) -> Frame:
    """The frame of the rows of ``frame_reads``' two statements."""
    found = {}
    for row in observation_rows:
        observation = Observation(*row)
        found[observation.location] = observation
    return Frame(
        sections=[
            Section(slug, name, position, section_id)
            for slug, name, position, section_id in section_rows
        ],
        observations=found,
    )
