"""The seed article, imported with the real CLI and served by a real server, read in Chromium.

Its visible text must follow ``../shared/seed/article-page.txt`` part for part: the weather
widget, the headline, the body opened by ``TEL AVIV — ``, every paragraph, the credit line,
then a filled related list and a filled recent list.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from dateline.model import Observation
from dateline.store import open_store
from dateline.testing import build_fixture_newsroom
from tests.browser.conftest import Server, run_cli, site_env
from tests.conftest import shared_path

pytestmark = pytest.mark.browser


def seed_parts(seed_page: str) -> list[str]:
    """The seed page's non-empty lines, in order."""
    return [line.strip() for line in seed_page.splitlines() if line.strip()]


def test_seed_article_page_matches_the_reference(
    browser: Any, database_url: str, tmp_path: Path
) -> None:
    seed_item = shared_path("seed", "article.ninjs.json")
    reference = seed_parts(shared_path("seed", "article-page.txt").read_text(encoding="utf-8"))
    env = site_env(tmp_path, database_url)

    store = open_store(database_url)
    try:
        build_fixture_newsroom(store)
    finally:
        store.close()
    imported = run_cli(env, "import", "--publish", str(seed_item))
    assert imported.returncode == 0, imported.stderr
    assert "1 created" in imported.stdout
    store = open_store(database_url)
    try:
        now = datetime.now(UTC)
        store.save_observation(Observation("New York", "New York", 15.5, now, now, "replay"))
        seed = store.article_by_uid("urn:example:seed:israel-rebuffs-blinken-2024-03-22")
        assert seed is not None
    finally:
        store.close()

    server = Server(env, tmp_path)
    try:
        browser.get(server.url + seed.path)
        text = browser.find_element("tag name", "body").text
        lines = [line.strip() for line in text.splitlines() if line.strip()]
        related = browser.find_elements("css selector", "#related-heading + ul li a")
        recent = browser.find_elements("css selector", "#recent-heading + ul li a")
        recent_text = [a.text for a in recent]
        browser.save_screenshot(str(tmp_path / "article.png"))
    finally:
        server.stop()

    # Every part of the reference appears, in the reference's order.
    position = -1
    for part in reference:
        assert part in lines, f"missing from the page: {part[:70]!r}"
        found = lines.index(part, position + 1) if part in lines[position + 1 :] else -1
        assert found > position, f"out of order: {part[:70]!r}"
        position = found
    assert lines.index("15.5 C") + 1 == lines.index("New York")
    assert lines.index("New York") < lines.index(reference[2])
    body_start = next(line for line in lines if line.startswith("TEL AVIV — "))
    assert body_start == reference[3]
    assert sum(line.startswith("TEL AVIV") for line in lines) == 1
    credit = reference[-3]
    assert credit.endswith("contributed to this report.")
    assert lines.index(credit) < lines.index("Related articles") < lines.index("Recent articles")
    assert 1 <= len(related) <= 5
    assert 1 <= len(recent) <= 5
    assert "Israel rebuffs Blinken" not in " ".join(recent_text)
