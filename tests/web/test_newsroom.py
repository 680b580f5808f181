"""The newsroom's web UI through the real app, on each database: sign-in, CSRF, roles, the
editor (preview, publish, schedule, errors, conflicts, expired sessions, autosave),
revisions, the review queue, related overrides and the audit log.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from html import unescape

import httpx
import lxml.html
import pytest
from argon2 import PasswordHasher
from starlette.applications import Starlette
from starlette.testclient import TestClient

from dateline.config import Settings
from dateline.model import Article, Block, BlockKind, Role, Section, Source, Status, User
from dateline.newsroom import accounts
from dateline.newsroom.editor import MAX_BODY
from dateline.store import Fingerprint, Store
from dateline.web.app import create_app

PASSWORD = "correct horse battery"
BODY = (
    "PORTLAND, Maine — The harbor commission voted on Monday to reopen the old ferry pier "
    "after two years of repairs.\n\n"
    "Commissioners said the first boats would dock in the spring.\n\n"
    "Jane Roe contributed reporting."
)


@dataclass
class Newsroom:
    store: Store
    settings: Settings
    app: Starlette
    editor: User
    other_editor: User
    contributor: User

    def client(self, base_url: str = "https://testserver") -> TestClient:
        return TestClient(self.app, base_url=base_url, follow_redirects=False)


@pytest.fixture
def newsroom(
    settings: Settings, store: Store, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Newsroom]:
    # argon2id still, with light parameters: these tests sign in often (hashing has its own)
    monkeypatch.setattr(accounts, "_hasher", PasswordHasher(time_cost=1, memory_cost=8192))
    now = datetime.now(UTC)
    store.save_section(Section("world", "World", 1))
    store.save_section(Section("business", "Business", 2))
    make = accounts.create_user
    yield Newsroom(
        store,
        settings,
        create_app(settings, store=store, background=False),
        make(store, "edna@example.org", "Edna Editor", Role.EDITOR, PASSWORD, now),
        make(store, "otto@example.org", "Otto Other", Role.EDITOR, PASSWORD, now),
        make(store, "rita@example.org", "Rita Reporter", Role.CONTRIBUTOR, PASSWORD, now),
    )


def csrf_of(html: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert found, "the page has no CSRF token"
    return found.group(1)


def form_values(html: str, form_id: str | None = None, index: int = 0) -> dict[str, str]:
    """The values a browser would post from the page's form (without the submit buttons)."""
    doc = lxml.html.fromstring(html)
    forms = doc.forms if form_id is None else [f for f in doc.forms if f.get("id") == form_id]
    return {k: str(v) for k, v in forms[index].form_values()}


def sign_in(
    client: TestClient, email: str, password: str = PASSWORD, next_path: str = ""
) -> httpx.Response:
    page = client.get("/newsroom/login")
    assert page.status_code == 200
    data = {"csrf_token": csrf_of(page.text), "email": email, "password": password}
    if next_path:
        data["next"] = next_path
    return client.post("/newsroom/login", data=data)


def signed_in(newsroom: Newsroom, user: User) -> TestClient:
    client = newsroom.client()
    response = sign_in(client, user.email)
    assert response.status_code == 303, response.text
    return client


def new_article_form(client: TestClient, **fields: str) -> dict[str, str]:
    page = client.get("/newsroom/articles/new")
    assert page.status_code == 200
    values = form_values(page.text, "editor")
    values.update({"headline": "Ferry pier to reopen", "body": BODY, "section": "world"})
    values.update(fields)
    return values


def create(client: TestClient, action: str = "save", **fields: str) -> int:
    values = new_article_form(client, **fields)
    response = client.post("/newsroom/articles/new", data={**values, "action": action})
    assert response.status_code == 303, response.text
    found = re.match(r"/newsroom/articles/(\d+)\?done=", response.headers["location"])
    assert found
    return int(found.group(1))


def visible(html: str) -> str:
    html = re.sub(r"<(script|style|head)\b.*?</\1>", " ", html, flags=re.S)
    return unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).strip())


# sign-in


