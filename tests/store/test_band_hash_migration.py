"""Migration 0018: PostgreSQL finds band rows through a hash index on their key."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import Engine, inspect, text

from dateline.model.fingerprint import same_story
from dateline.store.intake import _COPIES_MANY
from dateline.store.postgres import integer_array
from tests.migrating import migrate_to, news_store_at
from tests.store.test_band_keys_migration import band_indexes
from tests.store.test_bands_migration import band_rows, delete_article
from tests.store.test_intake import copy_of, item

NOW = datetime(2026, 11, 28, 12, 0, tzinfo=UTC)


def primary_key(engine: Engine) -> list[str]:
    return list(inspect(engine).get_pk_constraint("article_bands")["constrained_columns"])


def plans(engine: Engine, keys: list[int], article_id: int) -> dict[str, str]:
    """PostgreSQL's plans, sequential scans ruled out, for the statements that read band
    rows by key: the trigger's delete and the batch's copy lookup."""
    with engine.connect() as conn:
        conn.execute(text("SET LOCAL enable_seqscan = off"))
        found = {
            "delete": conn.execute(
                text(
                    "EXPLAIN DELETE FROM article_bands "
                    "WHERE key = ANY (CAST(:keys AS bigint[])) AND article_id = :id"
                ),
                {"keys": keys, "id": article_id},
            ).all(),
            "copies": conn.execute(
                text(f"EXPLAIN {_COPIES_MANY.text}"),
                {
                    "positions": integer_array([0] * len(keys)),
                    "keys": integer_array(keys),
                    "items": integer_array([0]),
                    "earliest": [None],
                    "latest": [None],
                    "limit": 50,
                },
            ).all(),
        }
        conn.rollback()
    return {name: "\n".join(row[0] for row in rows) for name, rows in found.items()}


def test_band_rows_are_found_by_a_hash_index_on_postgresql_and_the_key_comes_back_down(
    database_url: str,
) -> None:
    postgres = database_url.startswith("postgresql")
    with news_store_at(database_url, "0017") as (engine, store, news):
        originals = [item(n, news) for n in (1, 2, 3)]
        taken = store.take_items(originals, None, NOW, same_story)
        first, second, third = (t.article_id for t in taken if not isinstance(t, str))
        before = band_rows(engine)
        assert set(before) == {first, second, third} and min(map(len, before.values())) > 30
        assert primary_key(engine) == ["key", "article_id"] and band_indexes(engine) == []

        migrate_to(engine, "upgrade", "0018")
        assert band_rows(engine) == before  # no row lost
        if postgres:
            assert primary_key(engine) == []
            assert band_indexes(engine) == ["ix_article_bands_key"]
            for name, plan in plans(engine, before[second], second).items():
                assert "ix_article_bands_key" in plan, (name, plan)
        else:  # SQLite's table is its primary key, and stays so
            assert primary_key(engine) == ["key", "article_id"] and band_indexes(engine) == []

        # another source's copy is still found through its bands, and a new item's bands
        # are written and deleted with its fingerprint as before
        [copy, fourth] = store.take_items(
            [copy_of(originals[1], 9, hours_later=2), item(4, news)], None, NOW, same_story
        )
        assert not isinstance(copy, str) and not isinstance(fourth, str)
        assert (copy.outcome, copy.article_id) == ("alternate", second)
        assert fourth.outcome == "created" and len(band_rows(engine)[fourth.article_id]) > 30
        delete_article(engine, first)
        after = band_rows(engine)
        assert set(after) == {second, third, fourth.article_id}

        migrate_to(engine, "downgrade", "0017")
        assert primary_key(engine) == ["key", "article_id"] and band_indexes(engine) == []
        assert band_rows(engine) == after
        delete_article(engine, third)
        assert set(band_rows(engine)) == {second, fourth.article_id}
