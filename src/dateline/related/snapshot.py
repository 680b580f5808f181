"""The ranking's index kept in a file, so that a restarted related process need not build it.

Building the index means analysing every published article's text: at a million articles
24 minutes in two processes on a slow two-core machine, 10 on a fast one (the related
process builds it in one), during which no new article gets its list; the neighbourhoods
it settles afterwards take hours more. Reading the index back from a file takes seconds
(2.6 GiB in 4 s at a million), so the related process writes it to a file now and then
(``refresh.keep_on_disk``), and a process that starts reads it back instead of building
one; ``refresh.index_for`` then brings it up to date with the store, article by article,
by the digest of what the ranking reads of each (``scoring.version_of``): what was
published, changed or unpublished while no process kept the index is analysed again,
nothing else.

A file is used only by the code that wrote it, on the store it was written for: its first
record is a key made of this format's number, the Python, numpy and scipy versions, a
digest of the ranking's source files, and the store's identity. Any other key, or a file
that cannot be read, is logged and ignored, and the index is built as before.

The file is a pickle, which can run code when read: it is written with mode 0600 in the
site's data folder, which only dateline's user should be able to write to. It is written
to a temporary file and renamed, so a crash never leaves half of one.
"""

from __future__ import annotations

import gc
import hashlib
import logging
import os
import pickle
import sys
import time
from pathlib import Path

import numpy as np
import scipy

from dateline.model import fingerprint
from dateline.related.scoring import RelatedIndex

log = logging.getLogger("dateline.related")

FORMAT = 1


def code_key() -> str:
    """What the index's layout and analysis depend on: a change in any of it (a new
    tokenizer, another array in the index) makes files written before unusable."""
    digest = hashlib.sha256()
    sources = sorted(Path(__file__).parent.glob("*.py")) + [Path(fingerprint.__file__)]
    for source in sources:
        digest.update(source.name.encode())
        digest.update(source.read_bytes())
    versions = f"{FORMAT}|{sys.version_info[:2]}|{np.__version__}|{scipy.__version__}"
    return f"{versions}|{digest.hexdigest()}"


def save(index: RelatedIndex, path: Path, store_key: str) -> float:
    """Write ``index`` to ``path`` for the store ``store_key``; returns the seconds taken."""
    started = time.perf_counter()
    path.parent.mkdir(parents=True, exist_ok=True)
    for left_over in path.parent.glob(f".{path.name}.*.partial"):  # a killed writer's
        left_over.unlink(missing_ok=True)
    partial = path.with_name(f".{path.name}.{os.getpid()}.partial")
    descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        with os.fdopen(descriptor, "wb") as out:
            pickle.dump(f"{code_key()}|{store_key}", out, protocol=pickle.HIGHEST_PROTOCOL)
            pickle.dump(index, out, protocol=pickle.HIGHEST_PROTOCOL)
            out.flush()
            os.fsync(out.fileno())
        os.replace(partial, path)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    return time.perf_counter() - started


def load(path: Path, store_key: str) -> RelatedIndex | None:
    """The index written to ``path`` for ``store_key`` by this code, or None (no file,
    another key, or a file that cannot be read: logged)."""
    try:
        with path.open("rb") as source:
            key = pickle.load(source)
            if key != f"{code_key()}|{store_key}":
                log.info("related index: %s was written by other code or for another store", path)
                return None
            collecting = gc.isenabled()
            gc.disable()  # millions of objects read: no collection between them
            try:
                index = pickle.load(source)
            finally:
                if collecting:
                    gc.enable()
    except FileNotFoundError:
        return None
    except Exception as exc:  # a truncated or damaged file: built again instead
        log.warning("related index: %s cannot be read (%s); building the index instead", path, exc)
        return None
    if not isinstance(index, RelatedIndex):
        log.warning("related index: %s holds no index; building the index instead", path)
        return None
    return index