def test_sign_in_sets_a_new_http_only_lax_secure_session_cookie(newsroom: Newsroom) -> None:
    client = newsroom.client()
    first = sign_in(client, "edna@example.org")
    assert first.status_code == 303
    assert first.headers["location"] == "/newsroom/"
    cookie = next(
        c for c in first.headers.get_list("set-cookie") if c.startswith("dateline_session=")
    )
    flags = [part.strip().lower() for part in cookie.split(";")]
    assert "httponly" in flags and "samesite=lax" in flags and "path=/" in flags
    assert "secure" in flags
    old_token = client.cookies["dateline_session"]
    assert client.get("/newsroom/").status_code == 200

    # a browser that already carries a session (or a planted one) gets a new one at sign-in
    fresh = newsroom.client()
    token = csrf_of(fresh.get("/newsroom/login").text)
    fresh.cookies.set("dateline_session", old_token, domain="testserver.local")
    again = fresh.post(
        "/newsroom/login",
        data={"csrf_token": token, "email": "edna@example.org", "password": PASSWORD},
    )
    assert again.status_code == 303
    assert fresh.cookies["dateline_session"] != old_token
    assert accounts.resume_session(newsroom.store, old_token, datetime.now(UTC)) is None
    assert fresh.get("/newsroom/").status_code == 200


def test_the_cookie_is_not_secure_on_a_plain_http_site(settings: Settings, store: Store) -> None:
    store.save_section(Section("world", "World", 1))
    plain = replace(settings, site_url="http://news.example.org")
    accounts.create_user(store, "e@example.org", "E", Role.EDITOR, PASSWORD, datetime.now(UTC))
    client = TestClient(
        create_app(plain, store=store, background=False),
        base_url="http://testserver",
        follow_redirects=False,
    )
    response = sign_in(client, "e@example.org")
    cookie = response.headers["set-cookie"]
    assert "dateline_session=" in cookie and "HttpOnly" in cookie
    assert "Secure" not in cookie


def test_a_wrong_password_is_refused_with_a_message(newsroom: Newsroom) -> None:
    client = newsroom.client()
    response = sign_in(client, "edna@example.org", "not the password")
    assert response.status_code == 401
    assert "Wrong e-mail or password" in response.text
    assert "dateline_session" not in client.cookies
    assert client.get("/newsroom/").status_code == 303


def test_five_wrong_passwords_lock_the_sign_in(newsroom: Newsroom) -> None:
    client = newsroom.client()
    for _ in range(5):
        refused = sign_in(client, "edna@example.org", "guess guess guess")
        assert refused.status_code == 401
    locked = sign_in(client, "edna@example.org", PASSWORD)  # the right one, too late
    assert locked.status_code == 401
    assert "try again in" in locked.text
    assert "dateline_session" not in client.cookies
    # another account from the same address is not locked
    assert sign_in(client, "otto@example.org").status_code == 303


def test_signed_out_pages_send_to_the_sign_in_page(newsroom: Newsroom) -> None:
    client = newsroom.client()
    for path in (
        "/newsroom/",
        "/newsroom/articles/new",
        "/newsroom/articles/1",
        "/newsroom/articles/1/revisions",
        "/newsroom/review",
        "/newsroom/audit",
    ):
        response = client.get(path)
        assert response.status_code == 303, path
        assert response.headers["location"] == f"/newsroom/login?next={path}"
    page = client.get("/newsroom/login?next=/newsroom/review")
    assert 'value="/newsroom/review"' in page.text
    assert '<label for="login-email">E-mail</label>' in page.text
    assert '<label for="login-password">Password</label>' in page.text


def test_after_sign_in_only_local_newsroom_paths_are_followed(newsroom: Newsroom) -> None:
    client = newsroom.client()
    assert (
        sign_in(client, "edna@example.org", next_path="/newsroom/review").headers["location"]
        == "/newsroom/review"
    )
    for evil in ("https://evil.example/", "//evil.example/x", "/newsroom/../admin", "/elsewhere"):
        response = sign_in(newsroom.client(), "edna@example.org", next_path=evil)
        assert response.headers["location"] == "/newsroom/", evil


# CSRF and roles


def test_posts_without_the_csrf_token_are_refused_and_change_nothing(
    newsroom: Newsroom,
) -> None:
    client = signed_in(newsroom, newsroom.editor)
    values = new_article_form(client)
    del values["csrf_token"]
    response = client.post("/newsroom/articles/new", data={**values, "action": "publish"})
    assert response.status_code == 403
    assert "security token" in response.text
    wrong = client.post(
        "/newsroom/articles/new", data={**values, "csrf_token": "x" * 43, "action": "save"}
    )
    assert wrong.status_code == 403
    assert newsroom.store.newsroom_list()[1] == 0

    assert client.post("/newsroom/logout", data={}).status_code == 403
    assert client.get("/newsroom/").status_code == 200  # still signed in

    anonymous = newsroom.client()
    anonymous.get("/newsroom/login")
    forged = anonymous.post(
        "/newsroom/login", data={"email": "edna@example.org", "password": PASSWORD}
    )
    assert forged.status_code == 403
    assert "dateline_session" not in anonymous.cookies
    mismatched = anonymous.post(
        "/newsroom/login",
        data={"email": "edna@example.org", "password": PASSWORD, "csrf_token": "y" * 43},
    )
    assert mismatched.status_code == 403


