"""The weather cache's value: one observation of the current temperature."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True, slots=True)
class Observation:
    """The current temperature at a place, as a provider reported it.

    ``observed_at`` is the data's own time (not the fetch time): freshness is
    measured from it. Temperatures are kept in Celsius and converted at display.
    """

    location: str
    city: str
    temperature_c: float
    observed_at: datetime
    fetched_at: datetime
    provider: str
    condition: str = ""
    attribution: str = ""
