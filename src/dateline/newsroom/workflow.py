"""The publishing workflow: what each role may do to an article in each state, and doing it.

States: draft → submitted → published, with scheduled (a time to publish), unpublished,
and rejected (an ingested item turned down). Contributors write, edit and submit their
own drafts; editors do everything to any article. Every action here checks the role
(``NotAllowed``), changes the store, goes through ``publish`` when readers see a change,
and is written to the audit log.
"""

from __future__ import annotations

from datetime import datetime

from dateline import publish as publishing
from dateline.model import Article, DatelineError, NotAllowed, NotFound, Permission, Status, User
from dateline.store import Store

EDITABLE_BY_OWNER = frozenset({Status.DRAFT, Status.SUBMITTED})


def can_edit(user: User, article: Article, created_by: int | None) -> bool:
    """Editors edit anything; a contributor only their own draft or submitted article."""
    if user.can(Permission.EDIT_ANY):
        return True
    return (
        user.can(Permission.WRITE)
        and created_by is not None
        and created_by == user.id
        and article.status in EDITABLE_BY_OWNER
    )


def actions(user: User, article: Article | None, created_by: int | None) -> list[str]:
    """The buttons the editor shows this user for this article (the server checks again)."""
    if article is None:
        return ["save"] + (["publish"] if user.can(Permission.PUBLISH) else [])
    if not can_edit(user, article, created_by):
        return []
    shown = ["save"]
    if article.status is Status.DRAFT:
        shown.append("submit")
    if user.can(Permission.PUBLISH):
        if article.status is not Status.PUBLISHED:
            shown += ["publish", "schedule"]
        else:
            shown += ["unpublish", "schedule"]
    if user.can(Permission.CORRECT) and article.status is Status.PUBLISHED:
        shown.append("correct")
    return shown


def _article(store: Store, article_id: int) -> Article:
    article = store.article(article_id)
    if article is None:
        raise NotFound(f"no article {article_id}")
    return article


def _require(user: User, permission: Permission, what: str) -> None:
    if not user.can(permission):
        raise NotAllowed(f"a {user.role.value} cannot {what}")


def submit(store: Store, user: User, article_id: int, now: datetime) -> None:
    """Hand a draft to the editors."""
    article = _article(store, article_id)
    state = store.editor_state(article_id)
    if not can_edit(user, article, state.created_by if state else None):
        raise NotAllowed("only its author or an editor can submit this article")
    if article.status is not Status.DRAFT:
        raise DatelineError(f"only a draft can be submitted (this one is {article.status})")
    store.set_article_status(article_id, Status.SUBMITTED, user, now)


def publish_now(store: Store, user: User, article_id: int, now: datetime) -> None:
    """Publish at once, through the one publish path; a pending schedule is dropped."""
    _require(user, Permission.PUBLISH, "publish")
    article = _article(store, article_id)
    if article.status is Status.REJECTED:
        raise DatelineError("a rejected item cannot be published")
    publishing.publish(store, [article_id], now)
    state = store.editor_state(article_id)
    if state is not None and state.publish_at is not None:  # published early: drop the time
        store.set_schedule(article_id, None, state.unpublish_at, user, now)
    store.audit(user, "publish", article_id, now)


def unpublish(store: Store, user: User, article_id: int, now: datetime) -> None:
    """Take a published article off the site (and out of every list)."""
    _require(user, Permission.PUBLISH, "unpublish")
    article = _article(store, article_id)
    if article.status is not Status.PUBLISHED:
        raise DatelineError("only a published article can be unpublished")
    publishing.unpublish(store, article_id)
    store.set_schedule(article_id, None, None, user, now)
    store.audit(user, "unpublish", article_id, now)


def schedule(
    store: Store,
    user: User,
    article_id: int,
    publish_at: datetime | None,
    unpublish_at: datetime | None,
    now: datetime,
) -> None:
    """Set the times to publish and to unpublish; both must be in the future.

    An unpublished or draft article with a publish time becomes scheduled; a published
    one can only be given a time to come down.
    """
    _require(user, Permission.PUBLISH, "schedule")
    article = _article(store, article_id)
    for label, when in (("publish", publish_at), ("unpublish", unpublish_at)):
        if when is not None and when <= now:
            raise DatelineError(f"the time to {label} is in the past: choose a later one")
    if publish_at and unpublish_at and unpublish_at <= publish_at:
        raise DatelineError("the time to unpublish must come after the time to publish")
    if article.status is Status.PUBLISHED:
        if publish_at is not None:
            raise DatelineError("the article is already published: only a time to unpublish")
        store.set_schedule(article_id, None, unpublish_at, user, now)
        return
    if publish_at is None:
        raise DatelineError("choose a time to publish")
    if article.status is Status.REJECTED:
        raise DatelineError("a rejected item cannot be scheduled")
    store.set_schedule(article_id, publish_at, unpublish_at, user, now)
    store.set_article_status(article_id, Status.SCHEDULED, user, now)


def correct(store: Store, user: User, article_id: int, text: str, now: datetime) -> None:
    """Append a public correction to a published article; its updated time becomes now."""
    _require(user, Permission.CORRECT, "correct articles")
    text = " ".join(text.split())
    if not text:
        raise DatelineError("a correction needs its text")
    if len(text) > 2000:
        raise DatelineError("a correction is at most 2,000 characters")
    article = _article(store, article_id)
    if article.status is not Status.PUBLISHED:
        raise DatelineError("only a published article takes a public correction")
    store.add_correction(article_id, text, now)
    publishing.publish(store, [article_id], now)  # what shows it is refreshed
    store.audit(user, "correct", article_id, now, text)


def review(store: Store, user: User, article_id: int, approve: bool, now: datetime) -> None:
    """Approve (publish as is) or reject an ingested item waiting in review."""
    _require(user, Permission.REVIEW, "review ingested items")
    if article_id not in store.review_queue(10_000):
        raise DatelineError(f"article {article_id} is not waiting in the review queue")
    if approve:
        publish_now(store, user, article_id, now)
    else:
        store.reject(article_id)
        store.audit(user, "reject", article_id, now)
