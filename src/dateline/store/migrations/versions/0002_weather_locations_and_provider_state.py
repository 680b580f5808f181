"""weather locations and provider state

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-25
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "weather_locations",
        sa.Column("location", sa.String(length=200), nullable=False),
        sa.Column("city", sa.String(length=200), nullable=False),
        sa.Column("latitude", sa.Float(), nullable=True),
        sa.Column("longitude", sa.Float(), nullable=True),
        sa.Column("is_default", sa.Boolean(), nullable=False),
        sa.Column("chosen_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("lease_until", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("location", name=op.f("pk_weather_locations")),
    )
    op.create_table(
        "weather_provider_state",
        sa.Column("location", sa.String(length=200), nullable=False),
        sa.Column("provider", sa.String(length=40), nullable=False),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_attempt_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_success_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=False),
        sa.Column("last_modified", sa.String(length=100), nullable=False),
        sa.ForeignKeyConstraint(
            ["location"],
            ["weather_locations.location"],
            name=op.f("fk_weather_provider_state_location_weather_locations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("location", "provider", name=op.f("pk_weather_provider_state")),
    )


def downgrade() -> None:
    op.drop_table("weather_provider_state")
    op.drop_table("weather_locations")
