"""The article page writes its two story lists out (cheaper than two macro calls): the
markup must stay what ``_partials.html``'s ``story_list`` writes for every other page."""

from __future__ import annotations

from datetime import UTC, datetime

from benchmarks.archive import generate_archive
from starlette.testclient import TestClient

from dateline.store import Store


def test_the_article_pages_lists_are_the_story_list_macros_markup(
    client: TestClient, store: Store
) -> None:
    ids = generate_archive(store, 30, seed=3, now=datetime.now(UTC))
    partials = client.app.state.templates.globals["partials"]  # type: ignore[attr-defined]
    checked = 0
    for article_id in ids[::3]:
        article = store.article(article_id)
        assert article is not None
        page_read = store.article_page(article.slug)
        assert page_read is not None
        html = client.get(article.path).text
        related = [link.article for link in page_read.related]
        for items, heading, heading_id in (
            (related, "Related articles", "related-heading"),
            (page_read.recent, "Recent articles", "recent-heading"),
        ):
            if items:
                assert str(partials.story_list(items, heading, heading_id)) in html
                checked += 1
    assert checked >= 6  # both lists, on several pages
