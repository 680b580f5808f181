"""The editor: write, preview, save and act on one article.

A POST carries the form, the ``lock_version`` it was opened on and the button pressed
(``action``). Preview renders the unsaved article with the public article template and
saves nothing. Every other action first saves the form ("Save" always; the others when
it differs from the stored text) through ``store.save_draft`` (a revision and an audit
entry; ``EditConflict`` when someone saved meanwhile), then does what the button says
through ``workflow``, which checks the role again. Form errors, a conflict or a refused
action show the editor again with the user's text in it; success redirects to the editor
(post/redirect/get).

Autosave (the page's script, every 20 s when the text changed) saves a draft as an
autosave revision and answers JSON with the new ``lock_version``; for a new article it
creates the draft as soon as the form is valid and answers with its URL.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response

from dateline import publish as publishing
from dateline.model import (
    Article,
    DatelineError,
    EditConflict,
    NotAllowed,
    NotFound,
    Permission,
    Status,
)
from dateline.newsroom import workflow
from dateline.newsroom.accounts import Session
from dateline.newsroom.editor import EditorForm, FormErrors, build_article, form_of, parse_when
from dateline.store import EditorState, Store
from dateline.web.contexts import ArticleContext
from dateline.web.newsroom_auth import now
from dateline.web.views.common import render, site_context, site_state, store_of
from dateline.web.views.newsroom_contexts import EditorContext
from dateline.web.views.newsroom_login import keep_text
from dateline.web.views.newsroom_page import chrome, page, require, show

PRESENCE = timedelta(minutes=2)
MAX_ID = 2**31 - 1  # larger numbers in a URL name no article (and overflow the column)
ACTION_PERMISSION = {
    "save": Permission.WRITE,
    "submit": Permission.WRITE,
    "publish": Permission.PUBLISH,
    "schedule": Permission.PUBLISH,
    "unpublish": Permission.PUBLISH,
    "correct": Permission.CORRECT,
}
DONE = {
    "save": "Saved.",
    "submit": "Saved and submitted to the editors.",
    "publish": "Published.",
    "schedule": "Saved; the schedule is set.",
    "unpublish": "Unpublished: the article is off the site.",
    "correct": "The correction is published.",
}
RESTORED = "Your unsaved text was kept: review it and save."


def editor_path(article_id: int | None) -> str:
    return f"/newsroom/articles/{article_id}" if article_id else "/newsroom/articles/new"


def load(store: Store, article_id: int) -> tuple[Article, EditorState]:
    if not 0 < article_id < MAX_ID:
        raise NotFound(f"no article {article_id}")
    article = store.article(article_id)
    state = store.editor_state(article_id)
    if article is None or state is None:
        raise NotFound(f"no article {article_id}")
    return article, state


def check_can_edit(session: Session, article: Article, state: EditorState) -> None:
    if not workflow.can_edit(session.user, article, state.created_by):
        raise NotAllowed(
            f"a {session.user.role.value} can only edit their own drafts and submitted "
            f"articles (this one is {article.status.value})"
        )


def _local_input(when: datetime | None, request: Request) -> str:
    """A stored time as a ``datetime-local`` value in the site's time zone."""
    if when is None:
        return ""
    return when.astimezone(site_state(request).settings.tz).strftime("%Y-%m-%dT%H:%M")


def _version(raw: object) -> int | None:
    try:
        return int(str(raw))
    except ValueError:
        return None


def render_editor(
    request: Request,
    session: Session,
    article_id: int | None,
    values: dict[str, str],
    *,
    errors: dict[str, str] | None = None,
    message: str = "",
    notice: str = "",
    conflict: dict[str, str] | None = None,
    lock_version: int | None = None,
    schedule: tuple[str, str] | None = None,
    correction: str = "",
    status_code: int = 200,
) -> Response:
    """The editor page for ``article_id`` (None: a new article) showing ``values``."""
    store = store_of(request)
    user = session.user
    article, state = load(store, article_id) if article_id else (None, None)
    others: list[str] = []
    if article_id is not None and user.id is not None:
        ids = store.other_editors(article_id, user.id, now() - PRESENCE)
        others = sorted(u.name for i in ids if (u := store.user(i)) is not None)
    created_by = state.created_by if state else user.id
    published = article is not None and article.status is Status.PUBLISHED
    if schedule is None:
        schedule = (
            _local_input(state.publish_at if state else None, request),
            _local_input(state.unpublish_at if state else None, request),
        )
    context = EditorContext(
        chrome=chrome(request, session),
        article=article,
        form_action=editor_path(article_id),
        values={**EditorForm().snapshot(), **values},
        errors=errors or {},
        lock_version=lock_version if lock_version is not None else _stored_version(state),
        actions=workflow.actions(user, article, created_by),
        sections=store.sections(),
        publish_at=schedule[0],
        unpublish_at=schedule[1],
        correction=correction,
        timezone=site_state(request).settings.timezone,
        message=message,
        notice=notice,
        conflict=conflict,
        others=others,
        audit=store.audit_entries(article_id, limit=50) if article_id else [],
        autosave_url="" if published else editor_path(article_id) + "/autosave",
        scheduled=(state.publish_at, state.unpublish_at) if state else (None, None),
        can_related=article is not None and user.can(Permission.RELATED),
    )
    return show(request, "editor.html", context, status_code=status_code)


