"""Newsroom accounts, their roles, and what each role may do.

Three roles, each allowed everything of the one before:

- **contributor**: writes drafts, edits and submits their own, previews;
- **editor**: edits any article, publishes, schedules, unpublishes, corrects, reviews
  ingested items, sets related overrides, reads the audit log;
- **admin**: manages users, sections, sources and settings.

``allowed(role, permission)`` is the one rule every server-side check asks.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime


class Role(enum.StrEnum):
    CONTRIBUTOR = "contributor"
    EDITOR = "editor"
    ADMIN = "admin"


class Permission(enum.StrEnum):
    WRITE = "write"  # create drafts; edit and submit one's own
    EDIT_ANY = "edit_any"
    PUBLISH = "publish"  # publish, schedule, unpublish
    CORRECT = "correct"
    REVIEW = "review"  # the ingest review queue
    RELATED = "related"  # related overrides
    AUDIT = "audit"
    ADMINISTER = "administer"  # users, sections, sources


_GRANTS: dict[Role, frozenset[Permission]] = {
    Role.CONTRIBUTOR: frozenset({Permission.WRITE}),
    Role.EDITOR: frozenset(
        {
            Permission.WRITE,
            Permission.EDIT_ANY,
            Permission.PUBLISH,
            Permission.CORRECT,
            Permission.REVIEW,
            Permission.RELATED,
            Permission.AUDIT,
        }
    ),
}
_GRANTS[Role.ADMIN] = _GRANTS[Role.EDITOR] | {Permission.ADMINISTER}


def allowed(role: Role, permission: Permission) -> bool:
    """Whether ``role`` carries ``permission``."""
    return permission in _GRANTS[role]


def allowed_roles(permission: Permission) -> set[Role]:
    """The roles that carry ``permission``."""
    return {role for role in Role if allowed(role, permission)}


@dataclass(frozen=True, slots=True)
class User:
    """A newsroom account. ``password_hash`` is an argon2id hash, never the password."""

    email: str
    name: str
    role: Role
    password_hash: str = ""
    disabled: bool = False
    created_at: datetime | None = None
    sessions_valid_after: datetime | None = None  # "log out everywhere" moves it
    id: int | None = None

    def can(self, permission: Permission) -> bool:
        return not self.disabled and allowed(self.role, permission)
