"""search at a million articles: finer word statistics, when to walk the primary key, and
room for the walk's bitmaps

Three changes to PostgreSQL's search (migration 0008), each measured on a million-article
archive (docs/benchmarks.md, "A million articles"):

1. ``article_search.search_vector`` keeps statistics on ten times as many words
   (``SET STATISTICS 1000``: about 9,000 of the commonest lexemes instead of 1,000).
   ``dateline_search_newest`` sizes its first window of ids from the planner's estimate
   of a query's matches. With 1,000 words kept, every word outside them was estimated at
   about 0.5 % of the archive, so a word in 2.2 % of a million articles was taken for a
   quarter of what it is: its first window covered half the archive and read 21,000 rows
   to rank 2,000 (211 ms). ``ANALYZE`` of the table samples 300,000 rows instead of
   30,000 (6 s at a million articles, in autovacuum's background).

2. The first window walks the primary key down (testing each row) instead of decoding the
   GIN index into a bitmap when that reads fewer entries. Walking reads about
   ``wanted / share`` rows for a query found in ``share`` of the archive; a bitmap decodes
   every one of its ``estimated`` matches, however few are wanted. So the walk is taken
   when ``estimated * share >= wanted * row_cost`` (``row_cost``: what a row tested costs
   in index entries decoded; ``store.search.ROW_COST``). 0008's fixed share (a fifth)
   is this rule at 100,000 articles; at a million the rule walks from about 6 %, where a
   word in 17 % of the archive decoded 172,000 entries (70 ms) to rank 2,000.

3. The function's bitmaps may take 32 MB (``SET work_mem``, for the call only) instead of
   the server's default 4 MB. A section's bitmap at a million articles (140,000 rows on
   over 100,000 pages) did not fit in 4 MB and went lossy, so the AND with a word's
   matches kept every one of the word's rows on those pages, and 10,400 rows were read
   where 4,200 matched.

The function keeps 0008's body but for these; its last argument is renamed from
``dense_share`` to ``row_cost``, so it is dropped and created again. SQLite is unchanged.

Revision ID: 0014
Revises: 0013
Create Date: 2026-11-27
"""

from __future__ import annotations

import importlib

from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None

_SEARCH_SIDE_TABLE = importlib.import_module(
    "dateline.store.migrations.versions.0008_search_side_table"
)
OLD_FUNCTION: str = _SEARCH_SIDE_TABLE.POSTGRES_SEARCH_FUNCTION
OLD_SIGNATURE = (
    "dateline_search_newest(tsquery, integer, text, timestamptz, timestamptz, integer, "
    "integer, double precision, integer, double precision)"
)
STATISTICS_TARGET = 1000
# 0008's function with this migration's changes: (0008's text, the text that replaces it)
_CHANGES = (
    (
        "empty_growth integer, dense_share double precision",
        "empty_growth integer, row_cost double precision",
    ),
    (
        "SET plan_cache_mode = force_custom_plan\n",
        "SET plan_cache_mode = force_custom_plan\nSET work_mem = '32MB'\n",
    ),
    (
        "dense := estimated / (high - lowest + 1) >= dense_share;",
        "dense := estimated * estimated / (high - lowest + 1) >= wanted * row_cost;",
    ),
)


def _changed(function: str) -> str:
    for old, new in _CHANGES:
        if function.count(old) != 1:
            raise RuntimeError(f"migration 0014: 0008's search function lacks {old!r}")
        function = function.replace(old, new)
    return function


NEW_FUNCTION = _changed(OLD_FUNCTION)


def _statistics(target: int) -> None:
    op.execute(f"ALTER TABLE article_search ALTER COLUMN search_vector SET STATISTICS {target}")
    op.execute("ANALYZE article_search")


def upgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        return
    op.execute(f"DROP FUNCTION IF EXISTS {OLD_SIGNATURE}")
    op.execute(NEW_FUNCTION)
    _statistics(STATISTICS_TARGET)


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        return
    op.execute(f"DROP FUNCTION IF EXISTS {OLD_SIGNATURE}")
    op.execute(OLD_FUNCTION)
    _statistics(-1)
