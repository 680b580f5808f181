"""Migration 0013: band rows lose their foreign key and follow their fingerprint instead."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import Engine, delete, inspect, select, text

from dateline.store.schema import article_bands, article_fingerprints, articles
from tests.migrating import migrate_to, news_store_at, take_as_before_0017
from tests.store.test_intake import item

NOW = datetime(2026, 11, 27, 12, 0, tzinfo=UTC)


def band_rows(engine: Engine) -> dict[int, list[int]]:
    """Each article's band keys, as its ``article_bands`` rows have them, in order."""
    with engine.connect() as conn:
        rows = conn.execute(select(article_bands.c.article_id, article_bands.c.key)).all()
    found: dict[int, list[int]] = {}
    for article_id, key in rows:
        found.setdefault(article_id, []).append(key)
    return {article_id: sorted(keys) for article_id, keys in found.items()}


def foreign_keys(engine: Engine) -> list[str]:
    return [fk["referred_table"] for fk in inspect(engine).get_foreign_keys("article_bands")]


def delete_article(engine: Engine, article_id: int) -> None:
    with engine.begin() as conn:
        conn.execute(delete(articles).where(articles.c.id == article_id))


def test_bands_follow_their_fingerprint_after_the_upgrade_and_the_key_comes_back_down(
    database_url: str,
) -> None:
    with news_store_at(database_url, "0012") as (engine, store, news):
        first, second, third = (
            take_as_before_0017(engine, store, item(n, news), NOW) for n in (1, 2, 3)
        )
        before = band_rows(engine)
        assert set(before) == {first, second, third} and min(map(len, before.values())) > 30
        assert foreign_keys(engine) == ["articles"]

        migrate_to(engine, "upgrade", "0013")
        assert band_rows(engine) == before  # every row kept
        assert foreign_keys(engine) == []
        if engine.dialect.name == "sqlite":
            with engine.connect() as conn:
                table = conn.execute(
                    text("SELECT sql FROM sqlite_master WHERE name = 'article_bands'")
                ).scalar_one()
            assert "WITHOUT ROWID" in table

        # a deleted article takes its fingerprint (by its key) and its bands (by the
        # trigger) with it; the others keep theirs
        delete_article(engine, first)
        with engine.connect() as conn:
            prints = set(conn.execute(select(article_fingerprints.c.article_id)).scalars())
        assert prints == {second, third}
        assert band_rows(engine) == {second: before[second], third: before[third]}

        migrate_to(engine, "downgrade", "0012")
        assert foreign_keys(engine) == ["articles"]
        assert band_rows(engine) == {second: before[second], third: before[third]}
        delete_article(engine, second)  # the key's cascade again
        assert band_rows(engine) == {third: before[third]}
