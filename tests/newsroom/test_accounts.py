"""Accounts: argon2id hashes, throttled sign-in, sessions, log out everywhere, disabling."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from dateline.model import DatelineError, Permission, Role, allowed_roles
from dateline.newsroom import accounts
from dateline.newsroom.accounts import SignInRefused, authenticate
from tests.newsroom.conftest import PASSWORD, Desk

ADDRESS = "203.0.113.7"


def test_passwords_are_stored_as_argon2id_hashes(desk: Desk) -> None:
    stored = desk.store.user_by_email("rita@example.org")
    assert stored is not None
    assert stored.password_hash.startswith("$argon2id$")
    assert PASSWORD not in stored.password_hash


def test_bad_accounts_are_refused_with_clear_messages(desk: Desk) -> None:
    now = datetime.now(UTC)
    with pytest.raises(DatelineError, match="not an e-mail address"):
        accounts.create_user(desk.store, "nobody", "", Role.EDITOR, PASSWORD, now)
    with pytest.raises(DatelineError, match="at least 10 characters"):
        accounts.create_user(desk.store, "x@example.org", "", Role.EDITOR, "short", now)
    with pytest.raises(DatelineError, match="already has an account"):
        accounts.create_user(desk.store, "RITA@example.org", "", Role.EDITOR, PASSWORD, now)


def test_sign_in_by_email_in_any_case(desk: Desk) -> None:
    user = authenticate(desk.store, "Rita@Example.org", PASSWORD, ADDRESS, datetime.now(UTC))
    assert user.email == "rita@example.org"


def test_five_failures_lock_the_account_from_that_address_for_a_while(desk: Desk) -> None:
    now = datetime.now(UTC)
    for attempt in range(5):
        with pytest.raises(SignInRefused, match="wrong e-mail or password"):
            authenticate(desk.store, "rita@example.org", f"wrong {attempt}", ADDRESS, now)
    with pytest.raises(SignInRefused, match="try again in 15 minutes"):
        authenticate(desk.store, "rita@example.org", PASSWORD, ADDRESS, now)
    # another address, or another account, is not locked
    assert authenticate(desk.store, "rita@example.org", PASSWORD, "198.51.100.1", now)
    assert authenticate(desk.store, "eddie@example.org", PASSWORD, ADDRESS, now)
    # after the window the right password works again
    later = now + timedelta(minutes=15, seconds=1)
    assert authenticate(desk.store, "rita@example.org", PASSWORD, ADDRESS, later)


def test_sessions_resume_end_and_end_everywhere(desk: Desk) -> None:
    now = datetime.now(UTC)
    phone = accounts.start_session(desk.store, desk.editor, now)
    laptop = accounts.start_session(desk.store, desk.editor, now)
    assert phone.token != laptop.token and phone.csrf_token != laptop.csrf_token
    resumed = accounts.resume_session(desk.store, phone.token, now)
    assert resumed is not None and resumed.user.email == "eddie@example.org"
    assert accounts.csrf_ok(resumed, phone.csrf_token)
    assert not accounts.csrf_ok(resumed, laptop.csrf_token)
    assert not accounts.csrf_ok(resumed, "")
    accounts.end_session(desk.store, phone.token)
    assert accounts.resume_session(desk.store, phone.token, now) is None
    assert accounts.resume_session(desk.store, laptop.token, now) is not None
    assert desk.editor.id is not None
    desk.store.end_all_sessions(desk.editor.id, now + timedelta(seconds=1))
    assert accounts.resume_session(desk.store, laptop.token, now + timedelta(seconds=2)) is None
    # sessions expire
    fresh = accounts.start_session(desk.store, desk.editor, now + timedelta(seconds=3))
    late = now + accounts.SESSION_LIFETIME + timedelta(seconds=4)
    assert accounts.resume_session(desk.store, fresh.token, late) is None


def test_a_disabled_account_cannot_sign_in_and_loses_its_sessions(desk: Desk) -> None:
    now = datetime.now(UTC)
    session = accounts.start_session(desk.store, desk.contributor, now)
    assert desk.contributor.id is not None
    desk.store.set_user_disabled(desk.contributor.id, True, now)
    assert accounts.resume_session(desk.store, session.token, now) is None
    with pytest.raises(SignInRefused):
        authenticate(desk.store, "rita@example.org", PASSWORD, ADDRESS, now)


def test_roles_grant_what_the_issue_says() -> None:
    assert allowed_roles(Permission.WRITE) == {Role.CONTRIBUTOR, Role.EDITOR, Role.ADMIN}
    assert allowed_roles(Permission.PUBLISH) == {Role.EDITOR, Role.ADMIN}
    assert allowed_roles(Permission.REVIEW) == {Role.EDITOR, Role.ADMIN}
    assert allowed_roles(Permission.ADMINISTER) == {Role.ADMIN}
