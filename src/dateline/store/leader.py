"""Leadership for background jobs: one process at a time runs a named job on one store.

``job_lock(engine, name)`` gives a ``JobLock``. ``acquire()`` never waits: it answers True
when this process holds the lock (just taken, or held since an earlier call) and False
when another process holds it. A held lock stays held until ``release()`` (or the end of a
``with`` block) or until the process dies, so a crashed leader never blocks the job:

- PostgreSQL: a session-level advisory lock (``pg_try_advisory_lock``) taken on a
  connection of its own, detached from the pool, so the lock ends with that session
  (released, or the process killed and its socket closed). Advisory locks are per
  database, so the key hashes the store's schema with the job name: stores in other
  schemas of one database do not share leaders. While held, each ``acquire()`` checks the
  session still answers; a lost session (server restart) gives the lock up and tries anew.
- SQLite: ``fcntl.flock`` on a file beside the database (``dateline.db-NAME.lock``), which
  the kernel frees when the process dies. It coordinates the processes of one machine,
  which is all SQLite's file locking allows anyway. The holder writes its pid into it.
- SQLite in memory: one process only, so the lock is kept in this process.

No table is needed: nothing of the lock outlives its holder.
"""

from __future__ import annotations

import fcntl
import hashlib
import os
import re
from abc import ABC, abstractmethod
from pathlib import Path
from types import TracebackType
from typing import ClassVar

from sqlalchemy import Connection, Engine, text
from sqlalchemy.exc import DBAPIError

NAME = re.compile(r"[a-z0-9][a-z0-9-]*")


class JobLock(ABC):
    """A non-blocking lock named for one background job; see the module docstring."""

    def __init__(self, name: str) -> None:
        if not NAME.fullmatch(name):
            raise ValueError(f"job lock names are lowercase words with dashes, not {name!r}")
        self.name = name

    @property
    @abstractmethod
    def held(self) -> bool:
        """Whether this process held the lock at its last ``acquire()``."""

    @abstractmethod
    def acquire(self) -> bool:
        """Take the lock if it is free; True when this process holds it. Never waits."""

    @abstractmethod
    def release(self) -> None:
        """Give the lock up (nothing happens when it is not held)."""

    def __enter__(self) -> JobLock:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.release()


class AdvisoryLock(JobLock):
    """PostgreSQL: a session-level advisory lock on a connection of its own."""

    def __init__(self, engine: Engine, name: str) -> None:
        super().__init__(name)
        self.engine = engine
        self._conn: Connection | None = None

    @property
    def held(self) -> bool:
        return self._conn is not None

    def acquire(self) -> bool:
        if self._conn is not None:
            try:
                self._conn.exec_driver_sql("SELECT 1")
                return True
            except DBAPIError:
                self.release()  # the session is gone, and its lock with it
        conn = self.engine.connect().execution_options(isolation_level="AUTOCOMMIT")
        conn.detach()  # closing it ends the session (and the lock) instead of pooling it
        try:
            schema = conn.execute(text("SELECT current_schema()")).scalar_one()
            taken = conn.execute(
                text("SELECT pg_try_advisory_lock(:key)"), {"key": advisory_key(schema, self.name)}
            ).scalar_one()
        except BaseException:
            conn.close()
            raise
        if not taken:
            conn.close()
            return False
        self._conn = conn
        return True

    def release(self) -> None:
        conn, self._conn = self._conn, None
        if conn is not None:
            conn.close()


def advisory_key(schema: str, name: str) -> int:
    """The 64-bit advisory lock key of job ``name`` in ``schema``, the same in every process."""
    digest = hashlib.blake2b(f"dateline-job:{schema}:{name}".encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big", signed=True)


class FileLock(JobLock):
    """SQLite: ``flock`` on a lock file beside the database file."""

    def __init__(self, path: Path, name: str) -> None:
        super().__init__(name)
        self.path = path
        self._fd: int | None = None

    @property
    def held(self) -> bool:
        return self._fd is not None

    def acquire(self) -> bool:
        if self._fd is not None:
            return True
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            return False
        except BaseException:
            os.close(fd)
            raise
        os.ftruncate(fd, 0)
        os.write(fd, f"{os.getpid()}\n".encode())
        self._fd = fd
        return True

    def release(self) -> None:
        fd, self._fd = self._fd, None
        if fd is not None:
            os.close(fd)  # closing the only descriptor frees the flock


class ProcessLock(JobLock):
    """An in-memory SQLite database: only this process can reach it, so the lock is local."""

    taken: ClassVar[set[tuple[int, str]]] = set()

    def __init__(self, engine: Engine, name: str) -> None:
        super().__init__(name)
        self.key = (id(engine), name)
        self._held = False

    @property
    def held(self) -> bool:
        return self._held

    def acquire(self) -> bool:
        if not self._held and self.key not in self.taken:
            self.taken.add(self.key)
            self._held = True
        return self._held

    def release(self) -> None:
        if self._held:
            self.taken.discard(self.key)
            self._held = False


def job_lock(engine: Engine, name: str) -> JobLock:
    """The lock for background job ``name`` on the store behind ``engine`` (not yet taken)."""
    if engine.dialect.name == "postgresql":
        return AdvisoryLock(engine, name)
    database = engine.url.database
    if not database or database == ":memory:":
        return ProcessLock(engine, name)
    return FileLock(Path(f"{database}-{name}.lock"), name)
