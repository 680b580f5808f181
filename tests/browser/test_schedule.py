"""Scheduled publishing inside dateline, seen in Chromium: an article goes live at its time,
and one that came due while the server was stopped goes live when it starts."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from dateline.model import Role, Section
from dateline.newsroom import workflow
from dateline.newsroom.accounts import create_user
from dateline.newsroom.editor import EditorForm, build_article
from dateline.store import Store, open_store
from tests.browser.conftest import Server, site_env

pytestmark = pytest.mark.browser


def scheduled(store: Store, user: Any, headline: str, at: datetime, now: datetime) -> int:
    values = {"headline": headline, "body": f"{headline}: the full story.", "section": "news"}
    article, markdown = build_article(store, EditorForm.of(values), None)
    article_id, _ = store.save_draft(article, markdown, user, None, now, values, "create")
    workflow.schedule(store, user, article_id, at, None, now)
    return article_id


def home_text(browser: Any, url: str) -> str:
    browser.get(url + "/")
    return str(browser.find_element("tag name", "body").text)


def test_scheduled_articles_go_live_on_time_and_after_downtime(
    browser: Any, database_url: str, tmp_path: Path
) -> None:
    env = site_env(tmp_path, database_url)
    env["DATELINE_WEATHER_PROVIDER"] = "off"
    store = open_store(database_url)
    try:
        now = datetime.now(UTC)
        store.save_section(Section(slug="news", name="News"))
        editor = create_user(store, "ed@example.org", "Ed", Role.EDITOR, "long password 1", now)
        # due while no server runs: its time passes before the server starts
        scheduled(store, editor, "Overnight budget story", now + timedelta(seconds=1), now)
        time.sleep(1.5)

        server = Server(env, tmp_path)
        # scheduled once the server runs (however long it took to start), a little ahead
        soon = datetime.now(UTC) + timedelta(seconds=8)
        scheduled(store, editor, "Noon press conference", soon, datetime.now(UTC))
    finally:
        store.close()
    try:
        first = home_text(browser, server.url)
        assert "Overnight budget story" in first  # published at start
        assert "Noon press conference" not in first or datetime.now(UTC) >= soon
        deadline = time.monotonic() + 60
        text = first
        while "Noon press conference" not in text and time.monotonic() < deadline:
            time.sleep(1)
            text = home_text(browser, server.url)
        assert "Noon press conference" in text
        assert datetime.now(UTC) >= soon
    finally:
        server.stop()
