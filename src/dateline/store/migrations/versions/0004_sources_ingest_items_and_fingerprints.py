"""sources, ingest items and article fingerprints

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-26
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "sources",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("url", sa.String(length=2000), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("section_slug", sa.String(length=100), nullable=False),
        sa.Column("interval_minutes", sa.Integer(), nullable=False),
        sa.Column("full_text", sa.Boolean(), nullable=False),
        sa.Column("auto_publish", sa.Boolean(), nullable=False),
        sa.Column("category_sections", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("etag", sa.String(length=2000), nullable=False),
        sa.Column("last_modified", sa.String(length=100), nullable=False),
        sa.Column("last_polled_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_success_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=False),
        sa.Column("last_error_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.Column("items_taken", sa.Integer(), nullable=False),
        sa.Column("next_poll_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("lease_owner", sa.String(length=100), nullable=False),
        sa.Column("lease_until", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sources")),
        sa.UniqueConstraint("url", name=op.f("uq_sources_url")),
    )
    op.create_index(op.f("ix_sources_next_poll_at"), "sources", ["next_poll_at"])
    op.create_table(
        "ingest_items",
        sa.Column("uid", sa.String(length=2000), nullable=False),
        sa.Column("article_id", sa.Integer(), nullable=False),
        sa.Column("source_id", sa.Integer(), nullable=True),
        sa.Column("role", sa.String(length=10), nullable=False),
        sa.Column("url", sa.String(length=2000), nullable=False),
        sa.Column("publisher", sa.String(length=200), nullable=False),
        sa.Column("headline", sa.String(length=300), nullable=False),
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("seen_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["article_id"],
            ["articles.id"],
            name=op.f("fk_ingest_items_article_id_articles"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["source_id"],
            ["sources.id"],
            name=op.f("fk_ingest_items_source_id_sources"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("uid", name=op.f("pk_ingest_items")),
    )
    op.create_index(op.f("ix_ingest_items_article_id"), "ingest_items", ["article_id"])
    op.create_index(op.f("ix_ingest_items_url"), "ingest_items", ["url"])
    op.create_table(
        "article_fingerprints",
        sa.Column("article_id", sa.Integer(), nullable=False),
        sa.Column("signature", sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(
            ["article_id"],
            ["articles.id"],
            name=op.f("fk_article_fingerprints_article_id_articles"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("article_id", name=op.f("pk_article_fingerprints")),
    )
    op.create_table(
        "article_bands",
        sa.Column("key", sa.BigInteger(), nullable=False),
        sa.Column("article_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["article_id"],
            ["articles.id"],
            name=op.f("fk_article_bands_article_id_articles"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("key", "article_id", name=op.f("pk_article_bands")),
    )
    op.create_index(op.f("ix_article_bands_article_id"), "article_bands", ["article_id"])


def downgrade() -> None:
    op.drop_index(op.f("ix_article_bands_article_id"), table_name="article_bands")
    op.drop_table("article_bands")
    op.drop_table("article_fingerprints")
    op.drop_index(op.f("ix_ingest_items_url"), table_name="ingest_items")
    op.drop_index(op.f("ix_ingest_items_article_id"), table_name="ingest_items")
    op.drop_table("ingest_items")
    op.drop_index(op.f("ix_sources_next_poll_at"), table_name="sources")
    op.drop_table("sources")
