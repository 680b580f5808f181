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
    """Publish and unpublish what is due at ``now``; ``(published, unpublished)`` ids."""
    when = now or datetime.now(UTC)
    to_publish, to_unpublish = store.due_schedules(when)
    published: list[int] = []
    for article_id in to_publish:
        publishing.publish(store, [article_id], when)
        store.audit(None, "publish (scheduled)", article_id, when)
        published.append(article_id)
    for article_id in to_unpublish:
        publishing.unpublish(store, article_id)
        store.set_schedule(article_id, None, None, None, when)
        store.audit(None, "unpublish (scheduled)", article_id, when)
    return published, to_unpublish
