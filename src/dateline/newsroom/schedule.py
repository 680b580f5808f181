"""Scheduled publishing, run inside dateline: no external cron.

``run_due`` publishes every scheduled article whose time has come (through the one
publish path) and unpublishes every published one whose time to come down has passed.
``dateline serve`` and ``dateline worker`` run it at start, so what came due while
dateline was down goes live at once, and then every few seconds.
"""

from __future__ import annotations

from datetime import UTC, datetime

from dateline import publish as publishing
from dateline.store import Store

EVERY_SECONDS = 5.0


def run_due(store: Store, now: datetime | None = None) -> tuple[list[int], list[int]]:
    """Publish and unpublish what is due at ``now``; ``(published, unpublished)`` ids.

    Each article is claimed with one atomic status change first, so with several
    processes running the schedule each article is published (and audited) once.
    """
    when = now or datetime.now(UTC)
    to_publish, to_unpublish = store.due_schedules(when)
    published = [i for i in to_publish if store.claim_due(i, True, when)]
    if published:
        publishing.publish(store, published, when)  # related lists (and more) follow
    unpublished = [i for i in to_unpublish if store.claim_due(i, False, when)]
    for article_id in unpublished:
        publishing.unpublish(store, article_id)
    return published, unpublished
