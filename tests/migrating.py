"""Running the store's migrations to a given revision, for the tests of one migration."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from alembic import command
from sqlalchemy import Engine

from dateline.model import Section
from dateline.store import Store, migrate
from dateline.store.engine import make_engine


def migrate_to(engine: Engine, verb: str, revision: str) -> None:
    """Run Alembic's ``upgrade`` or ``downgrade`` to ``revision`` on ``engine``."""
    config = migrate._config()
    with engine.connect().execution_options(dateline_write=True) as conn:
        config.attributes["connection"] = conn
        getattr(command, verb)(config, revision)
        conn.commit()


@contextmanager
def news_store_at(database_url: str, revision: str) -> Iterator[tuple[Engine, Store, Section]]:
    """A store whose database is migrated to ``revision``, with the section ``news``."""
    engine = make_engine(database_url)
    migrate_to(engine, "upgrade", revision)
    store = Store(engine)
    try:
        yield engine, store, store.save_section(Section("news", "News"))
    finally:
        store.close()
