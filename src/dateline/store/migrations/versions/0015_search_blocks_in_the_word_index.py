"""search at a million articles: blocks of ids and sections in the word index

PostgreSQL's search walks windows of ids from the newest down (migration 0008,
``dateline_search_newest``). A window was a bitmap AND of two indexes: the GIN index of
the words, and the primary key's range of the window's ids. The second enumerates every
id of the window, matched or not: for a word in 1 % of a million articles, a window of
283,000 ids took 40 ms to find 2,000 matches. With a section filter the section's own
index gave a third bitmap of 140,000 rows (migration 0014 raised ``work_mem`` so that
it stayed exact).

This migration puts the block of an article's id (``article_id >> 13``: 8,192 ids a
block) and its section into the word index itself, as two more GIN columns
(``btree_gin``, a contrib extension shipped with PostgreSQL and trusted since 13, so
the database's owner may create it). A window is then whole blocks, searched as
``(article_id >> 13) = ANY (blocks)``: the index's scan intersects the word's matches
with each block's (and the section's) inside the index, where a block's 8,192 ids are a
few pages of compressed posting list, instead of ANDing with a bitmap built from one
primary-key entry per id. Only matching rows are read. At a million articles a word in
0.6 % of them had its window's 461,000 ids enumerated in 57 ms; the walk's p95 on 60
such words went from 62 to 18 ms (docs/benchmarks.md).

- The new index ``ix_article_search_words`` (block, section, vector) replaces
  ``ix_article_search_vector``: a search by words alone reads only the vector's entries.
  Its pending list is held to 256 kB as before.
- ``dateline_search_newest`` keeps its arguments and its walk. Its windows, but for the
  first one's primary-key walk and a window over half the ids left, are rounded down to
  whole blocks, and the next window starts below the last block read. Windows grow from
  the ids they covered.

SQLite is unchanged (FTS5 walks its own doclists from the newest rowid).

Revision ID: 0015
Revises: 0014
Create Date: 2026-11-27
"""

from __future__ import annotations

import importlib

from alembic import op

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None

_WALK = importlib.import_module("dateline.store.migrations.versions.0014_search_walk_at_a_million")
OLD_FUNCTION: str = _WALK.NEW_FUNCTION
# ids a block: 2 ** BLOCK_BITS (the index's expression and the function's must agree)
BLOCK_BITS = 13
NEW_INDEX = (
    "CREATE INDEX ix_article_search_words ON article_search USING gin "
    f"((article_id >> {BLOCK_BITS}), section_id, search_vector) "
    "WITH (gin_pending_list_limit = 256)"
)
OLD_INDEX = (
    "CREATE INDEX ix_article_search_vector ON article_search USING gin (search_vector) "
    "WITH (gin_pending_list_limit = 256)"
)
# 0014's function but for the windows: whole blocks of ids (``blocks``), found through
# the index's first column; the primary-key walk (``dense``) and a window over half the
# ids left (``wide``) read as before, by the id range
NEW_FUNCTION = f"""
CREATE OR REPLACE FUNCTION dateline_search_newest(
    query tsquery, wanted integer, section_slug text, since timestamptz,
    until timestamptz, lowest integer, highest integer, margin double precision,
    empty_growth integer, row_cost double precision
) RETURNS TABLE (found_id integer, found_score real)
LANGUAGE plpgsql VOLATILE
SET enable_indexscan = off
SET enable_bitmapscan = on
SET enable_seqscan = off
SET plan_cache_mode = force_custom_plan
SET work_mem = '32MB'
AS $$
DECLARE
    section integer;
    high bigint := highest;
    low bigint;
    width bigint;
    span bigint;
    got integer := 0;
    matched integer;
    explained json;
    estimated double precision;
    dense boolean;
    wide boolean;
    blocks integer[];
BEGIN
    IF section_slug IS NOT NULL THEN
        SELECT sections.id INTO section FROM sections WHERE sections.slug = section_slug;
        IF section IS NULL THEN
            RETURN;
        END IF;
    END IF;
    IF highest IS NULL THEN
        RETURN;
    END IF;
    EXECUTE 'EXPLAIN (FORMAT JSON) SELECT 1 FROM article_search WHERE search_vector @@ $1'
        || ' AND ($2::integer IS NULL OR section_id = $2)'
        || ' AND ($3::timestamptz IS NULL OR published_at >= $3)'
        || ' AND ($4::timestamptz IS NULL OR published_at < $4)'
        INTO explained USING query, section, since, until;
    estimated := greatest((explained -> 0 -> 'Plan' ->> 'Plan Rows')::double precision, 1);
    width := greatest(wanted, (wanted * (high - lowest + 1) / estimated * margin)::bigint);
    dense := estimated * estimated / (high - lowest + 1) >= wanted * row_cost;
    IF dense THEN
        PERFORM set_config('enable_indexscan', 'on', true),
            set_config('enable_bitmapscan', 'off', true);
    END IF;
    WHILE high >= lowest AND got < wanted LOOP
        wide := NOT dense AND 2 * width >= high - lowest + 1;
        low := high - width + 1;
        blocks := NULL;
        IF NOT dense AND NOT wide THEN
            low := (low >> {BLOCK_BITS}) << {BLOCK_BITS};
            blocks := ARRAY(
                SELECT generate_series(low >> {BLOCK_BITS}, high >> {BLOCK_BITS})::integer
            );
        END IF;
        RETURN QUERY
            SELECT s.article_id, ts_rank_cd(s.search_vector, query, 1)
            FROM article_search AS s
            WHERE s.search_vector @@ query
                AND (NOT dense OR (s.article_id >= low AND s.article_id <= high))
                AND (blocks IS NULL OR (s.article_id >> {BLOCK_BITS}) = ANY (blocks))
                AND s.article_id + 0 >= low AND s.article_id + 0 <= high
                AND (section IS NULL OR s.section_id = section)
                AND (since IS NULL OR s.published_at >= since)
                AND (until IS NULL OR s.published_at < until)
            ORDER BY s.article_id DESC
            LIMIT wanted - got;
        GET DIAGNOSTICS matched = ROW_COUNT;
        IF dense THEN
            dense := false;
            PERFORM set_config('enable_indexscan', 'off', true),
                set_config('enable_bitmapscan', 'on', true);
        END IF;
        got := got + matched;
        span := high - low + 1;
        high := low - 1;
        IF matched > 0 THEN
            width := greatest(
                2 * span, ((wanted - got)::double precision * span / matched * margin)::bigint + 1
            );
        ELSE
            width := span * empty_growth;
        END IF;
    END LOOP;
END $$
"""


def upgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        return
    op.execute("CREATE EXTENSION IF NOT EXISTS btree_gin")
    op.execute(NEW_INDEX)
    op.execute("DROP INDEX IF EXISTS ix_article_search_vector")
    op.execute(NEW_FUNCTION)
    op.execute("ANALYZE article_search")


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        return
    op.execute(OLD_INDEX)
    op.execute("DROP INDEX IF EXISTS ix_article_search_words")
    op.execute(OLD_FUNCTION.replace("CREATE FUNCTION", "CREATE OR REPLACE FUNCTION", 1))
    op.execute("ANALYZE article_search")