def test_a_contributor_has_no_publish_button_and_cannot_forge_one(newsroom: Newsroom) -> None:
    client = signed_in(newsroom, newsroom.contributor)
    page = client.get("/newsroom/articles/new")
    assert 'value="publish"' not in page.text
    article_id = create(client)
    page = client.get(f"/newsroom/articles/{article_id}")
    assert 'value="save"' in page.text and 'value="submit"' in page.text
    assert 'value="publish"' not in page.text and 'value="schedule"' not in page.text
    values = form_values(page.text, "editor")
    forged = client.post(
        f"/newsroom/articles/{article_id}",
        data={**values, "headline": "Changed by a forged post", "action": "publish"},
    )
    assert forged.status_code == 403
    assert "contributor cannot publish" in forged.text
    article = newsroom.store.article(article_id)
    assert article is not None
    assert article.status is Status.DRAFT and article.headline == "Ferry pier to reopen"
    assert client.get("/").text.count("Ferry pier") == 0
    # nor review, audit, or an editor's pages
    assert client.get("/newsroom/review").status_code == 403
    assert client.get("/newsroom/audit").status_code == 403
    assert client.get(f"/newsroom/articles/{article_id}/related").status_code == 403
    # and the contributor can submit their draft
    submitted = client.post(f"/newsroom/articles/{article_id}", data={**values, "action": "submit"})
    assert submitted.status_code == 303
    article = newsroom.store.article(article_id)
    assert article is not None and article.status is Status.SUBMITTED


def test_a_contributor_cannot_open_another_persons_article(newsroom: Newsroom) -> None:
    editor = signed_in(newsroom, newsroom.editor)
    article_id = create(editor)
    contributor = signed_in(newsroom, newsroom.contributor)
    assert contributor.get(f"/newsroom/articles/{article_id}").status_code == 403
    listing = contributor.get("/newsroom/")
    assert "Ferry pier to reopen" not in listing.text


# the editor


def test_an_editor_writes_previews_and_publishes(newsroom: Newsroom) -> None:
    client = signed_in(newsroom, newsroom.editor)
    values = new_article_form(client, bylines="Edna Editor", topics="Ferries, Harbor")
    preview = client.post("/newsroom/articles/new", data={**values, "action": "preview"})
    assert preview.status_code == 200
    assert '<span class="dateline">PORTLAND, Maine — </span>The harbor commission' in preview.text
    assert '<p class="credit-line">Jane Roe contributed reporting.</p>' in preview.text
    assert '<h1 class="headline">Ferry pier to reopen</h1>' in preview.text
    assert newsroom.store.newsroom_list()[1] == 0  # a preview saves nothing

    published = client.post("/newsroom/articles/new", data={**values, "action": "publish"})
    assert published.status_code == 303
    article_id = int(published.headers["location"].split("/")[3].split("?")[0])
    article = newsroom.store.article(article_id)
    assert article is not None and article.status is Status.PUBLISHED
    assert article.dateline == "PORTLAND, Maine"
    assert article.credit_line == "Jane Roe contributed reporting."
    assert "Published." in client.get(published.headers["location"]).text

    home = client.get("/")
    assert article.path in home.text and "Ferry pier to reopen" in home.text
    page = client.get(article.path)
    assert page.status_code == 200
    text = visible(page.text)
    assert "PORTLAND, Maine — The harbor commission voted" in text
    assert "Jane Roe contributed reporting." in text
    # the preview showed the body exactly as the page does
    body = re.search(r'<div class="story-body">.*?</div>', page.text, re.S)
    assert body is not None and body.group(0) in preview.text

    # the editor shows the article again, the body's own dateline left in the body
    again = form_values(client.get(f"/newsroom/articles/{article_id}").text, "editor")
    assert again["body"] == BODY and again["dateline"] == "" and again["credit_line"] == ""
    assert again["lock_version"] == "1"


def test_saving_a_published_article_changes_its_page(newsroom: Newsroom) -> None:
    client = signed_in(newsroom, newsroom.editor)
    article_id = create(client, action="publish")
    values = form_values(client.get(f"/newsroom/articles/{article_id}").text, "editor")
    edited = values["body"].replace("in the spring", "in early April")
    saved = client.post(
        f"/newsroom/articles/{article_id}", data={**values, "body": edited, "action": "save"}
    )
    assert saved.status_code == 303
    article = newsroom.store.article(article_id)
    assert article is not None and article.status is Status.PUBLISHED
    assert "in early April" in client.get(article.path).text


