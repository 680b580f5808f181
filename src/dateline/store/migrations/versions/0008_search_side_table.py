"""search side table: PostgreSQL's full-text vectors move out of ``articles``

On PostgreSQL, the weighted ``tsvector`` of every published article (headline weight A,
deck B, body text C, configuration ``english``: as 0006's generated column) moves to the
narrow table ``article_search`` (``article_id``, ``section_id``, ``published_at``,
``search_vector``) with a GIN index, kept in step by a trigger on ``articles``. A search
then reads rows of a few hundred bytes to a couple of kilobytes instead of whole article
rows (body JSON, markdown, URLs) whose vectors were TOASTed; see docs/search.md. The
generated column ``articles.search_vector`` and its index are dropped.

The trigger ``article_search_sync`` (after insert, delete, and update of the columns the
index holds) adds an article when it becomes published, replaces its vector when its
headline, deck or body text change while published, follows its section and publication
time, and removes it when it is unpublished or deleted. It coexists with 0007's
``page_purges_article`` trigger: both are AFTER row triggers and neither changes the row.

The function ``dateline_search_newest`` finds and ranks the newest matches of a search
in one call (the walk over id windows that ``store/search.py`` ran from the client, one
round trip per window, before); ``store.search`` calls it in its one statement.

On SQLite nothing changes (the FTS5 table of 0006 stays).

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-26
"""

from __future__ import annotations

from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def _vector(row: str) -> str:
    """The weighted vector of ``row`` (``NEW`` in the trigger, a table in the backfill)."""
    return (
        f"setweight(to_tsvector('english'::regconfig, {row}.headline), 'A')"
        f" || setweight(to_tsvector('english'::regconfig, {row}.deck), 'B')"
        f" || setweight(to_tsvector('english'::regconfig, {row}.body_text), 'C')"
    )