def restored(
    request: Request, session: Session, article_id: int | None, kept: dict[str, str]
) -> Response:
    """The editor showing text carried through a sign-in: nothing saved yet."""
    if article_id is not None:
        article, state = load(store_of(request), article_id)
        check_can_edit(session, article, state)
    else:
        require(session, Permission.WRITE)
    return render_editor(
        request,
        session,
        article_id,
        EditorForm.of(kept).values,
        notice=RESTORED,
        lock_version=_version(kept.get("lock_version", "")),
        schedule=(kept.get("publish_at", ""), kept.get("unpublish_at", "")),
        correction=kept.get("correction", ""),
    )


def _preview(request: Request, draft: Article) -> Response:
    """The unsaved article exactly as its public page will show it."""
    site = site_context(request)
    shown = replace(draft, published_at=draft.published_at or now())
    context = ArticleContext(
        site=site,
        article=shown,
        related=[],
        recent=[],
        canonical_url=shown.canonical_url or site.url + shown.path,
    )
    response = render(request, "article.html", context)
    response.headers["X-Robots-Tag"] = "noindex"
    return response


async def _new(request: Request, session: Session) -> Response:
    require(session, Permission.WRITE)
    if request.method == "POST":
        return await _post(request, session, None)
    sections = store_of(request).sections()
    values = {"bylines": session.user.name, "section": sections[0].slug if sections else ""}
    return render_editor(request, session, None, values)


async def _edit(request: Request, session: Session) -> Response:
    store = store_of(request)
    article_id = int(request.path_params["id"])
    article, state = load(store, article_id)
    check_can_edit(session, article, state)
    assert session.user.id is not None
    store.touch_editor(article_id, session.user.id, now())
    if request.method == "POST":
        return await _post(request, session, (article, state))
    done = DONE.get(request.query_params.get("done", ""), "")
    return render_editor(
        request, session, article_id, form_of(article, state.markdown).values, notice=done
    )


async def _post(
    request: Request, session: Session, existing: tuple[Article, EditorState] | None
) -> Response:
    form = await request.form()
    store = store_of(request)
    user = session.user
    editor_form = EditorForm.of(form)
    article, state = existing if existing else (None, None)
    action = str(form.get("action", "save") or "save")
    posted = (str(form.get("publish_at", "")), str(form.get("unpublish_at", "")))
    correction = str(form.get("correction", "") or "")

    def again(**options: Any) -> Response:
        """The editor again with the user's text as posted (nothing was saved)."""
        return render_editor(
            request,
            session,
            article.id if article else None,
            editor_form.values,
            schedule=posted,
            correction=correction,
            lock_version=_version(form.get("lock_version", "")),
            **options,
        )

    if action == "preview":
        try:
            draft, _ = build_article(store, editor_form, article)
        except FormErrors as exc:
            return again(errors=exc.errors, message=_nothing_saved(), status_code=422)
        return _preview(request, draft)
    if action not in ACTION_PERMISSION:
        return again(message=f"unknown action {action!r}", status_code=400)
    require(session, ACTION_PERMISSION[action])
    created_by = state.created_by if state else user.id
    if action not in workflow.actions(user, article, created_by):
        status = article.status.value if article else "new"
        message = f"this article cannot be given “{action}” now (it is {status})"
        return again(message=message, status_code=400)
    times: tuple[datetime | None, datetime | None] = (None, None)
    if action == "schedule":
        try:
            times = (parse_when(posted[0], _tz(request)), parse_when(posted[1], _tz(request)))
        except DatelineError as exc:
            return again(message=f"Nothing was saved: {exc}", status_code=400)
    try:
        article_id, changed = _save(store, session, form, editor_form, article, state, action)
    except FormErrors as exc:
        return again(errors=exc.errors, message=_nothing_saved(), status_code=422)
    except EditConflict as exc:
        assert article is not None and article.id is not None
        current, current_state = load(store, article.id)
        return render_editor(
            request,
            session,
            article.id,
            editor_form.values,
            message=str(exc),
            conflict=form_of(current, current_state.markdown).values,
            lock_version=current_state.lock_version,
            schedule=posted,
            correction=correction,
            status_code=409,
        )
    try:
        _act(store, session, action, article_id, times, correction)
    except NotAllowed:
        raise  # the 403 page
    except DatelineError as exc:
        prefix = "Saved, but: " if changed else ""
        return render_editor(
            request,
            session,
            article_id,
            editor_form.values,
            message=prefix + str(exc),
            schedule=posted,
            correction=correction,
            status_code=400,
        )
    return RedirectResponse(f"{editor_path(article_id)}?done={action}", status_code=303)


