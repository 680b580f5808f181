"""The schema of record, as SQLAlchemy Core tables.

Migrations in ``store/migrations/versions`` create exactly these tables; a test compares
the migrated database with this metadata so the two never drift.
"""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Column,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    PrimaryKeyConstraint,
    String,
    Table,
    Text,
    UniqueConstraint,
)

from dateline.model.limits import (
    MAX_CREDIT_LINE,
    MAX_DATELINE,
    MAX_DECK,
    MAX_HEADLINE,
    MAX_NAME,
    MAX_SLUG,
    MAX_URL,
)
from dateline.store.types import BandKeys, UTCDateTime

metadata = MetaData(
    naming_convention={
        "ix": "ix_%(table_name)s_%(column_0_N_name)s",
        "uq": "uq_%(table_name)s_%(column_0_N_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)


sections = Table(
    "sections",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("slug", String(MAX_SLUG), nullable=False, unique=True),
    Column("name", String(MAX_NAME), nullable=False),
    Column("position", Integer, nullable=False, default=0),
)

authors = Table(
    "authors",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("slug", String(MAX_SLUG), nullable=False, unique=True),
    Column("name", String(MAX_NAME), nullable=False),
    Column("bio", Text, nullable=False, default=""),
)

topics = Table(
    "topics",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("slug", String(MAX_SLUG), nullable=False, unique=True),
    Column("name", String(MAX_NAME), nullable=False),
)

articles = Table(
    "articles",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("uid", String(MAX_URL), nullable=False, unique=True),
    Column("slug", String(MAX_SLUG), nullable=False, unique=True),
    Column("headline", String(MAX_HEADLINE), nullable=False),
    Column("deck", String(MAX_DECK), nullable=False, default=""),
    Column("dateline", String(MAX_DATELINE), nullable=False, default=""),
    Column("body", JSON, nullable=False),
    Column("credit_line", String(MAX_CREDIT_LINE), nullable=False, default=""),
    Column("section_id", Integer, ForeignKey("sections.id"), nullable=False),
    Column("status", String(20), nullable=False),
    Column("published_at", UTCDateTime()),
    Column("updated_at", UTCDateTime()),
    Column("version_at", UTCDateTime()),
    Column("language", String(35), nullable=False, default="en"),
    Column("source_kind", String(20), nullable=False, default="own"),
    Column("source_publisher", String(MAX_NAME), nullable=False, default=""),
    Column("source_url", String(MAX_URL), nullable=False, default=""),
    Column("source_item_id", String(MAX_URL), nullable=False, default=""),
    Column("canonical_url", String(MAX_URL), nullable=False, default=""),
    # the newsroom's: the editor's Markdown, the optimistic-lock counter, the schedule
    Column("body_markdown", Text, nullable=False, default=""),
    Column("lock_version", Integer, nullable=False, default=0),
    Column("publish_at", UTCDateTime()),
    Column("unpublish_at", UTCDateTime()),
    Column("created_by", Integer, ForeignKey("users.id", ondelete="SET NULL")),
    # the body's plain text, for the full-text index (see SEARCH_INDEX_OBJECTS)
    Column("body_text", Text, nullable=False, default=""),
    Index("ix_articles_status_published_at", "status", "published_at"),
    Index("ix_articles_section_id_published_at", "section_id", "published_at"),
)

article_authors = Table(
    "article_authors",
    metadata,
    Column("article_id", Integer, ForeignKey("articles.id", ondelete="CASCADE"), primary_key=True),
    Column("author_id", Integer, ForeignKey("authors.id"), primary_key=True),
    Column("position", Integer, nullable=False),
    Index("ix_article_authors_author_id", "author_id"),
)

article_topics = Table(
    "article_topics",
    metadata,
    Column("article_id", Integer, ForeignKey("articles.id", ondelete="CASCADE"), primary_key=True),
    Column("topic_id", Integer, ForeignKey("topics.id"), primary_key=True),
    Index("ix_article_topics_topic_id", "topic_id"),
)

corrections = Table(
    "corrections",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("article_id", Integer, ForeignKey("articles.id", ondelete="CASCADE"), nullable=False),
    Column("text", Text, nullable=False),
    Column("created_at", UTCDateTime(), nullable=False),
    Index("ix_corrections_article_id", "article_id"),
)

related = Table(
    "related",
    metadata,
    Column("article_id", Integer, ForeignKey("articles.id", ondelete="CASCADE"), primary_key=True),
    Column("related_id", Integer, ForeignKey("articles.id", ondelete="CASCADE"), primary_key=True),
    Column("rank", Integer, nullable=False),
    Column("score", Float, nullable=False),
    Column("reasons", JSON, nullable=False, default=dict),
    Index("ix_related_related_id", "related_id"),
)

related_overrides = Table(
    "related_overrides",
    metadata,
    Column("article_id", Integer, ForeignKey("articles.id", ondelete="CASCADE"), primary_key=True),
    Column("related_id", Integer, ForeignKey("articles.id", ondelete="CASCADE"), primary_key=True),
    Column("kind", String(10), nullable=False),
    Column("position", Integer, nullable=False, default=0),
    Column("created_at", UTCDateTime(), nullable=False),
)

job_state = Table(
    "job_state",
    metadata,
    Column("name", String(100), primary_key=True),
    Column("state", JSON, nullable=False),
    Column("updated_at", UTCDateTime(), nullable=False),
)

# What changed on the site, for every process's page cache (migration 0007: triggers on
# the tables a page shows write it; ``scope`` is listing, content, related, weather or all).
page_purges = Table(
    "page_purges",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("article_id", Integer),
    Column("scope", String(16), nullable=False),
    sqlite_autoincrement=True,
)

# Related-list updates waiting for the process that holds the related job's lock
# (migration 0009; ``kind`` is refresh or withdraw).
related_queue = Table(
    "related_queue",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("article_id", Integer, nullable=False),
    Column("kind", String(10), nullable=False),
    Column("queued_at", UTCDateTime(), nullable=False),
    sqlite_autoincrement=True,
)

weather_observations = Table(
    "weather_observations",
    metadata,
    Column("location", String(MAX_NAME), primary_key=True),
    Column("city", String(MAX_NAME), nullable=False),
    Column("temperature_c", Float, nullable=False),
    Column("condition", String(40), nullable=False, default=""),
    Column("observed_at", UTCDateTime(), nullable=False),
    Column("fetched_at", UTCDateTime(), nullable=False),
    Column("provider", String(40), nullable=False),
    Column("attribution", String(MAX_NAME), nullable=False, default=""),
)

weather_locations = Table(
    "weather_locations",
    metadata,
    Column("location", String(MAX_NAME), primary_key=True),
    Column("city", String(MAX_NAME), nullable=False),
    Column("latitude", Float),
    Column("longitude", Float),
    Column("is_default", Boolean, nullable=False, default=False),
    Column("chosen_at", UTCDateTime(), nullable=False),
    Column("lease_until", UTCDateTime()),
    Column("last_error", Text, nullable=False, default=""),
)

weather_provider_state = Table(
    "weather_provider_state",
    metadata,
    Column(
        "location",
        String(MAX_NAME),
        ForeignKey("weather_locations.location", ondelete="CASCADE"),
        primary_key=True,
    ),
    Column("provider", String(40), primary_key=True),
    Column("failures", Integer, nullable=False, default=0),
    Column("next_attempt_at", UTCDateTime()),
    Column("last_attempt_at", UTCDateTime()),
    Column("last_success_at", UTCDateTime()),
    Column("last_error", Text, nullable=False, default=""),
    Column("last_modified", String(100), nullable=False, default=""),
)

sources = Table(
    "sources",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("url", String(MAX_URL), nullable=False, unique=True),
    Column("name", String(MAX_NAME), nullable=False),
    Column("section_slug", String(MAX_SLUG), nullable=False),
    Column("interval_minutes", Integer, nullable=False),
    Column("full_text", Boolean, nullable=False, default=False),
    Column("auto_publish", Boolean, nullable=False, default=False),
    Column("category_sections", JSON, nullable=False),
    Column("created_at", UTCDateTime(), nullable=False),
    Column("etag", String(MAX_URL), nullable=False, default=""),
    Column("last_modified", String(100), nullable=False, default=""),
    Column("last_polled_at", UTCDateTime()),
    Column("last_success_at", UTCDateTime()),
    Column("last_error", Text, nullable=False, default=""),
    Column("last_error_at", UTCDateTime()),
    Column("failures", Integer, nullable=False, default=0),
    Column("items_taken", Integer, nullable=False, default=0),
    Column("next_poll_at", UTCDateTime(), nullable=False),
    Column("lease_owner", String(100), nullable=False, default=""),
    Column("lease_until", UTCDateTime()),
    Index("ix_sources_next_poll_at", "next_poll_at"),
)

# every item an ingest took, by its identity: the article it became (``primary``), the
# article it is a copy of (``alternate``), or the article of the same page (``alias``)
ingest_items = Table(
    "ingest_items",
    metadata,
    Column("uid", String(MAX_URL), primary_key=True),
    Column("article_id", Integer, ForeignKey("articles.id", ondelete="CASCADE"), nullable=False),
    Column("source_id", Integer, ForeignKey("sources.id", ondelete="SET NULL")),
    Column("role", String(10), nullable=False),
    Column("url", String(MAX_URL), nullable=False, default=""),
    Column("publisher", String(MAX_NAME), nullable=False, default=""),
    Column("headline", String(MAX_HEADLINE), nullable=False, default=""),
    Column("published_at", UTCDateTime()),
    Column("seen_at", UTCDateTime(), nullable=False),
    Index("ix_ingest_items_article_id", "article_id"),
    Index("ix_ingest_items_url", "url"),
)

# MinHash signatures of ingested articles, and their LSH band keys for the lookup
article_fingerprints = Table(
    "article_fingerprints",
    metadata,
    Column(
        "article_id",
        Integer,
        ForeignKey("articles.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    Column("signature", LargeBinary, nullable=False),
    # its band keys (those of its ``article_bands`` rows), which the trigger deleting
    # those rows with it reads: the rows need no index by article (migration 0017)
    Column("band_keys", BandKeys(), nullable=False),
)

article_bands = Table(
    "article_bands",
    metadata,
    Column("key", BigInteger, nullable=False),
    # no foreign key: a key's check for each of an article's 42 rows cost PostgreSQL more
    # than the inserts; the rows are written and deleted with their fingerprint, and a
    # trigger deletes them by their keys when it goes (migrations 0013 and 0017)
    Column("article_id", Integer, nullable=False),
    # on SQLite the primary key is the table (one tree less to write); PostgreSQL has a
    # hash index on ``key`` instead, cheaper to write and to probe (migration 0018)
    PrimaryKeyConstraint("key", "article_id"),
    sqlite_with_rowid=False,
)

users = Table(
    "users",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("email", String(MAX_NAME), nullable=False, unique=True),
    Column("name", String(MAX_NAME), nullable=False),
    Column("role", String(20), nullable=False),
    Column("password_hash", String(200), nullable=False),
    Column("disabled", Boolean, nullable=False, default=False),
    Column("created_at", UTCDateTime(), nullable=False),
    Column("sessions_valid_after", UTCDateTime()),
)

# a signed-in browser: the SHA-256 of its cookie's token, never the token itself
sessions = Table(
    "sessions",
    metadata,
    Column("token_hash", String(64), primary_key=True),
    Column("user_id", Integer, ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
    Column("csrf_token", String(64), nullable=False),
    Column("created_at", UTCDateTime(), nullable=False),
    Column("expires_at", UTCDateTime(), nullable=False),
    Index("ix_sessions_user_id", "user_id"),
)

login_failures = Table(
    "login_failures",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("email", String(MAX_NAME), nullable=False),
    Column("address", String(100), nullable=False),
    Column("failed_at", UTCDateTime(), nullable=False),
    Index("ix_login_failures_email_address_failed_at", "email", "address", "failed_at"),
)

audit_log = Table(
    "audit_log",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("at", UTCDateTime(), nullable=False),
    Column("user_id", Integer, ForeignKey("users.id", ondelete="SET NULL")),
    Column("user_email", String(MAX_NAME), nullable=False, default=""),
    Column("action", String(40), nullable=False),
    Column("article_id", Integer, ForeignKey("articles.id", ondelete="SET NULL")),
    Column("detail", Text, nullable=False, default=""),
    Index("ix_audit_log_article_id", "article_id"),
    Index("ix_audit_log_at", "at"),
)

# every saved version of an article in the editor, whole, for the diff and restore
revisions = Table(
    "revisions",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("article_id", Integer, ForeignKey("articles.id", ondelete="CASCADE"), nullable=False),
    Column("number", Integer, nullable=False),
    Column("user_id", Integer, ForeignKey("users.id", ondelete="SET NULL")),
    Column("created_at", UTCDateTime(), nullable=False),
    Column("snapshot", JSON, nullable=False),
    Column("autosave", Boolean, nullable=False, default=False),
    UniqueConstraint("article_id", "number"),
)

# who has an article open in the editor, refreshed while they edit
article_editors = Table(
    "article_editors",
    metadata,
    Column("article_id", Integer, ForeignKey("articles.id", ondelete="CASCADE")),
    Column("user_id", Integer, ForeignKey("users.id", ondelete="CASCADE")),
    Column("seen_at", UTCDateTime(), nullable=False),
    PrimaryKeyConstraint("article_id", "user_id"),
)

# The full-text index of published articles (migration 0006) has a form of its own on
# each database, which this metadata cannot declare: on SQLite the FTS5 table
# ``articles_search`` (its ``_data``, ``_idx``, ``_docsize`` and ``_config`` shadow
# tables), the narrow table of filters ``article_search`` (migration 0011) and the
# triggers on ``articles`` that keep them in step; on PostgreSQL the table
# ``article_search`` (migration 0008), its key and indexes, and its trigger.
# Comparisons of a database with this metadata leave them out through
# ``in_schema_of_record``.
SEARCH_INDEX_OBJECTS = frozenset(
    {
        "articles_search",
        "articles_search_data",
        "articles_search_idx",
        "articles_search_docsize",
        "articles_search_config",
        "article_search",
        "pk_article_search",
        "ix_article_search_vector",
        "ix_article_search_words",
        "ix_article_search_section_id",
        "ix_article_search_published_at",
    }
)


# PostgreSQL's own way to an object of the record: the hash index through which it finds
# ``article_bands`` rows by key, where SQLite's table is its primary key (migration 0018)
POSTGRES_ONLY_OBJECTS = frozenset({"ix_article_bands_key"})


def in_schema_of_record(name: str | None, type_: str, parent_names: object) -> bool:
    """Alembic's ``include_name`` hook: False for the search index's own objects and
    PostgreSQL's own indexes."""
    return name not in SEARCH_INDEX_OBJECTS and name not in POSTGRES_ONLY_OBJECTS


__all__ = [
    "POSTGRES_ONLY_OBJECTS",
    "SEARCH_INDEX_OBJECTS",
    "in_schema_of_record",
    "article_editors",
    "audit_log",
    "login_failures",
    "revisions",
    "sessions",
    "users",
    "article_authors",
    "article_bands",
    "article_fingerprints",
    "article_topics",
    "articles",
    "authors",
    "corrections",
    "ingest_items",
    "job_state",
    "metadata",
    "related",
    "related_overrides",
    "sections",
    "sources",
    "topics",
    "weather_locations",
    "weather_observations",
    "weather_provider_state",
]
