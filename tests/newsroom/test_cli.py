"""``dateline users`` as an operator runs it: real processes, both databases."""

from __future__ import annotations

from pathlib import Path

from dateline.model import Role
from dateline.store import open_store
from tests.commands import dateline_env
from tests.commands import run_dateline as dateline


def test_users_add_list_disable(database_url: str, tmp_path: Path) -> None:
    env = dateline_env(tmp_path, database_url)
    secret = tmp_path / "password.txt"
    secret.write_text("a long enough password\n")
    added = dateline(
        env,
        "users",
        "add",
        "ed@example.org",
        "--role",
        "editor",
        "--name",
        "Ed Itor",
        "--password-file",
        str(secret),
    )
    assert added.returncode == 0, added.stderr
    assert "added editor ed@example.org (Ed Itor)" in added.stdout
    prompted = dateline(
        env,
        "users",
        "add",
        "co@example.org",
        "--role",
        "contributor",
        stdin="another long password\nanother long password\n",
    )
    assert prompted.returncode == 0, prompted.stderr
    short = dateline(
        env,
        "users",
        "add",
        "x@example.org",
        "--role",
        "admin",
        "--password-file",
        "-",
        stdin="short\n",
    )
    assert short.returncode == 1 and "at least 10 characters" in short.stderr
    again = dateline(
        env, "users", "add", "ED@example.org", "--role", "admin", "--password-file", str(secret)
    )
    assert again.returncode == 1 and "already has an account" in again.stderr

    listed = dateline(env, "users", "list").stdout
    assert "ed@example.org  Ed Itor  editor" in listed and "co@example.org" in listed
    assert dateline(env, "users", "disable", "co@example.org").returncode == 0
    assert "co@example.org  co  contributor  DISABLED" in dateline(env, "users", "list").stdout
    missing = dateline(env, "users", "disable", "nobody@example.org")
    assert missing.returncode == 1 and "no account" in missing.stderr

    store = open_store(database_url, apply_migrations=False)
    try:
        user = store.user_by_email("ed@example.org")
        assert user is not None and user.role is Role.EDITOR
        assert user.password_hash.startswith("$argon2id$")
    finally:
        store.close()