def _stored_version(state: EditorState | None) -> int:
    return state.lock_version if state else 0


def _nothing_saved() -> str:
    return "Nothing was saved: correct the fields marked below."


def _tz(request: Request) -> ZoneInfo:
    return site_state(request).settings.tz


def _save(
    store: Store,
    session: Session,
    form: FormData,
    editor_form: EditorForm,
    article: Article | None,
    state: EditorState | None,
    action: str,
) -> tuple[int, bool]:
    """Save the form: ``(article id, saved?)``.

    "Save" always saves (a real revision, after any autosaves); the other buttons save
    only what differs from the stored text, so publishing adds no empty revision.
    """
    if action != "save" and article is not None and state is not None and article.id:
        if editor_form.snapshot() == form_of(article, state.markdown).snapshot():
            return article.id, False
    draft, markdown = _built(store, editor_form, article)
    expected = _version(form.get("lock_version", "")) if article is not None else None
    article_id, _ = store.save_draft(
        draft,
        markdown,
        session.user,
        expected,
        now(),
        editor_form.snapshot(),
        "create" if article is None else "save",
    )
    if article is not None and article.status is Status.PUBLISHED:
        publishing.publish(store, [article_id], now())  # readers see the change; lists follow
    return article_id, True


def _built(store: Store, form: EditorForm, article: Article | None) -> tuple[Article, str]:
    """``build_article``; a new article is dated now (the list's date filters use it)."""
    draft, markdown = build_article(store, form, article)
    return (replace(draft, version_at=now()) if article is None else draft), markdown


def _act(
    store: Store,
    session: Session,
    action: str,
    article_id: int,
    times: tuple[datetime | None, datetime | None],
    correction: str,
) -> None:
    user = session.user
    when = now()
    if action == "submit":
        workflow.submit(store, user, article_id, when)
    elif action == "publish":
        workflow.publish_now(store, user, article_id, when)
    elif action == "schedule":
        workflow.schedule(store, user, article_id, times[0], times[1], when)
    elif action == "unpublish":
        workflow.unpublish(store, user, article_id, when)
    elif action == "correct":
        workflow.correct(store, user, article_id, correction, when)


async def _autosave(request: Request, session: Session) -> Response:
    form = await request.form()
    store = store_of(request)
    editor_form = EditorForm.of(form)
    raw_id = request.path_params.get("id")
    article: Article | None = None
    if raw_id is None:
        require(session, Permission.WRITE)
    else:
        article, state = load(store, int(raw_id))
        check_can_edit(session, article, state)
        assert session.user.id is not None and article.id is not None
        store.touch_editor(article.id, session.user.id, now())
        if article.status is Status.PUBLISHED:
            message = "a published article is not autosaved: save it to change the page"
            return JSONResponse({"error": message}, status_code=422)
        if editor_form.snapshot() == form_of(article, state.markdown).snapshot():
            return JSONResponse({"lock_version": state.lock_version, "saved": False})
    try:
        draft, markdown = _built(store, editor_form, article)
    except FormErrors as exc:
        return JSONResponse(
            {"error": "not autosaved: some fields need correcting", "errors": exc.errors},
            status_code=422,
        )
    expected = _version(form.get("lock_version", "")) if article is not None else None
    try:
        article_id, version = store.save_draft(
            draft, markdown, session.user, expected, now(), editor_form.snapshot(), "autosave", True
        )
    except EditConflict as exc:
        return JSONResponse({"error": str(exc)}, status_code=409)
    answer: dict[str, object] = {"lock_version": version, "saved": True}
    if article is None:
        assert session.user.id is not None
        store.audit(session.user, "create", article_id, now(), "autosave")
        store.touch_editor(article_id, session.user.id, now())
        answer.update(
            id=article_id,
            url=editor_path(article_id),
            autosave_url=editor_path(article_id) + "/autosave",
        )
    return JSONResponse(answer)


new_article = page(_new, expired=keep_text)
edit_article = page(_edit, expired=keep_text)
autosave = page(_autosave, json=True)
