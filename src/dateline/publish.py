"""The one place that says what publishing does: mark published, then refresh related lists.

Import, the demo and (later) the newsroom and ingest all publish through ``publish``, so a
new step (search index, cache purge) is added here once and applies everywhere.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime

from dateline.store import Store

# The related ranking is imported on first use, not with this module: it loads
# scikit-learn, which a process that only serves readers never needs (measured: importing
# the web app took 177 MiB with it, 146 MiB without; docs/benchmarks.md, "Serving").


def refresh_related(store: Store, article_ids: Sequence[int]) -> None:
    """Recompute the related lists of ``article_ids`` and of the lists they now belong in."""
    from dateline.related import refresh

    refresh.refresh(store, list(article_ids))


def publish(store: Store, article_ids: Sequence[int], now: datetime | None = None) -> list[int]:
    """Publish the articles and bring the related lists up to date.

    Articles keep a first-published time they already carry (a wire item's own time);
    others are stamped ``now``. Returns the ids that were newly published. Articles
    already published whose text changed are refreshed too.
    """
    when = now or datetime.now(UTC)
    newly = store.publish(article_ids, when)
    refresh_related(store, article_ids)
    return newly


def unpublish(store: Store, article_id: int) -> None:
    """Take the article off the site and out of every related list that showed it."""
    from dateline.related import refresh

    store.unpublish(article_id)
    refresh.withdraw(store, article_id)