def test_schedules_in_the_past_are_refused_and_future_ones_set(newsroom: Newsroom) -> None:
    client = signed_in(newsroom, newsroom.editor)
    article_id = create(client)
    values = form_values(client.get(f"/newsroom/articles/{article_id}").text, "editor")
    past = (datetime.now(UTC) - timedelta(hours=3)).strftime("%Y-%m-%dT%H:%M")
    refused = client.post(
        f"/newsroom/articles/{article_id}",
        data={**values, "publish_at": past, "action": "schedule"},
    )
    assert refused.status_code == 400
    assert "The time to publish is in the past: choose a later one" in refused.text
    article = newsroom.store.article(article_id)
    assert article is not None and article.status is Status.DRAFT
    state = newsroom.store.editor_state(article_id)
    assert state is not None and state.publish_at is None

    malformed = client.post(
        f"/newsroom/articles/{article_id}",
        data={**values, "publish_at": "next tuesday", "action": "schedule"},
    )
    assert malformed.status_code == 400 and "is not a date and time" in malformed.text

    later = datetime.now(UTC) + timedelta(days=2)
    local = later.astimezone(newsroom.settings.tz).strftime("%Y-%m-%dT%H:%M")
    scheduled = client.post(
        f"/newsroom/articles/{article_id}",
        data={**values, "publish_at": local, "action": "schedule"},
    )
    assert scheduled.status_code == 303
    article = newsroom.store.article(article_id)
    state = newsroom.store.editor_state(article_id)
    assert article is not None and article.status is Status.SCHEDULED
    assert state is not None and state.publish_at is not None
    assert abs((state.publish_at - later).total_seconds()) < 60
    page = client.get(f"/newsroom/articles/{article_id}")
    assert f'value="{local}"' in page.text and "publishes" in page.text


def test_form_errors_are_shown_by_field_and_nothing_is_saved(newsroom: Newsroom) -> None:
    client = signed_in(newsroom, newsroom.editor)
    values = new_article_form(client)
    values.update(
        headline="",
        section="nowhere",
        bylines="Edna Editor\nNobody Known",
        body="x" * (MAX_BODY + 1),
    )
    response = client.post("/newsroom/articles/new", data={**values, "action": "save"})
    assert response.status_code == 422
    html = response.text
    assert "Nothing was saved" in html
    for name, message in (
        ("headline", "a headline is required"),
        ("section", "unknown section"),
        ("bylines", "unknown author: Nobody Known"),
        ("body", "over the limit"),
    ):
        error = re.search(rf'<p class="field-error" id="f-{name}-error">([^<]*)</p>', html)
        assert error is not None and message in error.group(1), name
        control = re.search(rf'<(?:input|textarea|select) id="f-{name}"[^>]*>', html)
        assert control is not None and f"f-{name}-error" in control.group(0)
        assert 'aria-invalid="true"' in control.group(0)
    kept = form_values(html, "editor")
    assert kept["bylines"] == "Edna Editor\nNobody Known"
    assert kept["section"] == "nowhere"
    assert len(kept["body"]) == MAX_BODY + 1
    assert newsroom.store.newsroom_list()[1] == 0


def test_the_second_of_two_editors_saving_is_told_and_nothing_is_lost(
    newsroom: Newsroom,
) -> None:
    first = signed_in(newsroom, newsroom.editor)
    article_id = create(first)
    second = signed_in(newsroom, newsroom.other_editor)
    mine = form_values(first.get(f"/newsroom/articles/{article_id}").text, "editor")
    theirs_page = second.get(f"/newsroom/articles/{article_id}")
    theirs = form_values(theirs_page.text, "editor")
    assert mine["lock_version"] == theirs["lock_version"] == "1"
    assert "Someone else is editing this article: Edna Editor" in theirs_page.text

    saved = first.post(
        f"/newsroom/articles/{article_id}",
        data={**mine, "headline": "Ferry pier reopens in April", "action": "save"},
    )
    assert saved.status_code == 303
    conflict = second.post(
        f"/newsroom/articles/{article_id}",
        data={**theirs, "headline": "Pier repairs finished", "action": "save"},
    )
    assert conflict.status_code == 409
    assert "someone else saved this article since you opened it" in conflict.text.lower()
    shown = form_values(conflict.text, "editor")
    assert shown["headline"] == "Pier repairs finished"  # their unsaved text, kept
    assert shown["lock_version"] == "2"
    assert "The version saved meanwhile" in conflict.text
    assert "Ferry pier reopens in April" in conflict.text  # the saved text beside it
    article = newsroom.store.article(article_id)
    assert article is not None and article.headline == "Ferry pier reopens in April"

    # having seen both, saving again is a deliberate choice and goes through
    resolved = second.post(f"/newsroom/articles/{article_id}", data={**shown, "action": "save"})
    assert resolved.status_code == 303
    article = newsroom.store.article(article_id)
    assert article is not None and article.headline == "Pier repairs finished"


