"""Schema migrations: Alembic, run on an engine, at start and by ``dateline migrate``."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, text

from dateline.store.leader import advisory_key

MIGRATIONS = Path(__file__).with_name("migrations")


def _config() -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return config


def head_revision() -> str | None:
    """The newest migration this version of dateline knows."""
    return ScriptDirectory.from_config(_config()).get_current_head()


def current_revision(engine: Engine) -> str | None:
    """The migration the database is at, ``None`` for an empty database."""
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def upgrade(engine: Engine) -> bool:
    """Bring the database to the newest schema; True when anything was applied.

    Servers starting at once on one database migrate one at a time: on PostgreSQL the
    migrating transaction holds an advisory lock that the others wait for (SQLite's
    ``BEGIN IMMEDIATE`` does the same); each looks at the schema's revision again once it
    has the lock, so the ones that waited find it current and apply nothing.
    """
    head = head_revision()
    if current_revision(engine) == head:
        return False
    config = _config()
    with engine.connect().execution_options(dateline_write=True) as conn:
        if conn.dialect.name == "postgresql":
            schema = conn.execute(text("SELECT current_schema()")).scalar_one()
            key = advisory_key(schema, "migrate")
            conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": key})
        if MigrationContext.configure(conn).get_current_revision() == head:
            conn.commit()
            return False
        config.attributes["connection"] = conn
        command.upgrade(config, "head")
        conn.commit()
    return True
