"""One dataclass per newsroom template: what each page of ``/newsroom/`` is given.

Every page carries a ``Chrome``: the site's name, who is signed in, and the CSRF token its
forms post back.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from markupsafe import Markup

from dateline.model import Article, RelatedLink, Section, Status, User
from dateline.store import AuditEntry, NewsroomEntry, Revision


@dataclass(frozen=True)
class Chrome:
    """The frame of every newsroom page: header, navigation, sign-out forms."""

    site_name: str
    user: User | None
    csrf_token: str = field(metadata={"help": "The token every POST form of the page carries"})
    can_review: bool = False
    can_audit: bool = False


@dataclass(frozen=True)
class LoginContext:
    chrome: Chrome
    email: str = ""
    error: str = ""
    notice: str = ""
    next: str = field(default="", metadata={"help": "Where to go after signing in"})
    kept: list[tuple[str, str]] = field(
        default_factory=list,
        metadata={"help": "The editor's unsaved fields, carried through the sign-in"},
    )


@dataclass(frozen=True)
class ForbiddenContext:
    chrome: Chrome
    message: str


@dataclass(frozen=True)
class ListFilters:
    """The article list's GET form, as the user filled it in."""

    status: str = ""
    section: str = ""
    author: str = ""
    since: str = ""
    until: str = ""
    q: str = ""


@dataclass(frozen=True)
class ListContext:
    chrome: Chrome
    entries: list[NewsroomEntry]
    total: int
    filters: ListFilters
    sections: list[Section]
    statuses: list[Status]
    section_names: dict[str, str]
    creators: dict[int, str] = field(metadata={"help": "Newsroom user names by id"})
    page: int = 1
    pages: int = 1
    previous_url: str = ""
    next_url: str = ""
    error: str = ""


@dataclass(frozen=True)
class EditorContext:
    """The editor: the form, what the user may do, and what the page must warn about."""

    chrome: Chrome
    article: Article | None = field(metadata={"help": "The stored article; None when new"})
    form_action: str
    values: dict[str, str]
    errors: dict[str, str]
    lock_version: int
    actions: list[str]
    sections: list[Section]
    publish_at: str = ""
    unpublish_at: str = ""
    correction: str = ""
    timezone: str = "UTC"
    message: str = field(default="", metadata={"help": "An error for the whole form"})
    notice: str = ""
    conflict: dict[str, str] | None = field(
        default=None, metadata={"help": "The saved version's fields, after an edit conflict"}
    )
    others: list[str] = field(default_factory=list)
    audit: list[AuditEntry] = field(default_factory=list)
    autosave_url: str = ""
    scheduled: tuple[datetime | None, datetime | None] = (None, None)
    can_related: bool = False


@dataclass(frozen=True)
class RevisionRow:
    revision: Revision
    who: str


@dataclass(frozen=True)
class RevisionsContext:
    chrome: Chrome
    article: Article
    rows: list[RevisionRow]


@dataclass(frozen=True)
class FieldDiff:
    label: str
    html: Markup
    changed: bool


@dataclass(frozen=True)
class RevisionDiffContext:
    chrome: Chrome
    article: Article
    row: RevisionRow
    fields: list[FieldDiff]
    can_restore: bool


@dataclass(frozen=True)
class ReviewItem:
    article: Article
    publisher: str
    alternates: int


@dataclass(frozen=True)
class ReviewContext:
    chrome: Chrome
    items: list[ReviewItem]
    notice: str = ""
    error: str = ""


@dataclass(frozen=True)
class OverrideEntry:
    article_id: int
    headline: str


@dataclass(frozen=True)
class RelatedContext:
    chrome: Chrome
    article: Article
    links: list[RelatedLink]
    pins: list[OverrideEntry]
    excluded: list[OverrideEntry]
    message: str = ""
    notice: str = ""


@dataclass(frozen=True)
class AuditContext:
    chrome: Chrome
    entries: list[AuditEntry]
    article_id: int | None = None