# STORAGE MAIN: a vector is compressed if that helps but stays in the row whenever it
# fits, so ranking reads it with the row and not through the TOAST table's index
POSTGRES_TABLE = (
    """
CREATE TABLE article_search (
    article_id integer NOT NULL,
    section_id integer NOT NULL,
    published_at timestamp with time zone,
    search_vector tsvector NOT NULL,
    CONSTRAINT pk_article_search PRIMARY KEY (article_id)
)
""",
    "ALTER TABLE article_search ALTER COLUMN search_vector SET STORAGE MAIN",
)
# the old generated column holds exactly these vectors: copied, not computed again
POSTGRES_BACKFILL = """
INSERT INTO article_search (article_id, section_id, published_at, search_vector)
SELECT id, section_id, published_at, search_vector FROM articles
WHERE status = 'published' ORDER BY id
"""
# created after the backfill (faster than growing it row by row). New rows wait in a
# pending list that every search scans, so it is kept small (256 kB, not the default
# 4 MB): a bulk import still batches its index inserts (about four times faster than
# none at all, fastupdate off), and a search scans at most a few hundred articles there
POSTGRES_INDEX = (
    "CREATE INDEX ix_article_search_vector ON article_search USING gin (search_vector) "
    "WITH (gin_pending_list_limit = 256)"
)
# the filters' indexes: with the GIN index and the primary key range, a bitmap AND
# reads only the rows of the section (or the time span) that match
POSTGRES_FILTER_INDEXES = (
    "CREATE INDEX ix_article_search_section_id ON article_search (section_id, article_id)",
    "CREATE INDEX ix_article_search_published_at ON article_search (published_at)",
)
POSTGRES_FUNCTION = f"""
CREATE FUNCTION dateline_article_search() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        DELETE FROM article_search WHERE article_id = OLD.id;
    ELSIF NEW.status <> 'published' THEN
        IF TG_OP = 'UPDATE' AND OLD.status = 'published' THEN
            DELETE FROM article_search WHERE article_id = OLD.id;
        END IF;
    ELSIF TG_OP = 'INSERT' OR OLD.status <> 'published' OR OLD.id <> NEW.id
        OR OLD.headline IS DISTINCT FROM NEW.headline
        OR OLD.deck IS DISTINCT FROM NEW.deck
        OR OLD.body_text IS DISTINCT FROM NEW.body_text THEN
        IF TG_OP = 'UPDATE' AND OLD.id <> NEW.id THEN
            DELETE FROM article_search WHERE article_id = OLD.id;
        END IF;
        INSERT INTO article_search (article_id, section_id, published_at, search_vector)
        VALUES (NEW.id, NEW.section_id, NEW.published_at, {_vector("NEW")})
        ON CONFLICT (article_id) DO UPDATE SET
            section_id = EXCLUDED.section_id,
            published_at = EXCLUDED.published_at,
            search_vector = EXCLUDED.search_vector;
    ELSIF OLD.section_id IS DISTINCT FROM NEW.section_id
        OR OLD.published_at IS DISTINCT FROM NEW.published_at THEN
        UPDATE article_search SET section_id = NEW.section_id, published_at = NEW.published_at
        WHERE article_id = NEW.id;
    END IF;
    RETURN NULL;
END $$
"""
# ``dateline_search_newest``: the newest ``wanted`` published matches of ``query`` (with
# the filters given; a section slug that names no section matches nothing), newest
# first, each ranked as its row is read (ts_rank_cd, normalisation 1). ``lowest`` and
# ``highest`` are the caller's min() and max() of ``article_search.article_id`` (under
# the function's settings they would be a scan of every row).
#
# It walks windows of ids from the newest down until enough are found: the first as
# wide as the planner's estimate of the matches (EXPLAIN, not run) says it takes to find
# them all, times ``margin``; then as wide as the matches found so far say the rest
# needs, times ``margin``, at least twice the last (``empty_growth`` times after an empty
# one). A window is a bitmap AND of the GIN index and the primary key's id range, or,
# over half the ids left or more, the GIN index's rows tested for the range (``id + 0``:
# no index), which is cheaper than a bitmap of every id. The first window of a query
# the planner expects in ``dense_share`` of the articles or more walks the primary key
# down instead, testing each row's vector (kept in the row, so cheap to test), and stops
# at the ``wanted``-th match, where a bitmap would read every match in the archive
# first. The function's own settings hold the planner to these plans, with a plan for
# each window's own bounds, and end with the call.
#
# One call does the whole walk: one round trip instead of one per window plus the
# settings and the estimate. VOLATILE only because PostgreSQL allows EXPLAIN in no
# other kind (each window then reads with a snapshot of its own, as statements did).
POSTGRES_SEARCH_FUNCTION = """
CREATE FUNCTION dateline_search_newest(
    query tsquery, wanted integer, section_slug text, since timestamptz,
    until timestamptz, lowest integer, highest integer, margin double precision,
    empty_growth integer, dense_share double precision
) RETURNS TABLE (found_id integer, found_score real)
LANGUAGE plpgsql VOLATILE
SET enable_indexscan = off
SET enable_bitmapscan = on
SET enable_seqscan = off
SET plan_cache_mode = force_custom_plan
AS $$
DECLARE
    section integer;
    high bigint := highest;
    width bigint;
    got integer := 0;
    matched integer;
    explained json;
    estimated double precision;
    dense boolean;
    wide boolean;
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
    dense := estimated / (high - lowest + 1) >= dense_share;
    IF dense THEN
        PERFORM set_config('enable_indexscan', 'on', true),
            set_config('enable_bitmapscan', 'off', true);
    END IF;
    WHILE high >= lowest AND got < wanted LOOP
        wide := NOT dense AND 2 * width >= high - lowest + 1;
        RETURN QUERY
            SELECT s.article_id, ts_rank_cd(s.search_vector, query, 1)
            FROM article_search AS s
            WHERE s.search_vector @@ query
                AND (wide OR (s.article_id > high - width AND s.article_id <= high))
                AND (NOT wide OR (s.article_id + 0 > high - width AND s.article_id + 0 <= high))
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
        high := high - width;
        IF matched > 0 THEN
            width := greatest(
                2 * width, ((wanted - got)::double precision * width / matched * margin)::bigint + 1
            );
        ELSE
            width := width * empty_growth;
        END IF;
    END LOOP;
END $$
"""
POSTGRES_TRIGGER = """
CREATE TRIGGER article_search_sync
AFTER INSERT OR DELETE OR UPDATE OF id, headline, deck, body_text, status, section_id,
    published_at ON articles
FOR EACH ROW EXECUTE FUNCTION dateline_article_search()
"""

# 0006's generated column and index, for the downgrade
POSTGRES_OLD_VECTOR = f"""
ALTER TABLE articles ADD COLUMN search_vector tsvector GENERATED ALWAYS AS (
    {_vector("articles")}
) STORED
"""
POSTGRES_OLD_INDEX = """
CREATE INDEX ix_articles_search_vector ON articles USING gin (search_vector)
WHERE status = 'published'
"""


def upgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        return
    for statement in POSTGRES_TABLE:
        op.execute(statement)
    op.execute(POSTGRES_BACKFILL)
    op.execute(POSTGRES_INDEX)
    for statement in POSTGRES_FILTER_INDEXES:
        op.execute(statement)
    op.execute(POSTGRES_FUNCTION)
    op.execute(POSTGRES_SEARCH_FUNCTION)
    op.execute(POSTGRES_TRIGGER)
    op.execute("DROP INDEX IF EXISTS ix_articles_search_vector")
    op.execute("ALTER TABLE articles DROP COLUMN IF EXISTS search_vector")
    # the planner's estimate of a word's matches sizes a search's first window
    op.execute("ANALYZE article_search")


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        return
    op.execute("DROP TRIGGER IF EXISTS article_search_sync ON articles")
    op.execute("DROP FUNCTION IF EXISTS dateline_article_search()")
    op.execute(
        "DROP FUNCTION IF EXISTS dateline_search_newest(tsquery, integer, text, "
        "timestamptz, timestamptz, integer, integer, double precision, integer, "
        "double precision)"
    )
    op.execute("DROP TABLE IF EXISTS article_search")
    op.execute(POSTGRES_OLD_VECTOR)
    op.execute(POSTGRES_OLD_INDEX)
