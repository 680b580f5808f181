"""A source ingest polls: a feed or wire endpoint, its rules, and its health."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import datetime, timedelta

MIN_INTERVAL_MINUTES = 1
MAX_INTERVAL_MINUTES = 24 * 60
MAX_BACKOFF = timedelta(hours=24)


@dataclass(frozen=True, slots=True)
class FeedSource:
    """A feed (RSS, Atom, JSON Feed) or wire endpoint (ninjs, NewsML-G2) to poll.

    ``section`` is where its items go unless ``category_sections`` maps one of an item's
    categories (case-insensitive) to another section. ``full_text`` asks for the web page
    of an item that carries only a summary. ``auto_publish`` publishes what arrives;
    otherwise items wait in the review queue as drafts. The rest is health, kept by the
    poller: validators for conditional GET, the last outcome, and when to poll next.
    """

    url: str
    name: str
    section: str
    interval_minutes: int = 15
    full_text: bool = False
    auto_publish: bool = False
    category_sections: dict[str, str] = field(default_factory=dict)
    created_at: datetime | None = None
    etag: str = ""
    last_modified: str = ""
    last_polled_at: datetime | None = None
    last_success_at: datetime | None = None
    last_error: str = ""
    last_error_at: datetime | None = None
    failures: int = 0
    items_taken: int = 0
    next_poll_at: datetime | None = None
    id: int | None = None

    def section_for(self, categories: tuple[str, ...]) -> str:
        """The section an item with ``categories`` goes to under this source's rules."""
        rules = {k.casefold(): v for k, v in self.category_sections.items()}
        for category in categories:
            slug = rules.get(category.strip().casefold())
            if slug:
                return slug
        return self.section


def backoff(interval_minutes: int, failures: int, retry_after: timedelta | None) -> timedelta:
    """How long to wait after the ``failures``-th failure in a row (``failures`` >= 1).

    The interval doubles with each failure, up to 24 hours; a ``Retry-After`` the server
    sent is honoured when it asks for longer.
    """
    exponent = min(max(failures - 1, 0), 16)
    wait = timedelta(minutes=interval_minutes * math.pow(2, exponent))
    wait = min(wait, MAX_BACKOFF)
    if retry_after is not None and retry_after > wait:
        wait = min(retry_after, MAX_BACKOFF * 7)
    return wait
