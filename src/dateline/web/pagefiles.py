"""Page files: the page cache's answers written to disk for a front server to send.

A hit answered in Python costs a worker process tens of microseconds, and on two cores
that caps a cached page at about half of what nginx does with a static file
(docs/benchmarks.md). With ``DATELINE_PAGE_FILES=DIR``, each server process also writes
the pages it keeps into ``DIR``, and nginx (``dateline nginx-config``) answers the next
readers from there without asking dateline; a page not on disk goes on to dateline.

Layout, all decided here and mirrored by ``web.nginx``:

- ``DIR/<bucket>/<path>@.<suffix>``: ``bucket`` is the Unix time in hundreds of seconds
  (``int(time) // 100``), which nginx computes from ``$msec`` by dropping two digits; the
  suffix names the content type (``dl-html``...). A page is written into the current
  bucket only if it stays right until the bucket ends (the weather widget's
  ``fresh_until``, the cache's ``TTL``), so nginx never sends a page past its clock,
  even with every dateline process down: at worst the page is 100 seconds old, like
  any cached answer no purge names.
- ``DIR/<bucket>/.keys/<key>/<name>``: one marker per surrogate key of each written page
  (``web.surrogate``), holding the page's path. Any process that applies a purge of
  ``key`` removes the pages its markers name, so a page written by one process goes
  when another process hears of the change.

Why no stale page survives a purge: a process writes the markers, then the page, then
reads the purge feed once more. A purge committed before that read is applied by this
process (and it finds the markers); one committed after it is applied by every process,
which finds the page on disk. ``dateline serve`` with page files reads the feed every
``FILES_SYNC_EVERY`` seconds, and a write request in the process reads it before its
answer goes out.

Only answers that nginx can send exactly as dateline would are written: a path of
plain characters with no query string, a content type in ``TYPES``, the default
``Cache-Control``, and no header nginx cannot repeat (``Surrogate-Key`` aside: pages from
disk go without it, see docs/caching.md).
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import shutil
import time
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

BUCKET_SECONDS = 100  # nginx drops the last two digits of the Unix time
KEYS = ".keys"
# suffix → the Content-Type nginx sends for it (``web.nginx``'s ``types`` block)
TYPES = {
    "dl-html": "text/html; charset=utf-8",
    "dl-rss": "application/rss+xml; charset=utf-8",
    "dl-atom": "application/atom+xml; charset=utf-8",
    "dl-feed": "application/feed+json",
    "dl-json": "application/json",
    "dl-xml": "application/xml; charset=utf-8",
    "dl-text": "text/plain; charset=utf-8",
}
_SUFFIX_OF = {content_type.encode("latin-1"): suffix for suffix, content_type in TYPES.items()}
# the headers a written page may carry: nginx sends the same (web.nginx) or its own
# equivalent (Content-Length, ETag, Last-Modified, Content-Encoding, Date)
NGINX_SENDS = frozenset(
    {b"content-type", b"cache-control", b"vary", b"etag", b"last-modified", b"surrogate-key"}
)
_SEGMENT = r"[A-Za-z0-9_~-][A-Za-z0-9._~-]*"
_PLAIN_PATH = re.compile(rf"^(?:/{_SEGMENT})*/?$")
ENCODED = {"gzip": ".gz", "br": ".br"}  # what nginx's gzip_static and brotli_static look for
# nginx's workers run as a user of their own (``www-data``): the pages are public, so
# they are written readable by all, whatever umask the dateline process runs with
FILE_MODE = 0o644
FOLDER_MODE = 0o755


def bucket_of(unix_time: float) -> int:
    """The bucket a moment falls in: what nginx makes of ``$msec`` (``web.nginx``)."""
    return int(unix_time) // BUCKET_SECONDS


def file_name(path: str, content_type: bytes) -> str | None:
    """Where ``path`` is written inside a bucket, or None when it cannot be.

    ``/`` → ``@.dl-html``; ``/world/a-story`` → ``world/a-story@.dl-html``; ``/world/`` →
    ``world/@.dl-html`` (the ``@``, never in a plain path, keeps the name from starting
    with a dot, which nginx would not read as an extension). nginx looks for
    ``/<bucket>$uri@.<suffix>``, so a path that nginx would decode or normalise otherwise
    (percent signs, dots alone, a double slash) is refused and left to dateline.
    """
    suffix = _SUFFIX_OF.get(content_type)
    if suffix is None or not _PLAIN_PATH.match(path) or "//" in path:
        return None
    return path[1:] + "@." + suffix


def key_folder(key: str) -> str:
    """A surrogate key as one folder name (never ``.`` or ``..``)."""
    return "k-" + quote(key, safe="-_")


@dataclass(frozen=True, slots=True)
class PageFile:
    """One answer to write: its path, bytes, encoded forms and what it shows."""

    path: str
    content_type: bytes
    body: bytes
    encoded: dict[str, bytes]  # "gzip" / "br" → bytes
    keys: frozenset[str]
    good_until: float  # Unix time the page stops being right
    modified: float  # Unix time for the file's mtime (nginx's Last-Modified and ETag)


class PageFiles:
    """The folder of page files one machine's server processes share."""

    def __init__(self, root: Path, cache_control: str) -> None:
        self.root = root
        # the one Cache-Control nginx adds (``web.nginx``): pages with another stay in Python
        self.cache_control = cache_control.encode("latin-1")

    def write(self, page: PageFile, now: float | None = None) -> int | None:
        """Write ``page`` into the current bucket; returns the bucket, or None when it
        cannot be written (its path, its type, its clock).

        The markers go first, the encoded forms next and the page itself last, each by
        renaming a finished temporary file, so nginx never sends a partial file. A disk
        that refuses (full, read-only) raises ``OSError``: the page may be tried again.
        """
        now = time.time() if now is None else now
        bucket = bucket_of(now)
        if page.good_until < (bucket + 1) * BUCKET_SECONDS:
            return None  # it would outlive its clock in this bucket
        name = file_name(page.path, page.content_type)
        if name is None:
            return None
        folder = self.root / str(bucket)
        marker = hashlib.blake2b(name.encode(), digest_size=12).hexdigest()
        for key in page.keys:
            _put(folder / KEYS / key_folder(key) / marker, name.encode())
        target = folder / name
        for encoding, body in page.encoded.items():
            _put(Path(str(target) + ENCODED[encoding]), body, page.modified)
        _put(target, page.body, page.modified)
        return bucket

    def purge(self, keys: Iterable[str]) -> int:
        """Remove every written page showing one of ``keys``, in every bucket; how many."""
        removed = 0
        buckets = self._buckets()
        for key in keys:
            folder_name = key_folder(key)
            for bucket in buckets:
                folder = bucket / KEYS / folder_name
                try:
                    markers = list(os.scandir(folder))
                except OSError:
                    continue
                for marker in markers:
                    try:
                        name = Path(marker.path).read_text()
                    except OSError:
                        continue
                    removed += _remove_page(bucket / name)
                    with contextlib.suppress(OSError):
                        os.unlink(marker.path)
        return removed

    def clear(self) -> None:
        """Remove every written page (at start, and when a process must start over)."""
        for bucket in self._buckets():
            _remove_folder(bucket)

    def tidy(self, now: float | None = None) -> None:
        """Remove the buckets nginx no longer looks in."""
        current = bucket_of(time.time() if now is None else now)
        for bucket in self._buckets():
            if int(bucket.name) < current:
                _remove_folder(bucket)

    def _buckets(self) -> list[Path]:
        try:
            return [
                Path(entry.path)
                for entry in os.scandir(self.root)
                if entry.name.isdigit() and entry.is_dir()
            ]
        except OSError:
            return []


