"""Running the store's migrations to a given revision, for the tests of one migration."""

from __future__ import annotations

from alembic import command
from sqlalchemy import Engine

from dateline.store import migrate


def migrate_to(engine: Engine, verb: str, revision: str) -> None:
    """Run Alembic's ``upgrade`` or ``downgrade`` to ``revision`` on ``engine``."""
    config = migrate._config()
    with engine.connect().execution_options(dateline_write=True) as conn:
        config.attributes["connection"] = conn
        getattr(command, verb)(config, revision)
        conn.commit()
