"""Shared fixtures: settings, a store on SQLite (and PostgreSQL when configured), the app.

Set ``DATELINE_TEST_POSTGRES_URL`` (for example ``postgresql://postgres@127.0.0.1:5432/test``)
to run every store-backed test on PostgreSQL as well; each test then gets a schema of its
own, dropped afterwards.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import pytest
from sqlalchemy import create_engine, text
from starlette.testclient import TestClient

from dateline.config import Settings
from dateline.store import Store, open_store
from dateline.store.postgres import normalise_url
from dateline.web.app import create_app
from tests.replay import ReplayServer
from tests.replay import serve as serve_replay

pytest_plugins = ("tests.servers",)  # the ``serving`` fixture: real ``dateline serve`` processes

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
POSTGRES_URL = os.environ.get("DATELINE_TEST_POSTGRES_URL", "")
BACKENDS = ["sqlite", "postgres"]


def shared_path(*parts: str) -> Path:
    """A path under ../shared, skipping the test with a clear message when it is absent."""
    path = SHARED.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"{path} is absent: these tests read ../shared/ at run time")
    return path


@pytest.fixture(params=BACKENDS)
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A fresh, empty database: SQLite in a temporary folder, or a PostgreSQL schema."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'dateline.db'}"
        return
    if not POSTGRES_URL:
        pytest.skip("DATELINE_TEST_POSTGRES_URL is not set: PostgreSQL run skipped")
    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = create_engine(normalise_url(POSTGRES_URL))
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    sep = "&" if "?" in POSTGRES_URL else "?"
    yield f"{POSTGRES_URL}{sep}options={quote(f'-csearch_path={schema}')}"
    with admin.begin() as conn:
        conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
    admin.dispose()


@pytest.fixture
def store(database_url: str) -> Iterator[Store]:
    opened = open_store(database_url)
    yield opened
    opened.close()


@pytest.fixture
def settings(tmp_path: Path, database_url: str) -> Settings:
    return Settings(
        data_dir=tmp_path,
        database_url=database_url,
        site_name="The Test Dateline",
        site_url="https://news.example.org",
    )


@pytest.fixture
def client(settings: Settings, store: Store) -> Iterator[TestClient]:
    with TestClient(create_app(settings, store=store, background=False)) as test_client:
        yield test_client


@pytest.fixture(scope="session")
def _replay_session() -> Iterator[ReplayServer]:
    yield from serve_replay()


@pytest.fixture
def replay_server(_replay_session: ReplayServer) -> Iterator[ReplayServer]:
    """The session's replay server, emptied of routes and requests for each test."""
    _replay_session.reset()
    yield _replay_session
    _replay_session.reset()
