"""The editor's rules and the workflow: roles, states, schedules, corrections, conflicts."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from dateline.model import DatelineError, EditConflict, NotAllowed, Status, User
from dateline.newsroom import schedule, workflow
from dateline.newsroom.editor import MAX_BODY, EditorForm, FormErrors, build_article, form_of
from tests.newsroom.conftest import Desk

BODY = (
    "TEL AVIV — The talks resumed on Tuesday after a week of delays, officials said.\n\n"
    "Both delegations met for six hours.\n\n"
    "Alon Rom in Tel Aviv contributed to this report."
)


def form(**values: str) -> EditorForm:
    base = {
        "headline": "Talks resume",
        "body": BODY,
        "section": "news",
        "bylines": "Rita Reporter",
        "topics": "Diplomacy, Middle East",
    }
    base.update(values)
    return EditorForm.of(base)


def write(desk: Desk, user: User, **values: str) -> int:
    article, markdown = build_article(desk.store, form(**values), None)
    now = datetime.now(UTC)
    article_id, _ = desk.store.save_draft(
        article, markdown, user, None, now, form(**values).snapshot(), "create"
    )
    return article_id


def test_the_form_becomes_an_article_with_dateline_and_credit_line(desk: Desk) -> None:
    article, markdown = build_article(desk.store, form(), None)
    assert article.dateline == "TEL AVIV"
    assert article.credit_line == "Alon Rom in Tel Aviv contributed to this report."
    assert [b.html for b in article.body] == [
        "The talks resumed on Tuesday after a week of delays, officials said.",
        "Both delegations met for six hours.",
    ]
    assert [a.name for a in article.bylines] == ["Rita Reporter"]
    assert [t.slug for t in article.topics] == ["diplomacy", "middle-east"]
    assert article.status is Status.DRAFT and markdown == BODY


def test_bad_forms_are_refused_field_by_field(desk: Desk) -> None:
    with pytest.raises(FormErrors) as caught:
        build_article(
            desk.store,
            form(headline="  ", section="sport", bylines="Nobody Known", body="x" * (MAX_BODY + 1)),
            None,
        )
    errors = caught.value.errors
    assert errors["headline"] == "a headline is required"
    assert "unknown section 'sport'" in errors["section"]
    assert errors["bylines"] == "unknown author: Nobody Known"
    assert "over the limit" in errors["body"]


def test_a_stored_article_round_trips_through_the_form(desk: Desk) -> None:
    article_id = write(desk, desk.contributor)
    stored = desk.store.article(article_id)
    state = desk.store.editor_state(article_id)
    assert stored is not None and state is not None
    again, markdown = build_article(desk.store, form_of(stored, state.markdown), stored)
    assert (again.headline, again.dateline, again.credit_line) == (
        stored.headline,
        stored.dateline,
        stored.credit_line,
    )
    assert markdown == BODY


def test_contributors_write_and_submit_their_own_and_cannot_publish(desk: Desk) -> None:
    now = datetime.now(UTC)
    mine = write(desk, desk.contributor)
    article = desk.store.article(mine)
    assert article is not None
    assert workflow.actions(desk.contributor, article, desk.contributor.id) == ["save", "submit"]
    assert workflow.actions(desk.other_contributor, article, desk.contributor.id) == []
    assert "publish" in workflow.actions(desk.editor, article, desk.contributor.id)
    with pytest.raises(NotAllowed):
        workflow.publish_now(desk.store, desk.contributor, mine, now)
    with pytest.raises(NotAllowed):
        workflow.submit(desk.store, desk.other_contributor, mine, now)
    workflow.submit(desk.store, desk.contributor, mine, now)
    submitted = desk.store.article(mine)
    assert submitted is not None and submitted.status is Status.SUBMITTED
    workflow.publish_now(desk.store, desk.editor, mine, now)
    published = desk.store.article(mine)
    assert published is not None and published.status is Status.PUBLISHED
    assert mine in desk.store.published_ids()
    # once published, the contributor can no longer edit it
    assert not workflow.can_edit(desk.contributor, published, desk.contributor.id)
    actions = {e.action for e in desk.store.audit_entries(mine)}
    assert actions == {"create", "status:submitted", "publish"}


def test_two_editors_saving_at_once_the_second_is_told(desk: Desk) -> None:
    article_id = write(desk, desk.editor)
    state = desk.store.editor_state(article_id)
    assert state is not None
    opened = state.lock_version
    now = datetime.now(UTC)
    stored = desk.store.article(article_id)
    first, md1 = build_article(desk.store, form(headline="First editor's headline"), stored)
    desk.store.save_draft(first, md1, desk.editor, opened, now, {}, "save")
    second, md2 = build_article(desk.store, form(headline="Second editor's headline"), stored)
    with pytest.raises(EditConflict, match="someone else saved"):
        desk.store.save_draft(second, md2, desk.admin, opened, now, {}, "save")
    kept = desk.store.article(article_id)
    assert kept is not None and kept.headline == "First editor's headline"
    assert [r.number for r in desk.store.revisions(article_id)] == [2, 1]


def test_schedules_in_the_past_are_refused_and_due_ones_go_live_once(desk: Desk) -> None:
    now = datetime.now(UTC)
    article_id = write(desk, desk.editor)
    with pytest.raises(DatelineError, match="in the past"):
        workflow.schedule(
            desk.store, desk.editor, article_id, now - timedelta(minutes=1), None, now
        )
    with pytest.raises(NotAllowed):
        workflow.schedule(
            desk.store, desk.contributor, article_id, now + timedelta(hours=1), None, now
        )
    at = now + timedelta(minutes=10)
    down = now + timedelta(hours=2)
    workflow.schedule(desk.store, desk.editor, article_id, at, down, now)
    scheduled = desk.store.article(article_id)
    assert scheduled is not None and scheduled.status is Status.SCHEDULED
    assert schedule.run_due(desk.store, now) == ([], [])  # not yet
    assert schedule.run_due(desk.store, at + timedelta(seconds=1)) == ([article_id], [])
    assert schedule.run_due(desk.store, at + timedelta(seconds=2)) == ([], [])  # only once
    live = desk.store.article(article_id)
    assert live is not None and live.status is Status.PUBLISHED
    assert article_id in desk.store.published_ids()
    assert schedule.run_due(desk.store, down + timedelta(seconds=1)) == ([], [article_id])
    assert article_id not in desk.store.published_ids()
    actions = [e.action for e in desk.store.audit_entries(article_id)]
    assert "publish (scheduled)" in actions and "unpublish (scheduled)" in actions


def test_corrections_are_public_and_change_the_updated_time(desk: Desk) -> None:
    now = datetime.now(UTC)
    article_id = write(desk, desk.editor)
    with pytest.raises(DatelineError, match="only a published article"):
        workflow.correct(desk.store, desk.editor, article_id, "A fix.", now)
    workflow.publish_now(desk.store, desk.editor, article_id, now)
    with pytest.raises(NotAllowed):
        workflow.correct(desk.store, desk.contributor, article_id, "A fix.", now)
    later = now + timedelta(hours=1)
    workflow.correct(
        desk.store, desk.editor, article_id, "An earlier version misspelled a name.", later
    )
    article = desk.store.article(article_id)
    assert article is not None
    assert [c.text for c in article.corrections] == ["An earlier version misspelled a name."]
    assert article.updated_at == later