def _put(target: Path, body: bytes, modified: float | None = None) -> None:
    """Write ``target`` whole (a temporary file renamed), readable by nginx's workers."""
    make_folder(target.parent)
    temporary = target.parent / f".tmp-{os.getpid()}-{target.name}"
    try:
        temporary.write_bytes(body)
        os.chmod(temporary, FILE_MODE)  # whatever the process's umask took away
        if modified is not None:
            os.utime(temporary, (modified, modified))
        os.replace(temporary, target)
    except OSError:
        with contextlib.suppress(OSError):
            os.unlink(temporary)  # no half-written file left behind
        raise


def make_folder(folder: Path) -> None:
    """Make ``folder`` and its missing parents, each with ``FOLDER_MODE``."""
    if folder.is_dir():
        return
    make_folder(folder.parent)
    try:
        os.mkdir(folder)
    except FileExistsError:
        return  # another process made it first
    os.chmod(folder, FOLDER_MODE)


def _remove_page(target: Path) -> int:
    """Remove a page, then its encoded forms; 1 if the page was there."""
    try:
        os.unlink(target)
        found = 1
    except OSError:
        found = 0
    for extension in ENCODED.values():
        with contextlib.suppress(OSError):
            os.unlink(str(target) + extension)
    return found


def _remove_folder(folder: Path) -> None:
    """Take a bucket out of nginx's sight at once (a rename), then delete it."""
    gone = folder.parent / f".gone-{os.getpid()}-{time.monotonic_ns()}"
    try:
        os.rename(folder, gone)
    except OSError:
        return  # another process took it first
    shutil.rmtree(gone, ignore_errors=True)
