"""``dateline sources``, ``dateline ingest --once`` and ``dateline worker`` as an operator
runs them: real processes, a real HTTP server on 127.0.0.1, SQLite and PostgreSQL."""

from __future__ import annotations

import signal
import socket
import subprocess
import sys
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import func, select

from dateline.model import FeedSource
from dateline.store import open_store
from dateline.store.schema import articles, ingest_items
from tests.commands import dateline_env
from tests.commands import run_dateline as dateline
from tests.ingest.feeds import BASE_TIME, STORY, Entry, distinct_story, rss
from tests.replay import ReplayServer, Reply


def ingest_env(database_url: str, tmp_path: Path) -> dict[str, str]:
    return dateline_env(
        tmp_path,
        database_url,
        DATELINE_INGEST_ALLOW_PRIVATE="1",  # the replay server is on 127.0.0.1
        DATELINE_INGEST_TIMEOUT="5",
        DATELINE_WEATHER_PROVIDER="off",
    )


def counts(database_url: str) -> tuple[int, int, int]:
    """(articles, distinct uids among ingested items, ingested items), in one statement:
    one snapshot, even while another process stores (a killed poller's reader processes
    finish the feed they are storing before they end, within a second)."""
    store = open_store(database_url, apply_migrations=False)
    try:
        with store.engine.connect() as conn:
            total, uids, taken = conn.execute(
                select(
                    select(func.count()).select_from(articles).scalar_subquery(),
                    select(func.count(func.distinct(articles.c.uid))).scalar_subquery(),
                    select(func.count()).select_from(ingest_items).scalar_subquery(),
                )
            ).one()
        return int(total), int(uids), int(taken)
    finally:
        store.close()


