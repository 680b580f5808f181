"""The store on a real database: SQLite always, PostgreSQL when configured."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import inspect

from dateline.model import (
    Article,
    Author,
    Block,
    BlockKind,
    Observation,
    Section,
    Status,
    StoreUnavailable,
    Topic,
)
from dateline.store import Store, open_store
from dateline.store.schema import in_schema_of_record, metadata
from dateline.testing import build_fixture_newsroom

NOW = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)


def make_article(section: Section, uid: str = "urn:test:1", **changes: object) -> Article:
    article = Article(
        uid=uid,
        slug="harbor-vote",
        headline="Council approves harbor dredging",
        section=section,
        body=(
            Block(BlockKind.PARAGRAPH, html="The council voted <em>7-2</em>."),
            Block(BlockKind.LIST, items=("one", "two"), ordered=True),
            Block(
                BlockKind.IMAGE, src="https://img.example/a.jpg", caption="A dredge", credit="AP"
            ),
        ),
        dateline="PORT ALDER, Maine",
        credit_line="Maria Lopez reported from Port Alder.",
        bylines=(Author("maria-lopez", "Maria Lopez"), Author("dev-patel", "Dev Patel")),
        topics=(Topic("harbor", "Harbor"),),
        version_at=NOW,
        published_at=NOW,
    )
    return replace(article, **changes)  # type: ignore[arg-type]


def test_migrations_create_the_schema_of_record(store: Store) -> None:
    tables = set(inspect(store.engine).get_table_names())
    assert set(metadata.tables) <= tables
    assert "alembic_version" in tables
    assert store.migrate() is False


def test_save_and_read_back_every_field(store: Store) -> None:
    section = store.save_section(Section("local", "Local"))
    [result] = store.save_articles([make_article(section)])
    assert result.outcome == "created"
    got = store.article(result.article_id)
    assert got is not None
    assert got.headline == "Council approves harbor dredging"
    assert got.body[0].html == "The council voted <em>7-2</em>."
    assert got.body[1].items == ("one", "two") and got.body[1].ordered
    assert got.body[2].credit == "AP"
    assert [a.name for a in got.bylines] == ["Maria Lopez", "Dev Patel"]
    assert [t.slug for t in got.topics] == ["harbor"]
    assert got.section.slug == "local"
    assert got.published_at == NOW and got.published_at.tzinfo is not None
    assert got.status is Status.DRAFT
    assert got.path == "/2026/11/20/harbor-vote"


def test_import_is_idempotent_and_only_newer_versions_update(store: Store) -> None:
    section = store.save_section(Section("local", "Local"))
    first = store.save_articles([make_article(section)])[0]
    again = store.save_articles([make_article(section, headline="Older text")])[0]
    assert again.outcome == "unchanged"
    newer = make_article(section, headline="Newer text", version_at=NOW + timedelta(hours=1))
    updated = store.save_articles([newer])[0]
    assert updated.outcome == "updated" and updated.article_id == first.article_id
    got = store.article(first.article_id)
    assert got is not None and got.headline == "Newer text"
    assert got.slug == "harbor-vote"
    assert store.count_published() == 0


def test_duplicate_slugs_get_unique_ones(store: Store) -> None:
    section = store.save_section(Section("local", "Local"))
    results = store.save_articles([make_article(section, uid=f"urn:test:{i}") for i in range(3)])
    assert [r.slug for r in results] == ["harbor-vote", "harbor-vote-2", "harbor-vote-3"]


def test_a_failing_item_writes_nothing_of_its_batch(store: Store) -> None:
    section = store.save_section(Section("local", "Local"))
    good = make_article(section, uid="urn:test:good")
    bad = make_article(Section("nowhere", "Nowhere"), uid="urn:test:bad")
    with pytest.raises(ValueError):
        store.save_articles([good, bad])
    assert store.article_by_uid("urn:test:good") is None


def test_publish_keeps_first_published_time_and_lists(store: Store) -> None:
    section = store.save_section(Section("local", "Local"))
    wire = make_article(section, uid="urn:a")
    own = make_article(section, uid="urn:b", published_at=None)
    ids = [r.article_id for r in store.save_articles([wire, own])]
    assert sorted(store.publish(ids, NOW + timedelta(days=1))) == sorted(ids)
    assert store.publish(ids, NOW) == []
    a, b = store.article(ids[0]), store.article(ids[1])
    assert a is not None and a.published_at == NOW
    assert b is not None and b.published_at == NOW + timedelta(days=1)
    newest = store.list_published(limit=10)
    assert [s.id for s in newest] == [ids[1], ids[0]]
    assert store.list_published(limit=10, exclude_id=ids[1])[0].id == ids[0]
    store.unpublish(ids[1])
    assert [s.id for s in store.list_published(limit=10)] == [ids[0]]


def test_fixture_newsroom_lists_are_filled(store: Store) -> None:
    ids = build_fixture_newsroom(store, NOW)
    fronts = store.section_fronts(2)
    assert sorted(fronts) == ["business", "science", "world"]
    assert all(len(v) <= 2 for v in fronts.values())
    page = store.article_page(
        store.list_published(limit=1, section_slug="world")[0].path.split("/")[-1]
    )
    assert page is not None
    assert page.article.id in ids
    assert len(page.recent) == 4
    assert page.article.id not in [r.id for r in page.recent]
    assert page.related, "the two Gaza stories should relate"


def test_corrections_are_kept_in_order_and_touch_updated_time(store: Store) -> None:
    section = store.save_section(Section("local", "Local"))
    [r] = store.save_articles([make_article(section)])
    store.add_correction(r.article_id, "An earlier version misspelt the mayor's name.", NOW)
    store.add_correction(r.article_id, "The vote was 7-2, not 6-3.", NOW + timedelta(hours=2))
    got = store.article(r.article_id)
    assert got is not None
    assert [c.text[:6] for c in got.corrections] == ["An ear", "The vo"]
    assert got.updated_at == NOW + timedelta(hours=2)


def test_weather_cache_keeps_the_latest_observation(store: Store) -> None:
    first = Observation("New York", "New York", 14.0, NOW, NOW, "metno")
    second = replace(first, temperature_c=15.5, observed_at=NOW + timedelta(minutes=30))
    store.save_observation(first)
    store.save_observation(second)
    got = store.latest_observation("New York")
    assert got == second
    assert store.latest_observation("Paris") is None


def test_unreachable_database_is_a_clear_error() -> None:
    with pytest.raises(StoreUnavailable, match="cannot open the database"):
        open_store("postgresql://nobody@127.0.0.1:1/none")
    with pytest.raises(StoreUnavailable, match="not a database URL"):
        open_store("this is not a url")


def test_locked_sqlite_database_is_a_clear_error(tmp_path) -> None:  # type: ignore[no-untyped-def]
    import sqlite3

    path = tmp_path / "locked.db"
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("CREATE TABLE x (a)")
    holder.execute("BEGIN EXCLUSIVE")
    try:
        from dateline.store import sqlite as sqlite_dialect

        old = sqlite_dialect.BUSY_TIMEOUT_MS
        sqlite_dialect.BUSY_TIMEOUT_MS = 100
        try:
            with pytest.raises(StoreUnavailable, match="locked"):
                open_store(f"sqlite:///{path}")
        finally:
            sqlite_dialect.BUSY_TIMEOUT_MS = old
    finally:
        holder.execute("ROLLBACK")
        holder.close()


def test_migrated_database_equals_the_schema_of_record(store: Store) -> None:
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext

    with store.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"include_name": in_schema_of_record})
        diff = compare_metadata(context, metadata)
    assert diff == []
