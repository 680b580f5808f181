"""``dateline weather`` commands as an operator runs them: real processes, real HTTP."""

from __future__ import annotations

import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

from dateline.store import open_store
from tests.commands import dateline_env, run_dateline
from tests.replay import ReplayServer, Reply
from tests.weather.fixtures import GEOCODING_PATH, METNO_PATH, metno_reply, recorded


def weather_env(database_url: str, tmp_path: Path, server: ReplayServer) -> dict[str, str]:
    return dateline_env(
        tmp_path,
        database_url,
        DATELINE_METNO_URL=server.url,
        DATELINE_OPENMETEO_GEOCODING_URL=server.url,
        DATELINE_WEATHER_CONTACT="cli-tests@example.org",
        DATELINE_WEATHER_CITY="New York",
        DATELINE_WEATHER_LAT="40.7",
        DATELINE_WEATHER_LON="-74.0",
    )


def dateline(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return run_dateline(env, *args, timeout=60)


def test_two_processes_refreshing_at_once_fetch_once(
    database_url: str, tmp_path: Path, replay_server: ReplayServer
) -> None:
    slow = metno_reply(datetime.now(UTC), temperature=15.5)
    slow.delay = 1.5
    replay_server.route(METNO_PATH, slow)
    env = weather_env(database_url, tmp_path, replay_server)
    assert dateline(env, "migrate").returncode == 0
    command = [sys.executable, "-m", "dateline", "weather", "refresh"]
    first = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, text=True)
    second = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, text=True)
    outputs = [p.communicate(timeout=60)[0] for p in (first, second)]
    assert [p.returncode for p in (first, second)] == [0, 0]
    assert len(replay_server.hits(METNO_PATH)) == 1
    assert sorted("updated" in out for out in outputs) == [False, True]
    store = open_store(database_url)
    try:
        observation = store.latest_observation("New York")
        assert observation is not None and observation.temperature_c == 15.5
    finally:
        store.close()


def test_status_reports_value_age_and_errors(
    database_url: str, tmp_path: Path, replay_server: ReplayServer
) -> None:
    env = weather_env(database_url, tmp_path, replay_server)
    replay_server.route(METNO_PATH, Reply(503))
    failed = dateline(env, "weather", "refresh")
    assert failed.returncode == 1 and "unavailable" in failed.stdout
    status = dateline(env, "weather", "status")
    assert status.returncode == 0, status.stderr
    assert "provider: metno" in status.stdout
    assert "last value: none" in status.stdout
    assert "consecutive failures 1" in status.stdout
    assert "last error: unavailable" in status.stdout


def test_metno_without_a_contact_refuses_to_start(
    database_url: str, tmp_path: Path, replay_server: ReplayServer
) -> None:
    env = weather_env(database_url, tmp_path, replay_server)
    env["DATELINE_WEATHER_CONTACT"] = ""
    result = dateline(env, "weather", "refresh")
    assert result.returncode == 1
    assert "DATELINE_WEATHER_CONTACT" in result.stderr and "Traceback" not in result.stderr
    assert replay_server.hits(METNO_PATH) == []


def test_locate_lists_matches_and_stores_the_pick(
    database_url: str, tmp_path: Path, replay_server: ReplayServer
) -> None:
    env = weather_env(database_url, tmp_path, replay_server)
    del env["DATELINE_WEATHER_LAT"], env["DATELINE_WEATHER_LON"]
    matches = recorded("open-meteo_geocoding_normal_hollywood.json")
    replay_server.route(GEOCODING_PATH, Reply.json(matches))
    several = dateline(env, "weather", "locate", "Hollywood")
    assert several.returncode == 1 and "--pick" in several.stderr
    assert " 1. Hollywood, Florida, United States" in several.stdout
    picked = dateline(env, "weather", "locate", "Hollywood", "--pick", "2")
    assert picked.returncode == 0, picked.stderr
    store = open_store(database_url)
    try:
        location = store.weather_location("New York")
        second = matches["results"][1]
        assert location is not None
        assert location.latitude == round(second["latitude"], 4)
        assert location.longitude == round(second["longitude"], 4)
    finally:
        store.close()


def test_locate_says_no_match_clearly(
    database_url: str, tmp_path: Path, replay_server: ReplayServer
) -> None:
    env = weather_env(database_url, tmp_path, replay_server)
    replay_server.route(GEOCODING_PATH, Reply.json(recorded("open-meteo_geocoding_empty.json")))
    result = dateline(env, "weather", "locate", "Xyzzy")
    assert result.returncode == 1
    assert "no place matches 'Xyzzy'" in result.stderr