def test_text_survives_a_session_that_ended_while_writing(newsroom: Newsroom) -> None:
    client = signed_in(newsroom, newsroom.editor)
    article_id = create(client)
    values = form_values(client.get(f"/newsroom/articles/{article_id}").text, "editor")
    accounts.end_session(newsroom.store, client.cookies["dateline_session"])

    typed = values["body"] + '\n\nA late paragraph with <b>"quotes"</b> & an ampersand.'
    response = client.post(
        f"/newsroom/articles/{article_id}",
        data={**values, "body": typed, "headline": "Late headline", "action": "save"},
    )
    assert response.status_code == 401
    assert "nothing was saved" in response.text.lower()
    assert "<b>" not in response.text.replace("&lt;b&gt;", "")  # escaped in the hidden input
    login = form_values(response.text)
    assert login["keep_body"] == typed and login["keep_headline"] == "Late headline"
    assert login["next"] == f"/newsroom/articles/{article_id}"
    article = newsroom.store.article(article_id)
    assert article is not None and article.headline == "Ferry pier to reopen"

    back = client.post(
        "/newsroom/login",
        data={**login, "email": newsroom.editor.email, "password": PASSWORD},
    )
    assert back.status_code == 200
    assert "Your unsaved text was kept: review it and save." in back.text
    restored = form_values(back.text, "editor")
    assert restored["body"] == typed and restored["headline"] == "Late headline"
    assert restored["lock_version"] == values["lock_version"]
    article = newsroom.store.article(article_id)
    assert article is not None and article.headline == "Ferry pier to reopen"  # not yet saved

    saved = client.post(f"/newsroom/articles/{article_id}", data={**restored, "action": "save"})
    assert saved.status_code == 303
    article = newsroom.store.article(article_id)
    assert article is not None and article.headline == "Late headline"


def test_a_new_article_survives_an_ended_session_too(newsroom: Newsroom) -> None:
    client = signed_in(newsroom, newsroom.contributor)
    values = new_article_form(client)
    accounts.end_session(newsroom.store, client.cookies["dateline_session"])
    response = client.post("/newsroom/articles/new", data={**values, "action": "save"})
    assert response.status_code == 401
    login = form_values(response.text)
    back = client.post(
        "/newsroom/login",
        data={**login, "email": newsroom.contributor.email, "password": PASSWORD},
    )
    assert back.status_code == 200
    restored = form_values(back.text, "editor")
    assert restored["body"] == BODY
    assert lxml.html.fromstring(back.text).forms[-1].action == "/newsroom/articles/new"
    assert newsroom.store.newsroom_list()[1] == 0


def test_revisions_compare_with_the_current_text_and_restore(newsroom: Newsroom) -> None:
    client = signed_in(newsroom, newsroom.editor)
    article_id = create(client)
    values = form_values(client.get(f"/newsroom/articles/{article_id}").text, "editor")
    changed = values["body"].replace("first boats", "first <ferries>")
    client.post(
        f"/newsroom/articles/{article_id}",
        data={**values, "body": changed, "headline": "Pier reopens", "action": "save"},
    )
    listing = client.get(f"/newsroom/articles/{article_id}/revisions")
    assert listing.status_code == 200
    text = visible(listing.text)
    assert "2 Edna Editor" in text and "1 Edna Editor" in text and "saved" in text

    diff = client.get(f"/newsroom/articles/{article_id}/revisions/1")
    assert diff.status_code == 200
    assert (
        "<del>Ferry</del><ins>Pier</ins> <del>pier to reopen</del><ins>reopens</ins>" in diff.text
    )
    assert "<del>boats</del><ins>&lt;ferries&gt;</ins>" in diff.text
    assert "<ferries>" not in diff.text
    assert client.get(f"/newsroom/articles/{article_id}/revisions/9").status_code == 404

    token = csrf_of(diff.text)
    refused = client.post(f"/newsroom/articles/{article_id}/revisions/1/restore", data={})
    assert refused.status_code == 403
    restored = client.post(
        f"/newsroom/articles/{article_id}/revisions/1/restore", data={"csrf_token": token}
    )
    assert restored.status_code == 200
    assert "Revision 1 is loaded into the form" in restored.text
    form = form_values(restored.text, "editor")
    assert form["headline"] == "Ferry pier to reopen" and form["body"] == BODY
    article = newsroom.store.article(article_id)
    assert article is not None and article.headline == "Pier reopens"  # not saved yet
    client.post(f"/newsroom/articles/{article_id}", data={**form, "action": "save"})
    assert [r.number for r in newsroom.store.revisions(article_id)] == [3, 2, 1]
    article = newsroom.store.article(article_id)
    assert article is not None and article.headline == "Ferry pier to reopen"


