"""site purges: every change to what all pages show purges the page caches

0007 purged every cached page (scope ``all``) when a section, author or topic was renamed
or given another slug. Pages also show the section navigation in its order and an
author's biography, so this migration purges on those too: a section added, removed or
moved in the navigation (``position``), and an author's ``bio`` changed. On PostgreSQL
the trigger function compares the whole row, so a column added later is covered too.

0007's ``create_sqlite_triggers`` (for a later migration that rebuilds ``articles`` on
SQLite) would create 0007's versions of the ``_rename`` triggers again: such a migration
recreates only the triggers of the table it rebuilds.

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-26
"""

from __future__ import annotations

from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None

# the columns of each table that pages show (SQLite compares them one by one)
SHOWN = {
    "sections": ("name", "slug", "position"),
    "authors": ("name", "slug", "bio"),
    "topics": ("name", "slug"),
}
PURGE_ALL = "INSERT INTO page_purges (article_id, scope) VALUES (NULL, 'all');"


def _sqlite_update(table: str, columns: tuple[str, ...]) -> str:
    changed = " OR ".join(f"old.{c} IS NOT new.{c}" for c in columns)
    return (
        f"CREATE TRIGGER page_purges_{table}_rename AFTER UPDATE ON {table} "
        f"WHEN {changed} BEGIN {PURGE_ALL} END"
    )


SQLITE_SECTION_ROWS = tuple(
    f"CREATE TRIGGER page_purges_sections_{event.lower()} AFTER {event} ON sections "
    f"BEGIN {PURGE_ALL} END"
    for event in ("INSERT", "DELETE")
)
POSTGRES_FUNCTION = f"""
CREATE OR REPLACE FUNCTION dateline_purge_site() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP <> 'UPDATE' OR to_jsonb(OLD) IS DISTINCT FROM to_jsonb(NEW) THEN
        {PURGE_ALL}
    END IF;
    RETURN NULL;
END $$
"""
OLD_POSTGRES_FUNCTION = f"""
CREATE OR REPLACE FUNCTION dateline_purge_site() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF OLD.name IS DISTINCT FROM NEW.name OR OLD.slug IS DISTINCT FROM NEW.slug THEN
        {PURGE_ALL}
    END IF;
    RETURN NULL;
END $$
"""
POSTGRES_SECTION_ROWS = (
    "CREATE TRIGGER page_purges_sections_rows AFTER INSERT OR DELETE ON sections "
    "FOR EACH ROW EXECUTE FUNCTION dateline_purge_site()"
)


def upgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for table, columns in SHOWN.items():
            op.execute(f"DROP TRIGGER IF EXISTS page_purges_{table}_rename")
            op.execute(_sqlite_update(table, columns))
        for statement in SQLITE_SECTION_ROWS:
            op.execute(statement)
        return
    op.execute(POSTGRES_FUNCTION)
    op.execute(POSTGRES_SECTION_ROWS)


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for event in ("insert", "delete"):
            op.execute(f"DROP TRIGGER IF EXISTS page_purges_sections_{event}")
        for table in SHOWN:
            op.execute(f"DROP TRIGGER IF EXISTS page_purges_{table}_rename")
            op.execute(_sqlite_update(table, ("name", "slug")))
        return
    op.execute("DROP TRIGGER IF EXISTS page_purges_sections_rows ON sections")
    op.execute(OLD_POSTGRES_FUNCTION)
