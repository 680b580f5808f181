"""related queue: the related-list updates waiting for the process that computes them

Publishing, unpublishing or an editor's pin queues the update of the related lists in the
same transaction (``kind``: ``refresh`` recomputes the article's list and the lists it
now belongs in; ``withdraw`` takes it out of every list). One process at a time holds the
related job's lock and applies the queue, so with several servers and workers on one
store the ranking's index is built and kept in that one process only.

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-26
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "related_queue",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("article_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("queued_at", sa.DateTime(timezone=True), nullable=False),
        sqlite_autoincrement=True,
    )


def downgrade() -> None:
    op.drop_table("related_queue")