def test_autosave_keeps_the_lock_version_and_reports_conflicts(newsroom: Newsroom) -> None:
    client = signed_in(newsroom, newsroom.contributor)
    values = new_article_form(client)
    created = client.post("/newsroom/articles/new/autosave", data=values)
    assert created.status_code == 200, created.text
    answer = created.json()
    article_id = answer["id"]
    assert answer["url"] == f"/newsroom/articles/{article_id}"
    assert answer["lock_version"] == 1
    state = newsroom.store.editor_state(article_id)
    assert state is not None and state.created_by == newsroom.contributor.id

    values["lock_version"] = "1"
    values["body"] += "\n\nOne more line."
    again = client.post(f"/newsroom/articles/{article_id}/autosave", data=values)
    assert again.json() == {"lock_version": 2, "saved": True}
    [revision] = [r for r in newsroom.store.revisions(article_id) if r.number == 1]
    assert revision.autosave
    stale = client.post(
        f"/newsroom/articles/{article_id}/autosave",
        data={**values, "lock_version": "1", "body": "Changed again.\n\nTwice."},
    )
    assert stale.status_code == 409
    no_token = client.post(
        f"/newsroom/articles/{article_id}/autosave", data={**values, "csrf_token": ""}
    )
    assert no_token.status_code == 403
    invalid = client.post(
        f"/newsroom/articles/{article_id}/autosave", data={**values, "headline": ""}
    )
    assert invalid.status_code == 422 and "headline" in invalid.json()["errors"]
    page = client.get(f"/newsroom/articles/{article_id}")
    assert f'data-autosave="/newsroom/articles/{article_id}/autosave"' in page.text
    assert "/static/" in page.text and "newsroom.js" in page.text
    signed_out = newsroom.client().post(f"/newsroom/articles/{article_id}/autosave", data=values)
    assert signed_out.status_code == 401
    # saving by hand after autosaves leaves a real save at the top of the history
    form = form_values(page.text, "editor")
    saved = client.post(f"/newsroom/articles/{article_id}", data={**form, "action": "save"})
    assert saved.status_code == 303
    latest = newsroom.store.revisions(article_id)[0]
    assert not latest.autosave and latest.snapshot["body"] == values["body"]


# review, related, audit, sessions


def _ingest(store: Store, headline: str, uid: str, publisher: str, story: int) -> int:
    """Take one wire item as ingest does; items of one ``story`` are copies of each other."""
    section = store.section("world")
    assert section is not None
    item = Article(
        uid=uid,
        slug=headline.lower().replace(" ", "-"),
        headline=headline,
        section=section,
        body=(),
        source=Source(kind="syndicated", publisher=publisher, url=f"https://{uid}.example/"),
        canonical_url=f"https://{uid}.example/",
        published_at=datetime.now(UTC) - timedelta(hours=1),
    )
    item = replace(item, body=(Block(BlockKind.PARAGRAPH, html=f"Text of {headline}."),))
    taken = store.take_item(
        item, Fingerprint(b"story-%d" % story, (story,)), None, datetime.now(UTC), _same
    )
    return taken.article_id


def _same(a: bytes, b: bytes) -> bool:
    return a == b


