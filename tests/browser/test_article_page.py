"""The seed article, imported with the real CLI and served by a real server, read in Chromium.

Its visible text must follow ``../shared/seed/article-page.txt`` part for part: the weather
widget, the headline, the body opened by ``TEL AVIV — ``, every paragraph, the credit line,
then a filled related list and a filled recent list.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from dateline.store import open_store
from dateline.testing import build_fixture_newsroom
from tests.browser.conftest import Server, site_env
from tests.commands import run_dateline as run_cli
from tests.conftest import shared_path
from tests.replay import ReplayServer
from tests.weather.fixtures import METNO_PATH, metno_reply

pytestmark = pytest.mark.browser


def seed_parts(seed_page: str) -> list[str]:
    """The seed page's non-empty lines, in order."""
    return [line.strip() for line in seed_page.splitlines() if line.strip()]


def test_seed_article_page_matches_the_reference(
    browser: Any, database_url: str, tmp_path: Path, replay_server: ReplayServer
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
        seed = store.article_by_uid("urn:example:seed:israel-rebuffs-blinken-2024-03-22")
        assert seed is not None
    finally:
        store.close()

    # The weather comes the real way: `dateline serve` refreshes it in the background
    # from MET Norway's API, here the replay server saying 15.5 °C for New York.
    replay_server.route(METNO_PATH, metno_reply(datetime.now(UTC), temperature=15.5))
    env.update(
        DATELINE_METNO_URL=replay_server.url,
        DATELINE_WEATHER_CONTACT="browser-tests@example.org",
        DATELINE_WEATHER_CITY="New York",
        DATELINE_WEATHER_LAT="40.7",
        DATELINE_WEATHER_LON="-74.0",
    )
    server = Server(env, tmp_path)
    try:
        deadline = time.monotonic() + 20
        while True:
            browser.get(server.url + seed.path)
            if browser.find_elements("css selector", ".weather"):
                break
            assert time.monotonic() < deadline, "the weather never reached the page"
            time.sleep(0.3)
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
    assert len(replay_server.hits(METNO_PATH)) == 1
