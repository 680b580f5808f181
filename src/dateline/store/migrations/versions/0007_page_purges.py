"""page purges: a log of what changed on the site, for the page caches of every process

Each row names one article whose pages changed (``article_id``) and how (``scope``):

- ``listing``: the article entered or left the site's lists (published, unpublished,
  moved to another section, its slug, bylines or topics changed, deleted);
- ``content``: a published article's text changed (headline, deck, body, correction);
- ``related``: its related list changed (written by the store, not by a trigger);
- ``weather``: a weather observation changed what the widget shows (``article_id`` empty);
- ``all``: something every page shows changed (a section, author or topic renamed).

Triggers write the rows in the transaction that made the change, so a change and its
purge commit together or not at all, whatever code path made it. On PostgreSQL a
trigger on the log also sends each row as ``NOTIFY dateline_page_purges`` with the payload
``schema scope:article_id`` (delivered at commit, in commit order), so every process
sharing the store hears of it at once. Channels are per database, not per schema: the
schema in the payload keeps two sites in two schemas of one database apart.

A later migration that rebuilds the ``articles`` table on SQLite (batch "move and copy")
drops the triggers with the old table: it must call ``create_sqlite_triggers`` again.

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-26
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

PUBLISHED = "'published'"
# Changes to these columns move the article in or out of lists (or to another address).
LISTED = ("status", "published_at", "section_id", "slug")
# A weather observation fetched again unchanged purges nothing; these change the widget.
WEATHER_SHOWN = ("city", "temperature_c", "condition", "observed_at", "attribution")
# Changes to these columns change what the article's page (or its link in a list) shows.
SHOWN = ("headline", "deck", "dateline", "body", "credit_line", "canonical_url", "updated_at")


def _changed_sqlite(columns: tuple[str, ...]) -> str:
    return " OR ".join(f"old.{c} IS NOT new.{c}" for c in columns)


def _article_published(ref: str) -> str:
    return f"EXISTS (SELECT 1 FROM articles WHERE id = {ref} AND status = {PUBLISHED})"


SQLITE_TRIGGERS = (
    f"""
CREATE TRIGGER page_purges_article_insert AFTER INSERT ON articles
WHEN new.status = {PUBLISHED} BEGIN
    INSERT INTO page_purges (article_id, scope) VALUES (new.id, 'listing');
END
""",
    f"""
CREATE TRIGGER page_purges_article_delete AFTER DELETE ON articles
WHEN old.status = {PUBLISHED} BEGIN
    INSERT INTO page_purges (article_id, scope) VALUES (old.id, 'listing');
END
""",
    f"""
CREATE TRIGGER page_purges_article_update AFTER UPDATE ON articles
WHEN (old.status = {PUBLISHED} OR new.status = {PUBLISHED})
    AND ({_changed_sqlite(LISTED + SHOWN)}) BEGIN
    INSERT INTO page_purges (article_id, scope) VALUES (
        new.id,
        CASE WHEN {_changed_sqlite(LISTED)} THEN 'listing' ELSE 'content' END
    );
END
""",
    *(
        f"""
CREATE TRIGGER page_purges_{table}_{event.lower()} AFTER {event} ON {table}
WHEN {_article_published(f"{row}.article_id")} BEGIN
    INSERT INTO page_purges (article_id, scope) VALUES ({row}.article_id, '{scope}');
END
"""
        for table, scope in (
            ("article_authors", "listing"),
            ("article_topics", "listing"),
            ("corrections", "content"),
        )
        for event, row in (("INSERT", "new"), ("DELETE", "old"), ("UPDATE", "new"))
    ),
    *(
        f"""
CREATE TRIGGER page_purges_{table}_rename AFTER UPDATE ON {table}
WHEN old.name IS NOT new.name OR old.slug IS NOT new.slug BEGIN
    INSERT INTO page_purges (article_id, scope) VALUES (NULL, 'all');
END
"""
        for table in ("sections", "authors", "topics")
    ),
    """
CREATE TRIGGER page_purges_weather_insert AFTER INSERT ON weather_observations BEGIN
    INSERT INTO page_purges (article_id, scope) VALUES (NULL, 'weather');
END
""",
    f"""
CREATE TRIGGER page_purges_weather_update AFTER UPDATE ON weather_observations
WHEN {_changed_sqlite(WEATHER_SHOWN)} BEGIN
    INSERT INTO page_purges (article_id, scope) VALUES (NULL, 'weather');
END
""",
)


def _changed_pg(columns: tuple[str, ...]) -> str:
    # ``body`` is ``json``, which has no equality operator: compare its text
    cast = {"body": "::text"}
    return " OR ".join(
        f"OLD.{c}{cast.get(c, '')} IS DISTINCT FROM NEW.{c}{cast.get(c, '')}" for c in columns
    )


POSTGRES_FUNCTIONS = (
    f"""