def test_the_review_queue_approves_and_rejects(newsroom: Newsroom) -> None:
    store = newsroom.store
    approved_id = _ingest(store, "Wire story on tides", "wire1", "Wire One", 1)
    copy_id = _ingest(store, "Wire story on tides, again", "wire1-copy", "Wire Two", 1)
    assert copy_id == approved_id  # the same story: an alternate
    rejected_id = _ingest(store, "Press release nobody wants", "prx", "PR Newswire", 2)
    assert set(store.review_queue()) == {approved_id, rejected_id}

    contributor = signed_in(newsroom, newsroom.contributor)
    assert contributor.get("/newsroom/review").status_code == 403
    client = signed_in(newsroom, newsroom.editor)
    queue = client.get("/newsroom/review")
    text = visible(queue.text)
    assert "Wire story on tides" in text and "From Wire One" in text and "1 other copy" in text
    assert f'href="/newsroom/articles/{approved_id}"' in queue.text
    token = csrf_of(queue.text)

    forged = contributor.post(
        f"/newsroom/review/{rejected_id}",
        data={"csrf_token": csrf_of(contributor.get("/newsroom/").text), "decision": "approve"},
    )
    assert forged.status_code == 403

    approve = client.post(
        f"/newsroom/review/{approved_id}", data={"csrf_token": token, "decision": "approve"}
    )
    assert approve.status_code == 303
    reject = client.post(
        f"/newsroom/review/{rejected_id}", data={"csrf_token": token, "decision": "reject"}
    )
    assert reject.status_code == 303
    assert "Rejected" in client.get(reject.headers["location"]).text
    approved, rejected = store.article(approved_id), store.article(rejected_id)
    assert approved is not None and approved.status is Status.PUBLISHED
    assert rejected is not None and rejected.status is Status.REJECTED
    assert store.review_queue() == []
    home = client.get("/").text
    assert "Wire story on tides" in home and "Press release" not in home
    twice = client.post(
        f"/newsroom/review/{rejected_id}", data={"csrf_token": token, "decision": "approve"}
    )
    assert twice.status_code == 400 and "not waiting in the review queue" in twice.text


def test_related_overrides_pin_exclude_and_reset(newsroom: Newsroom) -> None:
    client = signed_in(newsroom, newsroom.editor)
    main = create(client, action="publish")
    other = create(client, action="publish", headline="Ferry fares to rise at the pier")
    third = create(client, action="publish", headline="Pier repairs: what changed")
    page = client.get(f"/newsroom/articles/{main}/related")
    assert page.status_code == 200
    token = csrf_of(page.text)

    def change(operation: str, related_id: object = "") -> None:
        response = client.post(
            f"/newsroom/articles/{main}/related",
            data={"csrf_token": token, "operation": operation, "related_id": str(related_id)},
        )
        assert response.status_code == 303, response.text

    change("pin", third)
    links = newsroom.store.related_links(main)
    assert links[0].article.id == third and links[0].reasons == {"pinned": 1.0}
    shown = client.get(f"/newsroom/articles/{main}/related").text
    assert "pinned 1.00" in shown and "1.000" in shown
    change("exclude", other)
    assert other not in [link.article.id for link in newsroom.store.related_links(main)]
    assert newsroom.store.related_overrides([main])[main] == ([third], {other})
    change("reset")
    assert newsroom.store.related_overrides([main])[main] == ([], set())
    bad = client.post(
        f"/newsroom/articles/{main}/related",
        data={"csrf_token": token, "operation": "pin", "related_id": str(main)},
    )
    assert bad.status_code == 400 and "its own related list" in bad.text
    actions = [e.action for e in newsroom.store.audit_entries(main)]
    assert "related pin" in actions and "related reset" in actions


def test_logging_out_everywhere_ends_every_session(newsroom: Newsroom) -> None:
    laptop = signed_in(newsroom, newsroom.editor)
    phone = signed_in(newsroom, newsroom.editor)
    assert phone.get("/newsroom/").status_code == 200
    out = laptop.post(
        "/newsroom/logout-everywhere", data={"csrf_token": csrf_of(laptop.get("/newsroom/").text)}
    )
    assert out.status_code == 303
    assert out.headers["location"] == "/newsroom/login?done=everywhere"
    assert phone.get("/newsroom/").status_code == 303
    assert laptop.get("/newsroom/").status_code == 303
    assert "signed out on every device" in laptop.get(out.headers["location"]).text
    # signing in again works
    assert signed_in(newsroom, newsroom.editor).get("/newsroom/").status_code == 200


def test_logging_out_ends_this_session_only(newsroom: Newsroom) -> None:
    laptop = signed_in(newsroom, newsroom.editor)
    phone = signed_in(newsroom, newsroom.editor)
    out = laptop.post(
        "/newsroom/logout", data={"csrf_token": csrf_of(laptop.get("/newsroom/").text)}
    )
    assert out.status_code == 303
    assert laptop.get("/newsroom/").status_code == 303
    assert phone.get("/newsroom/").status_code == 200


