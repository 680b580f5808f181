"""Queries for newsroom accounts, their sign-in sessions and failed sign-ins.

A session row keeps the SHA-256 of the browser's token, never the token itself, so a
copy of the database signs nobody in.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Connection, RowMapping, delete, func, insert, select, update

from dateline.model import Role, User
from dateline.store.schema import login_failures, sessions, users


def _user(row: RowMapping) -> User:
    return User(
        email=row["email"],
        name=row["name"],
        role=Role(row["role"]),
        password_hash=row["password_hash"],
        disabled=bool(row["disabled"]),
        created_at=row["created_at"],
        sessions_valid_after=row["sessions_valid_after"],
        id=row["id"],
    )


def add(conn: Connection, user: User, now: datetime) -> User:
    result = conn.execute(
        insert(users).values(
            email=user.email,
            name=user.name,
            role=user.role.value,
            password_hash=user.password_hash,
            disabled=user.disabled,
            created_at=now,
        )
    )
    assert result.inserted_primary_key is not None
    found = get(conn, int(result.inserted_primary_key[0]))
    assert found is not None
    return found


def get(conn: Connection, user_id: int) -> User | None:
    row = conn.execute(select(users).where(users.c.id == user_id)).mappings().first()
    return _user(row) if row else None


def by_email(conn: Connection, email: str) -> User | None:
    row = (
        conn.execute(select(users).where(func.lower(users.c.email) == email.strip().lower()))
        .mappings()
        .first()
    )
    return _user(row) if row else None


def all_users(conn: Connection) -> list[User]:
    return [_user(r) for r in conn.execute(select(users).order_by(users.c.email)).mappings()]


def set_disabled(conn: Connection, user_id: int, disabled: bool, now: datetime) -> None:
    """Disable (or enable) an account; disabling also ends its sessions."""
    conn.execute(update(users).where(users.c.id == user_id).values(disabled=disabled))
    if disabled:
        end_all(conn, user_id, now)


def set_password_hash(conn: Connection, user_id: int, password_hash: str) -> None:
    conn.execute(update(users).where(users.c.id == user_id).values(password_hash=password_hash))


def start_session(
    conn: Connection,
    token_hash: str,
    user_id: int,
    csrf_token: str,
    now: datetime,
    expires_at: datetime,
) -> None:
    conn.execute(delete(sessions).where(sessions.c.expires_at < now))  # tidy as we go
    conn.execute(
        insert(sessions).values(
            token_hash=token_hash,
            user_id=user_id,
            csrf_token=csrf_token,
            created_at=now,
            expires_at=expires_at,
        )
    )


def session(conn: Connection, token_hash: str, now: datetime) -> tuple[User, str] | None:
    """The signed-in user and the session's CSRF token, when the session is still good.

    Good means: not expired, the account not disabled, and started after the account's
    last "log out everywhere".
    """
    row = (
        conn.execute(
            select(sessions.c.csrf_token, sessions.c.created_at, users)
            .join(users, users.c.id == sessions.c.user_id)
            .where(sessions.c.token_hash == token_hash, sessions.c.expires_at > now)
        )
        .mappings()
        .first()
    )
    if row is None:
        return None
    user = _user(row)
    if user.disabled:
        return None
    valid_after = user.sessions_valid_after
    if valid_after is not None and row["created_at"] <= valid_after:
        return None
    return user, str(row["csrf_token"])


def end_session(conn: Connection, token_hash: str) -> None:
    conn.execute(delete(sessions).where(sessions.c.token_hash == token_hash))


def end_all(conn: Connection, user_id: int, now: datetime) -> None:
    """End every session of the user, on every device."""
    conn.execute(delete(sessions).where(sessions.c.user_id == user_id))
    conn.execute(update(users).where(users.c.id == user_id).values(sessions_valid_after=now))


def record_failure(conn: Connection, email: str, address: str, now: datetime) -> None:
    conn.execute(
        insert(login_failures).values(email=email.strip().lower(), address=address, failed_at=now)
    )


def failures_since(conn: Connection, email: str, address: str, since: datetime) -> list[datetime]:
    """Times of the failed sign-ins for this account from this address since ``since``."""
    rows = conn.execute(
        select(login_failures.c.failed_at)
        .where(
            login_failures.c.email == email.strip().lower(),
            login_failures.c.address == address,
            login_failures.c.failed_at >= since,
        )
        .order_by(login_failures.c.failed_at)
    )
    return list(rows.scalars())


def clear_failures(conn: Connection, email: str, address: str) -> None:
    conn.execute(
        delete(login_failures).where(
            login_failures.c.email == email.strip().lower(), login_failures.c.address == address
        )
    )
