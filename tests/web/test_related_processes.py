"""Related lists with two real ``dateline serve`` processes on one store: one of them
computes every list (it alone builds the ranking's index), and the other takes over when
it stops."""

from __future__ import annotations

import os
import signal
import time
from collections.abc import Callable
from pathlib import Path

from dateline import publish
from dateline.store import Store, open_store
from dateline.testing import build_fixture_newsroom, publish_story
from tests.commands import dateline_env
from tests.servers import Serve, wait_for

LEADS = "leads 'related'"


def applied(store: Store, article_id: int, timeout: float = 60.0) -> None:
    """Wait until the queue is empty and ``article_id`` has its related list."""
    deadline = time.monotonic() + timeout
    while store.queued_related() or not store.related_links(article_id):
        assert time.monotonic() < deadline, "no server applied the related queue"
        time.sleep(0.05)


def test_one_server_computes_the_related_lists_and_another_takes_over(
    database_url: str, tmp_path: Path, serving: Callable[..., Serve]
) -> None:
    store = open_store(database_url)
    try:
        build_fixture_newsroom(store)
        env = dateline_env(
            tmp_path, database_url, DATELINE_WEATHER_PROVIDER="off", DATELINE_INGEST="0"
        )
        servers = [serving(env, tmp_path / f"serve-{n}.log") for n in "ab"]
        for server in servers:
            wait_for(server.answers, "both servers to answer")
        wait_for(lambda: any(LEADS in s.log() for s in servers), "a server to lead 'related'")

        # this process (an import, the newsroom of a third server) only queues
        first = publish_story(store, "Ceasefire talks resume in Geneva", "Ana Lima")
        assert publish.settle_related(store) is False  # a server holds the job
        applied(store, first)
        page = servers[0].get(str(store.article(first).path))[1].decode()  # type: ignore[union-attr]
        assert "Related articles" in page

        [leader] = [s for s in servers if LEADS in s.log()]
        [other] = [s for s in servers if s is not leader]
        leader.stop()
        wait_for(lambda: LEADS in other.log(), "the other server to take the job over", 30)
        second = publish_story(store, "Delegations meet for first direct talks", "Tom Reyes")
        assert publish.settle_related(store) is False  # the other server holds the job now
        applied(store, second)
    finally:
        store.close()


def related_children(server: Serve) -> list[int]:
    """Pids of the ``dateline worker --only related`` processes ``server`` started."""
    found = []
    for status in Path("/proc").glob("[0-9]*/status"):
        try:
            ppid = next(
                int(line.split()[1])
                for line in status.read_text().splitlines()
                if line.startswith("PPid:")
            )
            command = (status.parent / "cmdline").read_bytes().split(b"\0")
        except (OSError, StopIteration):
            continue
        if ppid == server.process.pid and b"--only" in command and b"related" in command:
            found.append(int(status.parent.name))
    return found


def test_the_related_process_is_started_again_and_never_outlives_its_server(
    database_url: str, tmp_path: Path, serving: Callable[..., Serve]
) -> None:
    store = open_store(database_url)
    store.close()  # migrated
    env = dateline_env(tmp_path, database_url, DATELINE_WEATHER_PROVIDER="off", DATELINE_INGEST="0")
    server = serving(env, tmp_path / "serve.log")
    wait_for(server.answers, "the server to answer")
    wait_for(lambda: len(related_children(server)) == 1, "its related process")
    [first] = related_children(server)
    # below the workers: its ranking's build and settling never come before a reader
    assert os.getpriority(os.PRIO_PROCESS, first) == os.getpriority(os.PRIO_PROCESS, 0) + 10

    os.kill(first, signal.SIGKILL)  # killed, as the kernel's OOM killer would
    wait_for(lambda: related_children(server) not in ([], [first]), "a new related process")
    [second] = related_children(server)
    assert "starting it again" in server.log()
    assert os.getpriority(os.PRIO_PROCESS, second) == os.getpriority(os.PRIO_PROCESS, 0) + 10

    os.kill(server.process.pid, signal.SIGKILL)  # the server itself killed
    server.process.wait(timeout=10)
    wait_for(lambda: not Path(f"/proc/{second}").exists(), "the related process to end", 15)