def test_the_audit_log_lists_the_actions(newsroom: Newsroom) -> None:
    client = signed_in(newsroom, newsroom.editor)
    article_id = create(client, action="publish")
    values = form_values(client.get(f"/newsroom/articles/{article_id}").text, "editor")
    corrected = client.post(
        f"/newsroom/articles/{article_id}",
        data={**values, "correction": "An earlier version misnamed the pier.", "action": "correct"},
    )
    assert corrected.status_code == 303
    article = newsroom.store.article(article_id)
    assert article is not None and article.corrections
    log = visible(client.get("/newsroom/audit").text)
    for action in ("create", "publish", "correct"):
        assert f"edna@example.org {action}" in log, action
    assert "An earlier version misnamed the pier." in log
    editor_page = visible(client.get(f"/newsroom/articles/{article_id}").text)
    assert "History" in editor_page and "edna@example.org publish" in editor_page
    unpublished = client.post(
        f"/newsroom/articles/{article_id}", data={**values, "action": "unpublish"}
    )
    assert unpublished.status_code == 303
    assert "edna@example.org unpublish" in visible(client.get("/newsroom/audit").text)
    assert client.get(article.path).status_code == 404


def test_the_article_list_filters_searches_and_pages(newsroom: Newsroom) -> None:
    client = signed_in(newsroom, newsroom.editor)
    create(client, action="publish")
    create(client, headline="Bank merger approved", section="business")
    rita = signed_in(newsroom, newsroom.contributor)
    create(rita, headline="Rita's harbor draft")

    everything = visible(client.get("/newsroom/").text)
    assert "3 articles" in everything
    assert "Ferry pier to reopen" in everything and "Rita's harbor draft" in everything
    published = visible(client.get("/newsroom/?status=published").text)
    assert "1 article" in published and "Bank merger" not in published
    business = visible(client.get("/newsroom/?section=business").text)
    assert "Bank merger approved" in business and "Ferry pier" not in business
    searched = visible(client.get("/newsroom/?q=HARBOR").text)
    assert "Rita's harbor draft" in searched and "Bank merger" not in searched
    by_author = visible(client.get("/newsroom/?author=Rita+Reporter").text)
    assert "Rita's harbor draft" in by_author and "Ferry pier" not in by_author
    today = datetime.now(newsroom.settings.tz).date()
    future = visible(client.get(f"/newsroom/?since={today + timedelta(days=2)}").text)
    assert "0 articles" in future
    this_day = visible(client.get(f"/newsroom/?since={today}&until={today}").text)
    assert "3 articles" in this_day  # drafts are dated when created
    bad = client.get("/newsroom/?since=yesterday")
    assert bad.status_code == 200 and "YYYY-MM-DD" in bad.text

    own = visible(rita.get("/newsroom/").text)
    assert "1 article" in own and "Rita's harbor draft" in own and "Bank merger" not in own
    assert "New article" in own

    for n in range(26):
        newsroom.store.save_articles(
            [
                Article(
                    uid=f"filler-{n}",
                    slug=f"filler-{n}",
                    headline=f"Filler story {n}",
                    section=newsroom.store.section("world") or Section("world", "World"),
                )
            ]
        )
    first = client.get("/newsroom/")
    assert "page 1 of 2" in visible(first.text)
    assert 'href="/newsroom/?page=2"' in first.text
    second = client.get("/newsroom/?page=2")
    assert 'href="/newsroom/"' in second.text and "Previous page" in second.text


def test_odd_requests_get_plain_answers(newsroom: Newsroom) -> None:
    client = signed_in(newsroom, newsroom.editor)
    assert client.get("/newsroom/articles/99999999999999999999").status_code == 404
    assert client.get("/newsroom/articles/424242").status_code == 404
    assert client.get("/newsroom/audit?article=99999999999999999999").status_code == 200
    page = client.get("/newsroom/")
    assert page.headers["cache-control"] == "private, no-store"  # web/caching.py
    assert page.headers["x-frame-options"] == "DENY"
    article_id = create(client, action="publish")
    values = form_values(client.get(f"/newsroom/articles/{article_id}").text, "editor")
    published = client.post(f"/newsroom/articles/{article_id}/autosave", data=values)
    assert published.status_code == 422 and "not autosaved" in published.json()["error"]
    unknown = client.post(f"/newsroom/articles/{article_id}", data={**values, "action": "x"})
    assert unknown.status_code == 400

    signed_out = newsroom.client()
    restore = signed_out.post(f"/newsroom/articles/{article_id}/revisions/1/restore", data={})
    assert restore.status_code == 303 and restore.headers["location"] == "/newsroom/login"
