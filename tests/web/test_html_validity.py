"""Every kind of reader page is valid HTML: the Nu HTML Checker reports no errors.

The pages are rendered by the real app on the demo newsroom (SQLite: the checker tests
markup, which does not depend on the database), written to a temporary folder, and checked
in one run of ``vnu.jar`` (a JVM starts slowly). It needs Java and ``node_modules/vnu-jar``
(``npm ci``, run by ``scripts/install``); without them these tests skip, saying so.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from starlette.testclient import TestClient

from dateline.config import Settings
from dateline.store import open_store
from dateline.web.app import create_app
from tests.public_pages import build_demo_site, public_pages

ROOT = Path(__file__).resolve().parents[2]
VNU_JAR = ROOT / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
KINDS = ("home", "section", "article", "author", "topic", "search", "not-found")
# Checked in the same run, to show that the checker runs and its errors reach the tests.
BROKEN_PAGE = "<!doctype html><html lang=en><title>x</title><p>An <span>unclosed element</div>"


@dataclass(frozen=True)
class Checked:
    """What the checker said about each page: ``{kind: [message, ...]}``, and the statuses."""

    messages: dict[str, list[dict[str, Any]]]
    statuses: dict[str, int]


def _java() -> str:
    java = shutil.which("java")
    if java is None:
        pytest.skip("java is not installed (Debian: default-jre-headless): vnu.jar needs it")
    if not VNU_JAR.is_file():
        pytest.skip(f"{VNU_JAR} is missing: run scripts/install (npm ci) to install vnu-jar")
    return java


@pytest.fixture(scope="module")
def checked(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Checked]:
    """Render each page, then run the checker once over all of them."""
    java = _java()
    folder = tmp_path_factory.mktemp("pages")
    settings = Settings(
        data_dir=folder,
        database_url=f"sqlite:///{folder / 'dateline.db'}",
        site_name="The Validity Test Dateline",
        site_url="https://news.example.org",
    )
    store = open_store(settings.database_url)
    try:
        build_demo_site(store)
        pages = public_pages(store)
        statuses: dict[str, int] = {}
        files: dict[Path, str] = {}
        with TestClient(create_app(settings, store=store, background=False)) as client:
            for kind, path in pages.items():
                response = client.get(path)
                statuses[kind] = response.status_code
                file = folder / f"{kind}.html"
                file.write_bytes(response.content)
                files[file.resolve()] = kind
    finally:
        store.close()
    broken = folder / "broken.html"
    broken.write_text(BROKEN_PAGE, encoding="utf-8")
    files[broken.resolve()] = "broken"
    run = subprocess.run(
        [java, "-jar", str(VNU_JAR), "--format", "json", "--errors-only", *map(str, sorted(files))],
        capture_output=True,
        text=True,
        timeout=300,
    )
    # vnu writes its JSON report on stderr; it exits 1 when it found errors.
    report = json.loads(run.stderr)
    messages: dict[str, list[dict[str, Any]]] = {kind: [] for kind in files.values()}
    for message in report["messages"]:
        checked_kind = files.get(Path(urlsplit(message.get("url", "")).path))
        assert checked_kind is not None, f"the checker failed: {message}"
        messages[checked_kind].append(message)
    yield Checked(messages, statuses)


def describe(messages: list[dict[str, Any]]) -> str:
    return "\n".join(
        f"  line {m.get('lastLine', '?')}: {m.get('message')}\n    {m.get('extract', '').strip()}"
        for m in messages
    )


def errors(messages: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [m for m in messages if m.get("type") in ("error", "non-document-error")]


def test_the_checker_reports_a_broken_page(checked: Checked) -> None:
    found = errors(checked.messages["broken"])
    assert any("unclosed" in str(m.get("message", "")).lower() for m in found), found


@pytest.mark.parametrize("kind", KINDS)
def test_page_has_no_html_errors(checked: Checked, kind: str) -> None:
    expected = 404 if kind == "not-found" else 200
    assert checked.statuses[kind] == expected
    found = errors(checked.messages[kind])
    assert not found, f"the Nu HTML Checker found errors on the {kind} page:\n" + describe(found)
