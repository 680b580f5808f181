"""The reader pages that the markup and accessibility checks visit, on the demo newsroom.

``build_demo_site(store)`` loads the demo newsroom (sections, 58 articles with headings,
quotes and topics), a correction and a fresh weather observation, so every part of the
page templates is drawn; ``public_pages(store)`` names one page of each kind.
"""

from __future__ import annotations

from datetime import UTC, datetime

from dateline.demo.loader import load_demo
from dateline.model import Observation
from dateline.store import Store

# The demo article whose page draws the most: a subheading, quotes, a byline, an update
# time, a syndication source, topics; build_demo_site adds a correction to it.
ARTICLE_UID = "demo-hollis-fire-evacuations-2026-11-08"


def build_demo_site(store: Store) -> None:
    """Fill ``store`` with the demo newsroom and a fresh observation for the weather widget."""
    now = datetime.now(UTC)
    report = load_demo(store, now, "world")
    assert not report.failed, [f.error for f in report.failed]
    article = store.article_by_uid(ARTICLE_UID)
    assert article is not None and article.id is not None
    store.add_correction(
        article.id, "An earlier version misstated the fire's size on Saturday night.", now
    )
    store.save_observation(
        Observation("New York", "New York", 15.5, now, now, "test", condition="partly-cloudy")
    )


def public_pages(store: Store) -> dict[str, str]:
    """One path of each kind of reader page: ``{kind: path}``, in a fixed order."""
    article = store.article_by_uid(ARTICLE_UID)
    assert article is not None, f"the demo article {ARTICLE_UID} is missing"
    return {
        "home": "/",
        "section": "/section/nation",
        "article": article.path,
        "author": "/author/luis-ferreira",
        "topic": "/topic/hollis-fire",
        "search": "/search?q=fire",
        "not-found": "/no/such/page",
    }
