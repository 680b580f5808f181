"""Accounts, sign-in and sessions.

Passwords are hashed with argon2id (argon2-cffi's defaults, RFC 9106's second
recommended profile) and rehashed at sign-in when those parameters change. Sign-in is
throttled per account and address: after ``MAX_FAILURES`` failures in ``FAILURE_WINDOW``
the pair is refused, without checking the password, until the oldest failure leaves the
window; the message says for how long. A session is a random token in the browser
(kept in the store only as its SHA-256) with its own CSRF token, lasting
``SESSION_LIFETIME``; a new one is made at every sign-in (no fixation), and "log out
everywhere" ends them all.
"""

from __future__ import annotations

import hashlib
import hmac
import math
import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from dateline.model import DatelineError, Role, User
from dateline.store import Store

MAX_FAILURES = 5
FAILURE_WINDOW = timedelta(minutes=15)
SESSION_LIFETIME = timedelta(hours=12)
MIN_PASSWORD = 10
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_hasher = PasswordHasher()


class SignInRefused(DatelineError):
    """Wrong e-mail or password, a disabled account, or too many failures."""


@dataclass(frozen=True, slots=True)
class Session:
    """A signed-in browser: the token for its cookie and the CSRF token for its forms."""

    token: str
    csrf_token: str
    user: User
    expires_at: datetime


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def check_new_password(password: str) -> None:
    if len(password) < MIN_PASSWORD:
        raise DatelineError(f"the password must be at least {MIN_PASSWORD} characters")


def create_user(
    store: Store, email: str, name: str, role: Role, password: str, now: datetime
) -> User:
    """A new account; ``DatelineError`` for a malformed e-mail, short password or a taken e-mail."""
    email = email.strip()
    if not _EMAIL.match(email) or len(email) > 200:
        raise DatelineError(f"{email!r} is not an e-mail address")
    check_new_password(password)
    user = User(
        email=email,
        name=name.strip() or email.split("@")[0],
        role=role,
        password_hash=hash_password(password),
    )
    try:
        return store.add_user(user, now)
    except ValueError as exc:
        raise DatelineError(str(exc)) from None


def _verify(user: User, password: str) -> bool:
    try:
        return bool(_hasher.verify(user.password_hash, password))
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def authenticate(store: Store, email: str, password: str, address: str, now: datetime) -> User:
    """The account ``email`` when ``password`` is right; ``SignInRefused`` otherwise."""
    email = email.strip().lower()
    recent = store.login_failures_since(email, address, now - FAILURE_WINDOW)
    if len(recent) >= MAX_FAILURES:
        wait = recent[-MAX_FAILURES] + FAILURE_WINDOW - now
        minutes = max(1, math.ceil(wait.total_seconds() / 60))
        raise SignInRefused(
            f"too many failed sign-ins for this account: try again in {minutes} minutes"
        )
    user = store.user_by_email(email)
    if user is None or user.disabled or user.id is None or not _verify(user, password):
        store.record_login_failure(email, address, now)
        left = MAX_FAILURES - len(recent) - 1
        hint = f" ({left} tries left)" if 0 < left < 3 else ""
        if left <= 0:
            hint = " (sign-in is now locked for 15 minutes)"
        raise SignInRefused(f"wrong e-mail or password{hint}")
    store.clear_login_failures(email, address)
    if _hasher.check_needs_rehash(user.password_hash):
        store.set_password_hash(user.id, hash_password(password))
    return user


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def start_session(store: Store, user: User, now: datetime) -> Session:
    """A new session for ``user`` (called at every sign-in)."""
    assert user.id is not None
    token = secrets.token_urlsafe(32)
    csrf = secrets.token_urlsafe(32)
    expires = now + SESSION_LIFETIME
    store.start_session(_digest(token), user.id, csrf, now, expires)
    return Session(token, csrf, user, expires)


def resume_session(store: Store, token: str, now: datetime) -> Session | None:
    """The session a cookie's token names, when it is still good."""
    if not token or len(token) > 200:
        return None
    found = store.session(_digest(token), now)
    if found is None:
        return None
    user, csrf = found
    return Session(token, csrf, user, now + SESSION_LIFETIME)


def end_session(store: Store, token: str) -> None:
    store.end_session(_digest(token))


def csrf_ok(session: Session, submitted: str) -> bool:
    """Whether a form's CSRF token is the session's (compared in constant time)."""
    return bool(submitted) and hmac.compare_digest(session.csrf_token, submitted)
