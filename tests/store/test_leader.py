"""Job locks on SQLite and PostgreSQL: one holder at a time, freed on release or death."""

from __future__ import annotations

import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import pytest
from sqlalchemy import create_engine, text

from dateline.store import Store, open_store
from dateline.store.leader import advisory_key
from dateline.store.postgres import normalise_url
from tests.commands import dateline_env
from tests.conftest import POSTGRES_URL

HOLD = """
import sys, time
from dateline.store import open_store
store = open_store(sys.argv[1], apply_migrations=False)
lock = store.job_lock(sys.argv[2])
print("held" if lock.acquire() else "refused", flush=True)
time.sleep(120)
"""


def test_a_second_holder_is_refused_until_the_first_releases(store: Store) -> None:
    first, second = store.job_lock("schedule"), store.job_lock("schedule")
    try:
        assert first.acquire() and first.held
        assert not second.acquire() and not second.held
        assert first.acquire(), "the holder keeps the lock on its next try"
        assert not second.acquire()
        first.release()
        assert not first.held
        assert second.acquire()
        assert not first.acquire()
    finally:
        first.release()
        second.release()


def test_each_job_has_its_own_lock(store: Store) -> None:
    with store.job_lock("schedule") as schedule, store.job_lock("weather") as weather:
        assert schedule.acquire() and weather.acquire()


def test_a_lock_is_freed_when_the_with_block_ends(store: Store) -> None:
    with store.job_lock("weather") as lock:
        assert lock.acquire()
    with store.job_lock("weather") as again:
        assert again.acquire()


def test_a_job_name_must_be_a_plain_word(store: Store) -> None:
    with pytest.raises(ValueError, match="lowercase"):
        store.job_lock("../escape")


def test_a_killed_holder_is_taken_over(database_url: str, store: Store) -> None:
    command = [sys.executable, "-c", HOLD, database_url, "weather"]
    with subprocess.Popen(command, stdout=subprocess.PIPE, text=True) as holder:
        try:
            assert holder.stdout is not None
            assert holder.stdout.readline().strip() == "held"
            with store.job_lock("weather") as lock:
                assert not lock.acquire()
                holder.kill()
                holder.wait(timeout=30)
                deadline = time.monotonic() + 15
                while not lock.acquire():
                    assert time.monotonic() < deadline, "the dead holder's lock was never freed"
                    time.sleep(0.05)
        finally:
            holder.kill()


def test_the_sqlite_lock_is_a_file_beside_the_database(tmp_path: Path) -> None:
    store = open_store(f"sqlite:///{tmp_path / 'site.db'}")
    try:
        with store.job_lock("schedule") as lock:
            assert lock.acquire()
            path = tmp_path / "site.db-schedule.lock"
            assert path.read_text().strip().isdigit()  # the holder's pid, for operators
    finally:
        store.close()


def test_an_in_memory_store_locks_within_the_process() -> None:
    store = open_store("sqlite://")
    try:
        with store.job_lock("schedule") as first, store.job_lock("schedule") as second:
            assert first.acquire() and not second.acquire()
    finally:
        store.close()


@pytest.fixture
def two_schemas() -> Iterator[tuple[str, str]]:
    """Two stores in two schemas of one PostgreSQL database (as parallel test runs use)."""
    if not POSTGRES_URL:
        pytest.skip("DATELINE_TEST_POSTGRES_URL is not set: PostgreSQL run skipped")
    names = [f"t_{uuid.uuid4().hex[:12]}" for _ in "ab"]
    admin = create_engine(normalise_url(POSTGRES_URL))
    with admin.begin() as conn:
        for name in names:
            conn.execute(text(f'CREATE SCHEMA "{name}"'))
    sep = "&" if "?" in POSTGRES_URL else "?"
    urls = [f"{POSTGRES_URL}{sep}options={quote(f'-csearch_path={n}')}" for n in names]
    yield urls[0], urls[1]
    with admin.begin() as conn:
        for name in names:
            conn.execute(text(f'DROP SCHEMA "{name}" CASCADE'))
    admin.dispose()


def test_stores_in_other_schemas_of_one_database_have_their_own_leaders(
    two_schemas: tuple[str, str],
) -> None:
    stores = [open_store(url, apply_migrations=False) for url in two_schemas]
    try:
        with stores[0].job_lock("schedule") as a, stores[1].job_lock("schedule") as b:
            assert a.acquire() and b.acquire()
    finally:
        for opened in stores:
            opened.close()


def test_a_lost_postgres_session_gives_the_lock_up(two_schemas: tuple[str, str]) -> None:
    store = open_store(two_schemas[0], apply_migrations=False)
    try:
        with store.job_lock("weather") as lock, store.job_lock("weather") as other:
            assert lock.acquire()
            with store.engine.connect() as conn:
                schema = conn.execute(text("SELECT current_schema()")).scalar_one()
                key = advisory_key(schema, "weather")
                holders = conn.execute(
                    text(
                        # waits (up to 5 s) for the session to end: the lock goes with it
                        "SELECT pg_terminate_backend(pid, 5000) FROM pg_locks"
                        " WHERE locktype = 'advisory'"
                        " AND classid = :high AND objid = :low AND objsubid = 1"
                    ),
                    {"high": (key >> 32) & 0xFFFFFFFF, "low": key & 0xFFFFFFFF},
                ).all()
                conn.commit()
            assert holders == [(True,)]  # a server restart or an admin ended the holder's session
            assert other.acquire(), "the lock went with the session"
            assert not lock.acquire() and not lock.held
    finally:
        store.close()


def test_processes_migrating_one_database_at_once_all_start(
    database_url: str, tmp_path: Path
) -> None:
    """Servers started together on a fresh database: one migrates, the others wait for it."""
    env = dateline_env(tmp_path, database_url)
    command = [sys.executable, "-m", "dateline", "migrate"]
    runs = [
        subprocess.Popen(
            command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        )
        for _ in range(3)
    ]
    outputs = [run.communicate(timeout=120) for run in runs]
    assert [run.returncode for run in runs] == [0, 0, 0], [err for _, err in outputs]
    assert sorted(out.strip() for out, _ in outputs) == [
        "schema already up to date",
        "schema already up to date",
        "schema upgraded",
    ]
