"""search: the articles' plain body text and a full-text index of published articles

On SQLite, the FTS5 table ``articles_search`` (external content: the ``articles`` rows)
holds headline, deck and body text of published articles, kept in step by triggers on
``articles``. On PostgreSQL, the generated column ``search_vector`` (headline weight A,
deck B, body C) with a GIN index over published rows.

A later migration that rebuilds the ``articles`` table on SQLite (batch "move and copy")
drops the triggers with the old table: it must call ``create_sqlite_triggers`` again.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-26
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from dateline.model.text import strip_tags

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

BACKFILL_BATCH = 1000

SQLITE_TABLE = """
CREATE VIRTUAL TABLE articles_search USING fts5(
    headline, deck, body_text,
    content='articles', content_rowid='id',
    tokenize='porter unicode61 remove_diacritics 2'
)
"""

_COLUMNS = "headline, deck, body_text"
_OLD = "old.id, old.headline, old.deck, old.body_text"
_NEW = "new.id, new.headline, new.deck, new.body_text"
SQLITE_TRIGGERS = (
    f"""
CREATE TRIGGER articles_search_insert AFTER INSERT ON articles
WHEN new.status = 'published' BEGIN
    INSERT INTO articles_search(rowid, {_COLUMNS}) VALUES ({_NEW});
END
""",
    f"""
CREATE TRIGGER articles_search_delete AFTER DELETE ON articles
WHEN old.status = 'published' BEGIN
    INSERT INTO articles_search(articles_search, rowid, {_COLUMNS}) VALUES ('delete', {_OLD});
END
""",
    f"""
CREATE TRIGGER articles_search_update
AFTER UPDATE OF headline, deck, body_text, status ON articles BEGIN
    INSERT INTO articles_search(articles_search, rowid, {_COLUMNS})
        SELECT 'delete', {_OLD} WHERE old.status = 'published';
    INSERT INTO articles_search(rowid, {_COLUMNS})
        SELECT {_NEW} WHERE new.status = 'published';
END
""",
)

POSTGRES_VECTOR = """
ALTER TABLE articles ADD COLUMN search_vector tsvector GENERATED ALWAYS AS (
    setweight(to_tsvector('english'::regconfig, headline), 'A')
    || setweight(to_tsvector('english'::regconfig, deck), 'B')
    || setweight(to_tsvector('english'::regconfig, body_text), 'C')
) STORED
"""
POSTGRES_INDEX = """
CREATE INDEX ix_articles_search_vector ON articles USING gin (search_vector)
WHERE status = 'published'
"""


def body_text(blocks: list[dict[str, object]]) -> str:
    """The plain text of stored body blocks (as ``model.text.blocks_text`` reads them)."""
    lines: list[str] = []
    for block in blocks:
        items = block.get("items") or ()
        if items and isinstance(items, list):
            lines.extend(strip_tags(str(item)) for item in items)
        elif block.get("html"):
            lines.append(strip_tags(str(block["html"])))
        elif block.get("caption"):
            lines.append(strip_tags(str(block["caption"])))
    return "\n".join(line for line in lines if line)


def create_sqlite_triggers() -> None:
    for statement in SQLITE_TRIGGERS:
        op.execute(statement)


def _backfill_body_text() -> None:
    conn = op.get_bind()
    articles = sa.table(
        "articles",
        sa.column("id", sa.Integer()),
        sa.column("body", sa.JSON()),
        sa.column("body_text", sa.Text()),
    )
    last = 0
    while True:
        rows = conn.execute(
            sa.select(articles.c.id, articles.c.body)
            .where(articles.c.id > last)
            .order_by(articles.c.id)
            .limit(BACKFILL_BATCH)
        ).all()
        if not rows:
            return
        conn.execute(
            sa.update(articles)
            .where(articles.c.id == sa.bindparam("row_id"))
            .values(body_text=sa.bindparam("text")),
            [{"row_id": r.id, "text": body_text(r.body or [])} for r in rows],
        )
        last = rows[-1].id


def upgrade() -> None:
    with op.batch_alter_table("articles", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("body_text", sa.Text(), nullable=False, server_default=sa.text("''"))
        )
    _backfill_body_text()
    if op.get_bind().dialect.name == "sqlite":
        op.execute(SQLITE_TABLE)
        op.execute(
            f"INSERT INTO articles_search(rowid, {_COLUMNS}) "
            f"SELECT id, {_COLUMNS} FROM articles WHERE status = 'published'"
        )
        create_sqlite_triggers()
    else:
        op.execute(POSTGRES_VECTOR)
        op.execute(POSTGRES_INDEX)


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for name in ("insert", "delete", "update"):
            op.execute(f"DROP TRIGGER IF EXISTS articles_search_{name}")
        op.execute("DROP TABLE IF EXISTS articles_search")
    else:
        op.execute("DROP INDEX IF EXISTS ix_articles_search_vector")
        op.execute("ALTER TABLE articles DROP COLUMN IF EXISTS search_vector")
    with op.batch_alter_table("articles", schema=None) as batch_op:
        batch_op.drop_column("body_text")
