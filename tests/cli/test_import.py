"""``dateline import`` end to end: real files, the real command, a real database."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from dateline.cli import cli
from dateline.model import Status
from dateline.store import open_store
from tests.conftest import shared_path

MARKDOWN = """---
id: test-harbor-vote
headline: Council approves harbor dredging
deck: The project will deepen the channel.
section: {section}
authors: [Maria Lopez, Dev Patel]
topics: [Harbor]
published: 2026-11-20T09:30:00-05:00
---
PORT ALDER, Maine — The council voted 7-2 on Thursday to dredge the harbor.<script>alert(1)</script>

<p onclick="steal()">Residents cheered.</p>

Maria Lopez reported from Port Alder.
"""


def run(database_url: str, tmp_path: Path, *args: str) -> tuple[int, str]:
    runner = CliRunner()
    env = {"DATELINE_DATABASE_URL": database_url, "DATELINE_DATA_DIR": str(tmp_path)}
    result = runner.invoke(cli, list(args), env=env, catch_exceptions=False)
    return result.exit_code, result.output


@pytest.fixture
def wire(tmp_path: Path) -> Path:
    folder = tmp_path / "wire"
    folder.mkdir()
    (folder / "harbor.md").write_text(MARKDOWN.format(section="news"), encoding="utf-8")
    return folder


def test_import_and_publish_markdown(database_url: str, tmp_path: Path, wire: Path) -> None:
    code, output = run(database_url, tmp_path, "import", "--publish", str(wire))
    assert code == 0, output
    assert "1 created" in output
    store = open_store(database_url)
    try:
        article = store.article_by_uid("test-harbor-vote")
        assert article is not None
        assert article.status is Status.PUBLISHED
        assert article.dateline == "PORT ALDER, Maine"
        assert article.credit_line == "Maria Lopez reported from Port Alder."
        assert [a.name for a in article.bylines] == ["Maria Lopez", "Dev Patel"]
        stored = json.dumps([b.html for b in article.body])
        assert "script" not in stored and "onclick" not in stored and "alert" not in stored
        assert article.body[0].html.startswith("The council voted")
    finally:
        store.close()


def test_reimport_updates_never_duplicates(database_url: str, tmp_path: Path, wire: Path) -> None:
    assert run(database_url, tmp_path, "import", str(wire))[0] == 0
    code, output = run(database_url, tmp_path, "import", str(wire))
    assert code == 0 and "1 unchanged" in output
    newer = (
        MARKDOWN.format(section="news")
        .replace(
            "published: 2026-11-20T09:30:00-05:00",
            "published: 2026-11-20T09:30:00-05:00\nupdated: 2026-11-21T10:00:00-05:00",
        )
        .replace("Council approves", "Council finally approves")
    )
    (wire / "harbor.md").write_text(newer, encoding="utf-8")
    code, output = run(database_url, tmp_path, "import", str(wire))
    assert code == 0 and "1 updated" in output
    store = open_store(database_url)
    try:
        assert store.article_by_uid("test-harbor-vote").headline.startswith(  # type: ignore[union-attr]
            "Council finally"
        )
        assert len(store.published_corpus()) == 0
    finally:
        store.close()


def test_bad_files_are_named_and_the_rest_go_on(
    database_url: str, tmp_path: Path, wire: Path
) -> None:
    (wire / "broken.json").write_text('{"uri": "urn:x", "headline": ', encoding="utf-8")
    (wire / "nohead.json").write_text('{"uri": "urn:y", "body_text": "Text."}', encoding="utf-8")
    (wire / "section.md").write_text(
        MARKDOWN.format(section="nowhere").replace("test-harbor-vote", "test-other"),
        encoding="utf-8",
    )
    long_headline = json.dumps({"uri": "urn:z", "headline": "x" * 400, "body_text": "Text."})
    (wire / "long.json").write_text(long_headline, encoding="utf-8")
    code, output = run(database_url, tmp_path, "import", str(wire))
    assert code == 1
    assert "broken.json" in output
    assert "nohead.json: field 'headline'" in output
    assert "section.md: field 'section'" in output and "nowhere" in output
    assert "long.json: field 'headline'" in output
    assert "1 of 5 files imported" in output
    store = open_store(database_url)
    try:
        assert store.article_by_uid("test-harbor-vote") is not None
        for uid in ("urn:x", "urn:y", "urn:z", "test-other"):
            assert store.article_by_uid(uid) is None
    finally:
        store.close()


def test_missing_path_fails_clearly(database_url: str, tmp_path: Path) -> None:
    code, output = run(database_url, tmp_path, "import", str(tmp_path / "nope"))
    assert code == 1
    assert "no such file or folder" in output


def test_seed_and_ninjs_samples_import(database_url: str, tmp_path: Path) -> None:
    seed = shared_path("seed", "article.ninjs.json")
    samples = shared_path("fixtures", "ninjs", "examples", "1.4")
    code, output = run(database_url, tmp_path, "import", "--publish", str(seed), str(samples))
    assert "created" in output
    store = open_store(database_url)
    try:
        article = store.article_by_uid("urn:example:seed:israel-rebuffs-blinken-2024-03-22")
        assert article is not None and article.status is Status.PUBLISHED
        assert article.dateline == "TEL AVIV"
        assert article.credit_line.startswith("DeYoung reported from Washington")
        assert article.body[0].html.startswith("Secretary of State Antony Blinken")
        assert article.path == "/2024/03/22/" + article.slug
        assert store.count_published() >= 5
    finally:
        store.close()
    assert code in (0, 1)


def test_demo_loads_the_demo_newsroom(database_url: str, tmp_path: Path) -> None:
    code, output = run(database_url, tmp_path, "demo")
    assert code == 0, output
    store = open_store(database_url)
    try:
        assert store.count_published() >= 30
        sections = store.section_fronts(5)
        assert len(sections) >= 5
        newest = store.list_published(limit=1)[0]
        page = store.article_page(newest.path.rsplit("/", 1)[1])
        assert page is not None
        assert page.article.dateline and page.article.credit_line
        assert page.related and len(page.recent) == 5
    finally:
        store.close()
    code, output = run(database_url, tmp_path, "demo")
    assert code == 0 and "0 new" in output


def test_database_unreachable_is_one_clear_line(tmp_path: Path) -> None:
    env = {**os.environ, "DATELINE_DATABASE_URL": "postgresql://nobody@127.0.0.1:1/none"}
    result = subprocess.run(
        [sys.executable, "-m", "dateline", "migrate"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 1
    assert "cannot open the database" in result.stderr
    assert "Traceback" not in result.stderr
