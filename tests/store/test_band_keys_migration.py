"""Migration 0017: a fingerprint's band keys kept in its row, the bands' article index gone."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

from sqlalchemy import Engine, inspect, select

from dateline.model.fingerprint import same_story
from dateline.store import Incoming
from dateline.store.schema import article_fingerprints
from tests.migrating import migrate_to, news_store_at, take_as_before_0017
from tests.store.test_bands_migration import band_rows, delete_article
from tests.store.test_intake import item

NOW = datetime(2026, 11, 27, 12, 0, tzinfo=UTC)


def keys_in_rows(engine: Engine) -> dict[int, list[int]]:
    """Each fingerprint's band keys, as its own row has them."""
    with engine.connect() as conn:
        rows = conn.execute(
            select(article_fingerprints.c.article_id, article_fingerprints.c.band_keys)
        ).all()
    return {article_id: list(keys) for article_id, keys in rows}


def band_indexes(engine: Engine) -> list[str]:
    return [str(index["name"]) for index in inspect(engine).get_indexes("article_bands")]


def test_band_keys_move_into_the_fingerprint_row_and_the_bands_still_follow_it(
    database_url: str,
) -> None:
    with news_store_at(database_url, "0016") as (engine, store, news):
        first, second, third = (
            take_as_before_0017(engine, store, item(n, news), NOW) for n in (1, 2, 3)
        )
        before = band_rows(engine)
        assert set(before) == {first, second, third} and min(map(len, before.values())) > 30
        assert band_indexes(engine) == ["ix_article_bands_article_id"]

        migrate_to(engine, "upgrade", "0017")
        assert band_rows(engine) == before  # no row lost
        assert keys_in_rows(engine) == before  # each row holds its bands' keys, in order
        assert band_indexes(engine) == []

        # a deleted article takes its fingerprint, and the trigger its bands, by their keys
        delete_article(engine, first)
        assert band_rows(engine) == {second: before[second], third: before[third]}

        # the store writes the keys beside the rows: a new item, and a newer version of
        # one with another text, whose former bands go with its former fingerprint
        [fourth] = store.take_items([item(4, news)], None, NOW, same_story)
        other = item(5, news)
        newer = Incoming(
            replace(
                item(2, news).article,
                body=other.article.body,
                version_at=NOW + timedelta(days=1),
            ),
            other.fingerprint,
        )
        [updated] = store.take_items([newer], None, NOW, same_story)
        assert not isinstance(fourth, str) and not isinstance(updated, str)
        assert (updated.outcome, updated.article_id) == ("updated", second)
        assert other.fingerprint is not None
        now_stored = band_rows(engine)
        assert now_stored[second] == sorted(set(other.fingerprint.keys)) != before[second]
        assert set(now_stored) == {second, third, fourth.article_id}
        assert keys_in_rows(engine) == now_stored

        migrate_to(engine, "downgrade", "0016")
        assert band_indexes(engine) == ["ix_article_bands_article_id"]
        assert "band_keys" not in {
            c["name"] for c in inspect(engine).get_columns("article_fingerprints")
        }
        delete_article(engine, third)  # the former trigger, by the article
        assert band_rows(engine) == {
            second: now_stored[second],
            fourth.article_id: now_stored[fourth.article_id],
        }
