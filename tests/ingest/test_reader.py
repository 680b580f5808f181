"""The feed reader: parsing and fingerprinting in real worker processes."""

from __future__ import annotations

import asyncio
import multiprocessing
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from concurrent.futures.process import BrokenProcessPool
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import event

from dateline.ingest.fetch import Fetcher
from dateline.ingest.pipeline import PollReport, poll_due
from dateline.ingest.reader import FeedReader, ReadFeed, read_feed
from dateline.ingest.taking import read_and_take
from dateline.model import FeedSource, InvalidItem, Section
from dateline.store import Store
from tests.ingest.feeds import (
    BASE_TIME,
    STORY,
    Entry,
    distinct_story,
    rss,
    story_page,
    three_services,
)
from tests.ingest.test_pipeline import OWNER, add, limits
from tests.replay import ReplayServer, Reply

WIRE = three_services()["/wire-a.xml"]
URL = "https://wire-a.example/feed.xml"


def read_in(processes: int, data: bytes) -> ReadFeed:
    async def go() -> ReadFeed:
        async with FeedReader(processes) as reader:
            return await reader.read(
                data, url=URL, content_type="application/rss+xml", section="news"
            )

    return asyncio.run(go())


def test_a_worker_process_reads_exactly_what_this_process_reads() -> None:
    here = read_feed(WIRE, URL, "application/rss+xml", "news")
    there = read_in(1, WIRE)
    assert there == here
    [item] = there.parsed.items
    assert item.article.headline == "Ceasefire talks resume in Geneva"
    [mark] = there.marks
    assert mark is not None and len(mark[1]) > 0


def test_a_document_that_is_no_feed_fails_with_its_reason_across_the_process() -> None:
    with pytest.raises(InvalidItem) as raised:
        read_in(1, b"\x00\x01 not a feed at all")
    assert raised.value.source == URL
    assert URL in str(raised.value)


def test_a_killed_worker_fails_one_read_and_the_next_read_starts_a_new_one() -> None:
    async def go() -> tuple[BaseException | ReadFeed, ReadFeed]:
        async with FeedReader(1) as reader:
            await reader.start()
            [worker] = multiprocessing.active_children()
            os.kill(worker.pid or 0, signal.SIGKILL)
            worker.join(5)
            try:
                first: BaseException | ReadFeed = await reader.read(
                    WIRE, url=URL, content_type="", section="news"
                )
            except Exception as exc:  # noqa: BLE001 - what the pool raised is the point
                first = exc
            second = await reader.read(WIRE, url=URL, content_type="", section="news")
            return first, second

    first, second = asyncio.run(go())
    assert isinstance(first, BrokenProcessPool)
    assert second.parsed.items[0].article.headline == "Ceasefire talks resume in Geneva"


def test_feeds_read_at_once_by_a_new_reader_start_one_worker() -> None:
    async def go() -> tuple[int, list[ReadFeed]]:
        async with FeedReader(1) as reader:
            reads = [reader.read(WIRE, url=URL, content_type="", section="news") for _ in range(5)]
            done = await asyncio.gather(*reads)
            return len(multiprocessing.active_children()), done

    workers, done = asyncio.run(go())
    assert workers == 1
    assert len({d.parsed.items[0].article.uid for d in done}) == 1


def test_the_reader_leaves_no_process_behind() -> None:
    read_in(2, WIRE)
    assert multiprocessing.active_children() == []


@pytest.fixture
def newsroom(store: Store) -> Iterator[Store]:
    store.save_section(Section(slug="news", name="News"))
    yield store


def test_a_poll_with_a_reader_process_stores_one_story_from_three_services(
    newsroom: Store, replay_server: ReplayServer
) -> None:
    for path, body in three_services().items():
        replay_server.route(path, Reply(200, body))
    for path in ("/wire-a.xml", "/wire-b.xml", "/paper-c.xml"):
        add(newsroom, f"{replay_server.url}{path}")

    async def go() -> list[PollReport]:
        async with Fetcher(limits()) as fetcher, FeedReader(1) as reader:
            return await poll_due(newsroom, fetcher, owner=OWNER, force=True, reader=reader)

    reports = asyncio.run(go())
    assert sum(r.created for r in reports) == 1
    assert sum(r.alternates for r in reports) == 2
    assert [r.status for r in reports] == ["ok"] * 3


def test_a_reader_process_does_not_load_the_store() -> None:
    """What a reader process imports: the parsers and the fingerprint, not SQLAlchemy."""
    code = (
        "import sys; from dateline.ingest.reader import _warm; _warm(); "
        "print(sorted({m.split('.')[0] for m in sys.modules} & {'sqlalchemy', 'alembic'}))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_a_reader_worker_ends_when_its_poller_is_killed(tmp_path: Path) -> None:
    """A poller killed mid-poll (``kill -9``) leaves no reader process behind."""
    script = tmp_path / "poller.py"
    script.write_text(
        "import asyncio, multiprocessing, os, signal, sys\n"
        "from dateline.ingest.reader import FeedReader\n"
        "async def main():\n"
        "    reader = FeedReader(1)\n"
        "    await reader.start()\n"
        "    [worker] = multiprocessing.active_children()\n"
        "    print(worker.pid, flush=True)\n"
        "    os.kill(os.getpid(), signal.SIGKILL)\n"
        "if __name__ == '__main__':\n"
        "    asyncio.run(main())\n"
    )
    # the pipes close when every process holding them has ended: a reader left behind
    # would keep this waiting, so the wait is bounded
    out = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, timeout=60)
    assert out.returncode == -signal.SIGKILL, out.stderr
    worker = int(out.stdout.split()[0])
    deadline = time.monotonic() + 10
    while Path(f"/proc/{worker}").exists() and "Z" not in _state(worker):
        assert time.monotonic() < deadline, "the reader outlived its poller"
        time.sleep(0.1)