def killed_midway_then_polled_again(
    env: dict[str, str], database_url: str, at_least: int, items: int
) -> None:
    """Run ``dateline ingest --once`` and kill it (``SIGKILL``) as soon as ``at_least``
    of the sources' ``items`` items are stored: what is stored then is whole and recorded.
    Then poll again: every item is stored once."""
    process = subprocess.Popen(
        [sys.executable, "-m", "dateline", "ingest", "--once"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 60
    while counts(database_url)[0] < at_least and time.monotonic() < deadline:
        time.sleep(0.1)
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=30)
    stored, distinct, taken = counts(database_url)
    assert at_least <= stored < items, "the kill was meant to land in the middle of the poll"
    assert stored == distinct == taken  # each stored item whole, and recorded

    rerun = dateline(env, "ingest", "--once")  # the dead process's leases are let go
    assert rerun.returncode == 0, rerun.stdout + rerun.stderr
    assert counts(database_url) == (items, items, items)


def published(database_url: str) -> int:
    """How many articles are published."""
    store = open_store(database_url, apply_migrations=False)
    try:
        return len(store.published_ids())
    finally:
        store.close()


def test_sources_add_list_remove_and_clear_errors(
    database_url: str, tmp_path: Path, replay_server: ReplayServer
) -> None:
    env = ingest_env(database_url, tmp_path)
    url = f"{replay_server.url}/feed.xml"
    added = dateline(env, "sources", "add", url, "--name", "Wire A", "--interval", "5")
    assert added.returncode == 0, added.stderr
    assert "added source 1: Wire A" in added.stdout and "review queue" in added.stdout
    again = dateline(env, "sources", "add", url)
    assert again.returncode == 1 and "already a source" in again.stderr
    bad = dateline(env, "sources", "add", "ftp://example.org/feed")
    assert bad.returncode == 2 and "http:// or https://" in bad.stderr
    unknown = dateline(env, "sources", "add", f"{url}?2", "--section", "nowhere")
    assert unknown.returncode == 2 and "unknown section 'nowhere'" in unknown.stderr
    rule = dateline(env, "sources", "add", f"{url}?3", "--category-section", "Football")
    assert rule.returncode == 2 and "CATEGORY=SECTION" in rule.stderr

    listed = dateline(env, "sources", "list")
    assert listed.returncode == 0
    assert "Wire A" in listed.stdout and "every 5 min" in listed.stdout
    assert "last success never" in listed.stdout

    removed = dateline(env, "sources", "remove", url)
    assert removed.returncode == 0 and "removed source 1" in removed.stdout
    assert "no sources yet" in dateline(env, "sources", "list").stdout
    missing = dateline(env, "sources", "remove", "42")
    assert missing.returncode == 1 and "no source '42'" in missing.stderr


def test_ingest_once_summarises_and_fails_when_a_source_fails(
    database_url: str, tmp_path: Path, replay_server: ReplayServer
) -> None:
    env = ingest_env(database_url, tmp_path)
    entries = [Entry(f"e-{i}", f"Headline {i}", [STORY[i]], "", BASE_TIME) for i in range(3)]
    replay_server.route("/good.xml", Reply(200, rss("Good", entries)))
    replay_server.route("/gone.xml", Reply(404, b"not here"))
    assert dateline(env, "sources", "add", f"{replay_server.url}/good.xml", "--auto-publish")
    first = dateline(env, "ingest", "--once")
    assert first.returncode == 0, first.stderr
    assert "3 new" in first.stdout and "3 published" in first.stdout
    assert "1 sources polled, 0 failed" in first.stdout
    nothing = dateline(env, "ingest", "--once")  # nothing is due yet
    assert nothing.returncode == 0 and "0 sources polled" in nothing.stdout

    dateline(env, "sources", "add", f"{replay_server.url}/gone.xml")
    failing = dateline(env, "ingest", "--once")
    assert failing.returncode == 1
    assert "FAILED" in failing.stdout and "404" in failing.stdout
    listed = dateline(env, "sources", "list").stdout
    assert "last error" in listed and "404" in listed and "items taken 3" in listed


def test_two_processes_polling_at_once_fetch_each_source_once(
    database_url: str, tmp_path: Path, replay_server: ReplayServer
) -> None:
    env = ingest_env(database_url, tmp_path)
    body = rss("Slow", [Entry("s-1", "Slow story", list(STORY), "", BASE_TIME)])
    replay_server.route("/slow.xml", Reply(200, body, delay=1.5))
    dateline(env, "sources", "add", f"{replay_server.url}/slow.xml")
    command = [sys.executable, "-m", "dateline", "ingest", "--once"]
    runs = [subprocess.Popen(command, env=env, stdout=subprocess.PIPE, text=True) for _ in "ab"]
    outputs = [p.communicate(timeout=60)[0] for p in runs]
    assert [p.returncode for p in runs] == [0, 0]
    assert len(replay_server.hits("/slow.xml")) == 1
    assert sorted("1 new" in out for out in outputs) == [False, True]
    assert counts(database_url)[0] == 1


def test_a_poll_killed_midway_loses_nothing_and_the_next_creates_no_duplicates(
    database_url: str, tmp_path: Path, replay_server: ReplayServer
) -> None:
    env = ingest_env(database_url, tmp_path)
    entries = []
    for i in range(6):
        page = f"/pages/{i}.html"
        story = distinct_story(i)
        html = (
            "<html><body><article>"
            + "".join(f"<p>{p}</p>" for p in story)
            + "<p>The next round is scheduled for Monday.</p></article></body></html>"
        )
        replay_server.route(page, Reply(200, html.encode(), {"Content-Type": "text/html"}, 0.7))
        entries.append(
            Entry(
                f"k-{i}",
                f"Story {i}",
                [story[0]],
                f"{replay_server.url}{page}",
                BASE_TIME + timedelta(minutes=i),
                summary_only=True,
            )
        )
    replay_server.route("/kill.xml", Reply(200, rss("Kill", entries)))
    dateline(
        env, "sources", "add", f"{replay_server.url}/kill.xml", "--full-text", "--auto-publish"
    )

    killed_midway_then_polled_again(env, database_url, 2, 6)
    store = open_store(database_url)
    try:
        assert len(store.published_ids()) == 6  # the ones stored before the kill too
        for article_id in store.published_ids():
            article = store.article(article_id)
            assert article is not None and "next round is scheduled" in article.plain_text
    finally:
        store.close()


def test_a_poll_killed_while_its_readers_store_loses_nothing_and_duplicates_nothing(
    database_url: str, tmp_path: Path, replay_server: ReplayServer
) -> None:
    # 16 feeds of 30 items, stored by the two reader processes (no full text); the last
    # 8 feeds answer 3 s late, so the kill lands after the first feeds were stored (some
    # perhaps while a reader was storing) and before the last ones were fetched
    env = ingest_env(database_url, tmp_path)
    for feed in range(16):
        entries = [
            Entry(
                f"r-{feed}-{n}",
                f"Story {feed}-{n}",
                distinct_story(100 + 30 * feed + n),
                f"https://readers.example/{feed}/{n}",
                BASE_TIME + timedelta(minutes=n),
            )
            for n in range(30)
        ]
        late = 3.0 if feed >= 8 else 0.0
        replay_server.route(f"/r{feed}.xml", Reply(200, rss(f"R{feed}", entries), {}, late))
    dateline(env, "sources", "add", f"{replay_server.url}/r0.xml", "--review")
    store = open_store(database_url, apply_migrations=False)
    try:  # the other 15 like the first, without a process each
        [first] = store.sources()
        for feed in range(1, 16):
            url = f"{replay_server.url}/r{feed}.xml"
            source = FeedSource(url=url, name=f"R{feed}", section=first.section)
            store.add_source(source, datetime.now(UTC))
    finally:
        store.close()
    killed_midway_then_polled_again(env, database_url, 30, 480)


def test_the_worker_polls_in_the_background_until_stopped(
    database_url: str, tmp_path: Path, replay_server: ReplayServer
) -> None:
    env = ingest_env(database_url, tmp_path)
    entries = [Entry("w-1", "Worker story", list(STORY[:2]), "", BASE_TIME)]
    replay_server.route("/worker.xml", Reply(200, rss("W", entries)))
    dateline(env, "sources", "add", f"{replay_server.url}/worker.xml")
    # started with SIGINT ignored, as a shell starts a background job (`&`), and as a
    # test run started that way starts it: SIGINT stops it all the same
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        worker = subprocess.Popen(
            [sys.executable, "-m", "dateline", "worker", "--every", "1"],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,  # its log lines too, read with the rest
            text=True,
        )
    finally:
        signal.signal(signal.SIGINT, previous)
    # the worker's lines as it prints them: it is stopped once it has reported its poll
    # (the article alone is not enough: a reader process stores it, and the poll's report
    # comes after, when the counts are back and the source's success is recorded)
    lines: list[str] = []

    def read() -> None:
        assert worker.stdout is not None
        for line in worker.stdout:
            lines.append(line)

    reading = threading.Thread(target=read, daemon=True)
    reading.start()
    try:
        deadline = time.monotonic() + 60
        while not any("1 new" in line for line in lines) and time.monotonic() < deadline:
            time.sleep(0.2)
    finally:
        worker.send_signal(signal.SIGINT)
        try:
            worker.wait(timeout=30)
            stopped = True
        except subprocess.TimeoutExpired:
            worker.kill()  # not left running after the test
            worker.wait()
            stopped = False
        reading.join(timeout=10)
        if worker.stdout is not None:
            worker.stdout.close()
    out = "".join(lines)
    assert stopped, f"the worker did not stop within 30 s of its SIGINT:\n{out}"
    assert counts(database_url)[0] == 1
    assert "1 new" in out and "stopped" in out


def test_the_review_queue_lists_approves_and_rejects(
    database_url: str, tmp_path: Path, replay_server: ReplayServer
) -> None:
    env = ingest_env(database_url, tmp_path)
    entries = [
        Entry(f"r-{i}", f"Review story {i}", distinct_story(i), "", BASE_TIME) for i in range(3)
    ]
    replay_server.route("/review.xml", Reply(200, rss("Review", entries)))
    dateline(env, "sources", "add", f"{replay_server.url}/review.xml", "--review")
    assert dateline(env, "ingest", "--once").returncode == 0
    listed = dateline(env, "review", "list").stdout
    assert all(f"Review story {i}" in listed for i in range(3))
    ids = [line.split()[0] for line in listed.splitlines() if line and line[0].isdigit()]
    approved = dateline(env, "review", "approve", ids[0])
    assert approved.returncode == 0 and f"published 1: {ids[0]}" in approved.stdout
    rejected = dateline(env, "review", "reject", ids[1])
    assert rejected.returncode == 0
    bad = dateline(env, "review", "approve", ids[1])  # no longer in the queue
    assert bad.returncode == 1 and "no item" in bad.stderr
    remaining = dateline(env, "review", "list").stdout
    assert "Review story" in remaining and remaining.count("Review story") == 1
    # polling again does not bring the rejected item back
    assert dateline(env, "ingest", "--once", "--all").returncode == 0
    assert dateline(env, "review", "list").stdout.count("Review story") == 1
    store = open_store(database_url, apply_migrations=False)
    try:
        assert len(store.published_ids()) == 1
    finally:
        store.close()


def test_serve_polls_sources_in_the_background(
    database_url: str, tmp_path: Path, replay_server: ReplayServer
) -> None:
    env = ingest_env(database_url, tmp_path)
    entries = [Entry("bg-1", "Background story", distinct_story(21), "", BASE_TIME)]
    replay_server.route("/bg.xml", Reply(200, rss("Background", entries)))
    dateline(env, "sources", "add", f"{replay_server.url}/bg.xml", "--auto-publish")
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = subprocess.Popen(
        [sys.executable, "-m", "dateline", "serve", "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        # until the article is published: a reader process stores it, and the polling
        # process publishes it once the counts are back
        deadline = time.monotonic() + 60
        while published(database_url) < 1 and time.monotonic() < deadline:
            time.sleep(0.2)
    finally:
        server.terminate()
        server.wait(timeout=30)
    assert counts(database_url)[0] == 1
    assert published(database_url) == 1
