"""Several server processes on one store: ``dateline serve --workers N`` and leadership.

Real ``dateline serve`` processes on free ports of 127.0.0.1, the weather provider pointed
at the replay server; background jobs that need one runner (the schedule, the weather
refresh) must run in one process at a time, and ``jobs.lead`` must hand a job over when
its leader stops.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest

from dateline.jobs import run_as_leader
from dateline.store import Store, open_store
from tests.commands import dateline_env
from tests.replay import ReplayServer
from tests.servers import Serve, wait_for
from tests.weather.fixtures import METNO_PATH, metno_reply


def workers_started(server: Serve, name: str, count: int) -> bool:
    """Whether the server's log shows ``count`` workers through their start (lifespan)."""
    text = server.log()
    if name == "granian":
        return all(f"Started worker-{i}" in text for i in range(1, count + 1))
    return text.count("Application startup complete.") >= count


@pytest.mark.parametrize("name", ["granian", "uvicorn"])
def test_serve_with_two_workers_serves_the_site_and_one_leads_the_schedule(
    name: str, tmp_path: Path, serving: Callable[..., Serve]
) -> None:
    env = dateline_env(
        tmp_path,
        f"sqlite:///{tmp_path / 'dateline.db'}",
        DATELINE_WEATHER_PROVIDER="off",
        DATELINE_INGEST="0",
    )
    server = serving(env, tmp_path / "serve.log", "--workers", "2", "--server", name)
    wait_for(server.answers, "the server to answer")
    wait_for(lambda: workers_started(server, name, 2), "both workers to start")
    status, body = server.get("/")
    assert status == 200 and b"</html>" in body
    wait_for(lambda: "leads 'schedule'" in server.log(), "a worker to lead the schedule")
    log = server.log()
    assert f"({name}, 2 workers)" in log
    assert log.count("leads 'schedule'") == 1, log
    assert "GET /" not in log, "the access log is off unless asked for"


def test_two_servers_on_one_store_ask_the_weather_provider_once(
    database_url: str, tmp_path: Path, replay_server: ReplayServer, serving: Callable[..., Serve]
) -> None:
    replay_server.route(METNO_PATH, metno_reply(datetime.now(UTC), temperature=12.5))
    env = dateline_env(
        tmp_path,
        database_url,
        DATELINE_INGEST="0",
        DATELINE_METNO_URL=replay_server.url,
        DATELINE_WEATHER_CONTACT="workers-tests@example.org",
        DATELINE_WEATHER_CITY="New York",
        DATELINE_WEATHER_LAT="40.7",
        DATELINE_WEATHER_LON="-74.0",
    )
    # Both start on the empty database at once: one migrates it, the other waits for that.
    servers = [serving(env, tmp_path / f"serve-{n}.log") for n in "ab"]
    for server in servers:
        wait_for(server.answers, "both servers to answer")
    wait_for(lambda: all("'weather'" in s.log() for s in servers), "both to try the weather lock")
    wait_for(lambda: len(replay_server.hits(METNO_PATH)) >= 1, "the first weather round")
    logs = [s.log() for s in servers]
    assert sorted("leads 'weather'" in log for log in logs) == [False, True], logs
    assert any("leaves to another process 'weather'" in log for log in logs), logs
    assert len(replay_server.hits(METNO_PATH)) == 1
    store = open_store(database_url, apply_migrations=False)
    try:
        wait_for(lambda: store.latest_observation("New York") is not None, "the observation")
        observation = store.latest_observation("New York")
        assert observation is not None and observation.temperature_c == 12.5
    finally:
        store.close()


def test_a_job_runs_in_one_runner_and_moves_when_its_leader_stops(store: Store) -> None:
    runs: list[str] = []

    async def scenario() -> None:
        def runner(name: str) -> asyncio.Task[None]:
            async def work() -> None:
                runs.append(name)

            return asyncio.create_task(run_as_leader(store, "related", 0.05, work))

        first = runner("first")
        await wait_async(lambda: len(runs) >= 1)
        second = runner("second")
        await wait_async(lambda: len(runs) >= 6)
        assert set(runs) == {"first"}, "only the leader runs the job"
        first.cancel()  # the leader stops: its lock is released
        await asyncio.gather(first, return_exceptions=True)
        await wait_async(lambda: "second" in runs)
        second.cancel()
        await asyncio.gather(second, return_exceptions=True)

    asyncio.run(scenario())
    handed_over = runs.index("second")
    assert set(runs[:handed_over]) == {"first"} and set(runs[handed_over:]) == {"second"}


async def wait_async(check: Callable[[], bool], timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        assert time.monotonic() < deadline, "timed out"
        await asyncio.sleep(0.02)
