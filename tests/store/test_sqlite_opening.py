"""Processes opening one new SQLite database at the same moment all get it, migrated."""

from __future__ import annotations

import multiprocessing
from multiprocessing.synchronize import Barrier
from pathlib import Path

from dateline.store import migrate, open_store

PAIRS = 12  # without the retry of the WAL switch, about one pair in five failed


def _open(url: str, barrier: Barrier, answers: multiprocessing.Queue[str]) -> None:
    barrier.wait()
    try:
        open_store(url).close()
        answers.put("opened")
    except Exception as exc:  # reported to the test, which names it
        answers.put(f"{type(exc).__name__}: {exc}")


def test_two_processes_opening_a_new_database_at_once_both_open_it(tmp_path: Path) -> None:
    """Two servers started at once on an empty database: the first connection turns the
    new file to WAL mode, and SQLite refused the other's switch at once ("database is
    locked") instead of waiting; the switch is now tried again for the busy timeout."""
    context = multiprocessing.get_context("fork")
    answers: list[str] = []
    for pair in range(PAIRS):
        url = f"sqlite:///{tmp_path / f'new-{pair}.db'}"
        barrier = context.Barrier(2)
        queue: multiprocessing.Queue[str] = context.Queue()
        processes = [context.Process(target=_open, args=(url, barrier, queue)) for _ in "ab"]
        for process in processes:
            process.start()
        for process in processes:
            process.join(timeout=60)
        answers.extend(queue.get(timeout=10) for _ in processes)
        store = open_store(url, apply_migrations=False)
        try:
            assert migrate.current_revision(store.engine) == migrate.head_revision()
        finally:
            store.close()
    assert answers == ["opened"] * 2 * PAIRS
