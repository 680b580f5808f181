"""An article's revisions: the list, one revision compared with the current text, restore.

The comparison goes field by field (``difflib``): lines first, then the words of the
lines that changed, every piece escaped, removals in ``<del>`` and additions in ``<ins>``.
Restoring loads the revision into the editor's form; saving it there makes a new
revision, so history is only ever added to.
"""

from __future__ import annotations

import difflib
import re

from markupsafe import Markup, escape
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response

from dateline.newsroom.accounts import Session
from dateline.newsroom.editor import FIELDS, form_of
from dateline.store import Revision, Store
from dateline.web.views.common import store_of
from dateline.web.views.newsroom_contexts import (
    FieldDiff,
    RevisionDiffContext,
    RevisionRow,
    RevisionsContext,
)
from dateline.web.views.newsroom_editor import check_can_edit, load, render_editor
from dateline.web.views.newsroom_page import chrome, page, show

LABELS = {
    "headline": "Headline",
    "deck": "Deck",
    "dateline": "Dateline",
    "body": "Body",
    "bylines": "Bylines",
    "credit_line": "Credit line",
    "section": "Section",
    "topics": "Topics",
    "image_url": "Image URL",
    "image_caption": "Image caption",
    "image_credit": "Image credit",
    "source_publisher": "Source publisher",
    "canonical_url": "Canonical URL",
}
_WORDS = re.compile(r"\s+|[^\s]+")
MAX_WORD_DIFF = 4000  # tokens per changed block compared word by word


def _pieces(opcodes_of: difflib.SequenceMatcher[str], old: list[str], new: list[str]) -> str:
    out: list[str] = []
    for tag, i1, i2, j1, j2 in opcodes_of.get_opcodes():
        removed = "".join(old[i1:i2])
        added = "".join(new[j1:j2])
        if tag == "equal":
            out.append(str(escape(removed)))
            continue
        if removed:
            out.append(f"<del>{escape(removed)}</del>")
        if added:
            out.append(f"<ins>{escape(added)}</ins>")
    return "".join(out)


def _words(old: str, new: str) -> str:
    a, b = _WORDS.findall(old), _WORDS.findall(new)
    if len(a) + len(b) > MAX_WORD_DIFF:
        return (f"<del>{escape(old)}</del>" if old else "") + (
            f"<ins>{escape(new)}</ins>" if new else ""
        )
    return _pieces(difflib.SequenceMatcher(None, a, b, autojunk=False), a, b)


def diff_html(old: str, new: str) -> Markup:
    """``old`` → ``new`` as escaped HTML with ``<del>`` and ``<ins>`` marks."""
    a, b = old.splitlines(keepends=True), new.splitlines(keepends=True)
    out: list[str] = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b).get_opcodes():
        if tag == "equal":
            out.append(str(escape("".join(a[i1:i2]))))
        else:
            out.append(_words("".join(a[i1:i2]), "".join(b[j1:j2])))
    return Markup("".join(out))


def _who(store: Store) -> dict[int, str]:
    return {u.id: u.name for u in store.users() if u.id is not None}


def _row(revision: Revision, names: dict[int, str]) -> RevisionRow:
    who = names.get(revision.user_id, "unknown") if revision.user_id is not None else "dateline"
    return RevisionRow(revision, who)


def _find(store: Store, article_id: int, number: int) -> Revision:
    for revision in store.revisions(article_id):
        if revision.number == number:
            return revision
    raise HTTPException(404)


async def _revisions(request: Request, session: Session) -> Response:
    store = store_of(request)
    article, state = load(store, int(request.path_params["id"]))
    check_can_edit(session, article, state)
    assert article.id is not None
    names = _who(store)
    rows = [_row(r, names) for r in store.revisions(article.id)]
    context = RevisionsContext(chrome=chrome(request, session), article=article, rows=rows)
    return show(request, "revisions.html", context)


async def _revision(request: Request, session: Session) -> Response:
    store = store_of(request)
    article, state = load(store, int(request.path_params["id"]))
    check_can_edit(session, article, state)
    assert article.id is not None
    revision = _find(store, article.id, int(request.path_params["number"]))
    current = form_of(article, state.markdown).snapshot()
    fields = []
    for name in FIELDS:
        old = str(revision.snapshot.get(name, ""))
        new = current.get(name, "")
        fields.append(FieldDiff(LABELS[name], diff_html(old, new), old != new))
    context = RevisionDiffContext(
        chrome=chrome(request, session),
        article=article,
        row=_row(revision, _who(store)),
        fields=fields,
        can_restore=True,
    )
    return show(request, "revision.html", context)


async def _restore(request: Request, session: Session) -> Response:
    store = store_of(request)
    article, state = load(store, int(request.path_params["id"]))
    check_can_edit(session, article, state)
    assert article.id is not None
    revision = _find(store, article.id, int(request.path_params["number"]))
    values = {name: str(revision.snapshot.get(name, "")) for name in FIELDS}
    notice = (
        f"Revision {revision.number} is loaded into the form. Nothing is saved yet: "
        "review it and save to restore it."
    )
    return render_editor(request, session, article.id, values, notice=notice)


revisions = page(_revisions)
revision = page(_revision)
restore = page(_restore)
