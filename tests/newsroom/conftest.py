"""A newsroom: sections, authors known by name, and one account of each role."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime

import pytest

from dateline.model import Role, Section, User
from dateline.newsroom.accounts import create_user
from dateline.store import Store

PASSWORD = "correct horse battery"


@dataclass
class Desk:
    store: Store
    contributor: User
    other_contributor: User
    editor: User
    admin: User


@pytest.fixture
def desk(store: Store) -> Iterator[Desk]:
    now = datetime.now(UTC)
    store.save_section(Section(slug="news", name="News"))
    store.save_section(Section(slug="world", name="World"))
    yield Desk(
        store,
        create_user(store, "rita@example.org", "Rita Reporter", Role.CONTRIBUTOR, PASSWORD, now),
        create_user(store, "carl@example.org", "Carl Contributor", Role.CONTRIBUTOR, PASSWORD, now),
        create_user(store, "eddie@example.org", "Eddie Editor", Role.EDITOR, PASSWORD, now),
        create_user(store, "ada@example.org", "Ada Admin", Role.ADMIN, PASSWORD, now),
    )