def _state(pid: int) -> str:
    try:
        return next(
            line.split()[1]
            for line in Path(f"/proc/{pid}/status").read_text().splitlines()
            if line.startswith("State:")
        )
    except (OSError, StopIteration):
        return "gone"


def poll_with(store: Store, processes: int) -> list[PollReport]:
    async def go() -> list[PollReport]:
        async with Fetcher(limits()) as fetcher, FeedReader(processes) as reader:
            return await poll_due(store, fetcher, owner=OWNER, force=True, reader=reader)

    return asyncio.run(go())


def test_two_reader_processes_store_what_they_read_and_the_poller_only_counts(
    newsroom: Store, replay_server: ReplayServer
) -> None:
    newsroom.save_section(Section(slug="world", name="World"))
    services = three_services()
    for path, body in services.items():
        replay_server.route(path, Reply(200, body))
    elsewhere = Entry(
        "w-1", "Harbour reopens", distinct_story(5), "https://w.example/1", BASE_TIME, ("World",)
    )
    replay_server.route("/world.xml", Reply(200, rss("W", [elsewhere])))
    replay_server.route("/truncated.xml", Reply(200, b"<rss><channel><title>x</title><item><ti"))
    for path in ("/wire-a.xml", "/wire-b.xml", "/paper-c.xml", "/world.xml", "/truncated.xml"):
        add(newsroom, f"{replay_server.url}{path}", category_sections={"world": "nowhere"})
    written: list[str] = []  # the articles this process wrote: none, the readers did

    def seen(conn: object, cursor: object, statement: str, *rest: object) -> None:
        if "INSERT INTO articles" in statement:
            written.append(statement)

    event.listen(newsroom.engine, "before_cursor_execute", seen)
    try:
        reports = {r.source.url.rsplit("/", 1)[-1]: r for r in poll_with(newsroom, 2)}
    finally:
        event.remove(newsroom.engine, "before_cursor_execute", seen)
    assert written == []
    ok = [reports[name] for name in ("wire-a.xml", "wire-b.xml", "paper-c.xml")]
    assert [r.status for r in ok] == ["ok"] * 3
    assert sum(r.created for r in ok) == 1 and sum(r.alternates for r in ok) == 2
    assert sum(r.taken for r in ok) == 3
    assert newsroom.source(ok[0].source.id or 0).items_taken == 1  # type: ignore[union-attr]
    broken = reports["truncated.xml"]
    assert broken.status == "failed" and "truncated.xml" in broken.error

    # the category rule names a section nobody made: reported, the item filed in news
    world = reports["world.xml"]
    assert world.created == 1
    assert any("unknown section 'nowhere'" in p for p in world.problems)

    # a newer version of wire A's story
    newer = Entry(
        "a-1001",
        "Ceasefire talks go on in Geneva",
        list(STORY),
        "https://wire-a.example/ceasefire-talks",
        BASE_TIME + timedelta(days=1),
    )
    replay_server.route("/wire-a.xml", Reply(200, rss("Wire A", [newer])))
    later = {r.source.url.rsplit("/", 1)[-1]: r for r in poll_with(newsroom, 2)}
    assert later["wire-a.xml"].updated == 1
    headlines = {newsroom.article(i).headline for i in newsroom.review_queue()}  # type: ignore[union-attr]
    assert "Ceasefire talks go on in Geneva" in headlines


def test_a_fault_while_a_reader_stores_comes_back_as_one_line(tmp_path: Path) -> None:
    # a database without dateline's tables: the first lookup fails
    empty = f"sqlite:///{tmp_path / 'empty.db'}"
    source = FeedSource(url=URL, name="Wire A", section="news", id=1)
    done = read_and_take(WIRE, URL, "application/rss+xml", source, empty)
    assert done.entries == 1 and done.taken.created == 0
    assert done.fault.startswith("internal error: OperationalError:")
    assert "\n" not in done.fault


def test_a_full_text_source_is_stored_by_the_poller_even_with_storing_readers(
    newsroom: Store, replay_server: ReplayServer
) -> None:
    replay_server.route("/story.html", Reply(200, story_page(), {"Content-Type": "text/html"}))
    entry = Entry(
        "f-1", "Talks", [STORY[0]], f"{replay_server.url}/story.html", BASE_TIME, summary_only=True
    )
    replay_server.route("/summaries.xml", Reply(200, rss("S", [entry])))
    add(newsroom, f"{replay_server.url}/summaries.xml", full_text=True)
    [report] = poll_with(newsroom, 2)
    assert report.created == 1, report.problems
    [article_id] = newsroom.review_queue()
    article = newsroom.article(article_id)
    assert article is not None and "next round is scheduled for Monday" in article.plain_text
