"""A bulk import leaves the planner with statistics of what it wrote.

On PostgreSQL an import of many articles runs ``ANALYZE`` on the store's tables
(``Store.refresh_statistics``): without it, until autovacuum comes by, the planner takes a
fresh archive for a handful of rows and an article page's lists read every published
article. SQLite is left without statistics (``sqlite_stat1``), as its planner expects.
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import text

from dateline.ingest.importer import import_files
from dateline.store import Store

BODY = "The council met on Tuesday and voted on the harbour plan after a long debate.\n"


def _files(folder: Path, count: int) -> list[Path]:
    paths = []
    for number in range(count):
        path = folder / f"story-{number}.md"
        path.write_text(f"---\nid: story-{number}\nheadline: Story {number}\n---\n{BODY}")
        paths.append(path)
    return paths


def _articles_statistics(store: Store) -> tuple[object, float] | None:
    """PostgreSQL's last manual ``ANALYZE`` of ``articles`` and its row estimate."""
    with store.engine.connect() as conn:
        row = conn.execute(
            text(
                "SELECT s.last_analyze, c.reltuples FROM pg_stat_user_tables s"
                " JOIN pg_class c ON c.oid = s.relid"
                " WHERE s.schemaname = current_schema() AND s.relname = 'articles'"
            )
        ).one_or_none()
    return None if row is None else (row[0], float(row[1]))


def test_a_large_import_analyzes_the_stores_tables(store: Store, tmp_path: Path) -> None:
    files = _files(tmp_path, 6)
    import_files(store, files[:3], default_section="news", analyze_after=4)
    if store.dialect == "postgresql":
        statistics = _articles_statistics(store)
        assert statistics is not None and statistics[0] is None  # three: below the bound
    report = import_files(store, files[3:], default_section="news", analyze_after=3)
    assert report.total("created") == 3
    if store.dialect == "postgresql":
        statistics = _articles_statistics(store)
        assert statistics is not None
        analyzed, rows = statistics
        assert analyzed is not None
        assert rows == 6  # what the planner now believes the table holds
    else:
        with store.engine.connect() as conn:
            kept = conn.execute(
                text("SELECT count(*) FROM sqlite_master WHERE name = 'sqlite_stat1'")
            ).scalar()
        assert kept == 0