CREATE FUNCTION dateline_purge_article() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        IF NEW.status = {PUBLISHED} THEN
            INSERT INTO page_purges (article_id, scope) VALUES (NEW.id, 'listing');
        END IF;
    ELSIF TG_OP = 'DELETE' THEN
        IF OLD.status = {PUBLISHED} THEN
            INSERT INTO page_purges (article_id, scope) VALUES (OLD.id, 'listing');
        END IF;
    ELSIF (OLD.status = {PUBLISHED} OR NEW.status = {PUBLISHED}) THEN
        IF {_changed_pg(LISTED)} THEN
            INSERT INTO page_purges (article_id, scope) VALUES (NEW.id, 'listing');
        ELSIF {_changed_pg(SHOWN)} THEN
            INSERT INTO page_purges (article_id, scope) VALUES (NEW.id, 'content');
        END IF;
    END IF;
    RETURN NULL;
END $$
""",
    f"""
CREATE FUNCTION dateline_purge_article_part() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    target integer;
BEGIN
    IF TG_OP = 'DELETE' THEN target := OLD.article_id; ELSE target := NEW.article_id; END IF;
    IF EXISTS (SELECT 1 FROM articles WHERE id = target AND status = {PUBLISHED}) THEN
        INSERT INTO page_purges (article_id, scope) VALUES (target, TG_ARGV[0]);
    END IF;
    RETURN NULL;
END $$
""",
    """
CREATE FUNCTION dateline_purge_site() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF OLD.name IS DISTINCT FROM NEW.name OR OLD.slug IS DISTINCT FROM NEW.slug THEN
        INSERT INTO page_purges (article_id, scope) VALUES (NULL, 'all');
    END IF;
    RETURN NULL;
END $$
""",
    f"""
CREATE FUNCTION dateline_purge_weather() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        INSERT INTO page_purges (article_id, scope) VALUES (NULL, 'weather');
    ELSIF {_changed_pg(WEATHER_SHOWN)} THEN
        INSERT INTO page_purges (article_id, scope) VALUES (NULL, 'weather');
    END IF;
    RETURN NULL;
END $$
""",
    """
CREATE FUNCTION dateline_purge_notify() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify(
        'dateline_page_purges',
        current_schema() || ' ' || NEW.scope || ':' || COALESCE(NEW.article_id::text, '')
    );
    RETURN NULL;
END $$
""",
)

POSTGRES_TRIGGERS = (
    "CREATE TRIGGER page_purges_article AFTER INSERT OR UPDATE OR DELETE ON articles "
    "FOR EACH ROW EXECUTE FUNCTION dateline_purge_article()",
    *(
        f"CREATE TRIGGER page_purges_{table} AFTER INSERT OR UPDATE OR DELETE ON {table} "
        f"FOR EACH ROW EXECUTE FUNCTION dateline_purge_article_part('{scope}')"
        for table, scope in (
            ("article_authors", "listing"),
            ("article_topics", "listing"),
            ("corrections", "content"),
        )
    ),
    *(
        f"CREATE TRIGGER page_purges_{table}_rename AFTER UPDATE ON {table} "
        "FOR EACH ROW EXECUTE FUNCTION dateline_purge_site()"
        for table in ("sections", "authors", "topics")
    ),
    "CREATE TRIGGER page_purges_weather AFTER INSERT OR UPDATE ON weather_observations "
    "FOR EACH ROW EXECUTE FUNCTION dateline_purge_weather()",
    "CREATE TRIGGER page_purges_notify AFTER INSERT ON page_purges "
    "FOR EACH ROW EXECUTE FUNCTION dateline_purge_notify()",
)


def create_sqlite_triggers() -> None:
    for statement in SQLITE_TRIGGERS:
        op.execute(statement)


def upgrade() -> None:
    op.create_table(
        "page_purges",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("article_id", sa.Integer(), nullable=True),
        sa.Column("scope", sa.String(length=16), nullable=False),
        sqlite_autoincrement=True,
    )
    if op.get_bind().dialect.name == "sqlite":
        create_sqlite_triggers()
        return
    for statement in POSTGRES_FUNCTIONS + POSTGRES_TRIGGERS:
        op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for statement in SQLITE_TRIGGERS:
            name = statement.split("CREATE TRIGGER ", 1)[1].split()[0]
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
    else:
        for statement in POSTGRES_TRIGGERS:
            name, table = statement.split()[2], statement.split(" ON ")[1].split()[0]
            op.execute(f"DROP TRIGGER IF EXISTS {name} ON {table}")
        for function in (
            "dateline_purge_article",
            "dateline_purge_article_part",
            "dateline_purge_site",
            "dateline_purge_weather",
            "dateline_purge_notify",
        ):
            op.execute(f"DROP FUNCTION IF EXISTS {function}()")
    op.drop_table("page_purges")
