"""Running the store's migrations to a given revision, for the tests of one migration."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from datetime import datetime

from alembic import command
from sqlalchemy import Engine, text

from dateline.model import Section
from dateline.model.fingerprint import same_story
from dateline.store import Incoming, Store, migrate
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


def take_as_before_0017(engine: Engine, store: Store, incoming: Incoming, now: datetime) -> int:
    """Take ``incoming`` on a database migrated to a revision before 0017, its
    fingerprint written as the store wrote it then (its band rows, and no band keys in its
    row); its article's id.

    The store of today writes the band keys into the fingerprint row, a column those
    revisions lack: the article is taken without its fingerprint, which is then written
    here.
    """
    [taken] = store.take_items([replace(incoming, fingerprint=None)], None, now, same_story)
    assert not isinstance(taken, str), taken
    assert incoming.fingerprint is not None
    signature, keys = incoming.fingerprint.signature, incoming.fingerprint.keys
    with engine.begin() as conn:
        conn.execute(
            text("INSERT INTO article_fingerprints (article_id, signature) VALUES (:id, :sig)"),
            {"id": taken.article_id, "sig": signature},
        )
        conn.execute(
            text('INSERT INTO article_bands ("key", article_id) VALUES (:key, :id)'),
            [{"key": key, "id": taken.article_id} for key in sorted(set(keys))],
        )
    return taken.article_id
