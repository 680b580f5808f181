"""fingerprints computed from word hashes; SQLite's band rows without a rowid

Ingest fingerprints every item (``model.fingerprint``: a MinHash signature of
the three-word shingles of its deck and body, and its LSH band keys) and stores the
fingerprint of each syndicated article, so that a copy arriving later from another
source finds it. Each shingle used to be hashed on its own (blake2b of its bytes, a call
a shingle) and each band key too: a third of the time a feed reader spent on an item.
Now a shingle's hash combines its three words' hashes, all shingles at once with numpy,
and the band keys are mixed with numpy too: the same MinHash over the same shingles, with
other values. A fingerprint is only comparable with one computed the same way, so this
migration computes every stored fingerprint again, from the article's deck and body text
as stored (what ingest fingerprinted, or the article as edited since).

On SQLite, ``article_bands`` is made a ``WITHOUT ROWID`` table: each band row was an
entry in the table's rowid tree, in its primary key's index and in the ``article_id``
index; it is now an entry in the primary key's tree and in the ``article_id`` index, a
third less to write for the 42 rows of each item and a smaller file. Its rows are all
written again anyway.

The work is one pass over the fingerprinted articles, a thousand at a time (about a
second a thousand); the downgrade computes the former values again.

Revision ID: 0012
Revises: 0011
Create Date: 2026-11-26
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Iterator
from typing import Any

import numpy as np
from alembic import op
from sqlalchemy import Connection, text

from dateline.model import fingerprint as fingerprints

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None

BATCH = 1000
Fingerprinter = Callable[[str], "fingerprints.Mark | None"]

SQLITE_BANDS = """
CREATE TABLE article_bands (
    "key" BIGINT NOT NULL,
    article_id INTEGER NOT NULL,
    CONSTRAINT pk_article_bands PRIMARY KEY ("key", article_id),
    CONSTRAINT fk_article_bands_article_id_articles FOREIGN KEY(article_id)
        REFERENCES articles (id) ON DELETE CASCADE
){rowid}
"""
BANDS_INDEX = "CREATE INDEX ix_article_bands_article_id ON article_bands (article_id)"


def upgrade() -> None:
    _refingerprint(fingerprints.fingerprint, without_rowid=True)


def downgrade() -> None:
    _refingerprint(_former_fingerprint, without_rowid=False)


def _refingerprint(fingerprint: Fingerprinter, *, without_rowid: bool) -> None:
    conn = op.get_bind()
    if conn.dialect.name == "sqlite":
        op.execute("DROP INDEX ix_article_bands_article_id")
        op.execute("DROP TABLE article_bands")
        op.execute(SQLITE_BANDS.format(rowid=" WITHOUT ROWID" if without_rowid else ""))
        op.execute(BANDS_INDEX)
    else:
        op.execute("DELETE FROM article_bands")
    for batch in _fingerprinted(conn):
        signatures: list[dict[str, Any]] = []
        gone: list[dict[str, Any]] = []
        bands: list[dict[str, Any]] = []
        for article_id, deck, body_text in batch:
            marked = fingerprint(f"{deck}\n{body_text}")
            if marked is None:  # cannot happen for the same text; kept safe all the same
                gone.append({"id": article_id})
                continue
            signature, keys = marked
            signatures.append({"id": article_id, "signature": signature})
            bands.extend({"key": key, "id": article_id} for key in sorted(set(keys)))
        if signatures:
            conn.execute(
                text(
                    "UPDATE article_fingerprints SET signature = :signature WHERE article_id = :id"
                ),
                signatures,
            )
        if gone:
            conn.execute(text("DELETE FROM article_fingerprints WHERE article_id = :id"), gone)
        if bands:
            conn.execute(
                text('INSERT INTO article_bands ("key", article_id) VALUES (:key, :id)'), bands
            )


def _fingerprinted(conn: Connection) -> Iterator[list[tuple[int, str, str]]]:
    """The fingerprinted articles' id, deck and body text, ``BATCH`` at a time."""
    after = 0
    while True:
        rows = conn.execute(
            text(
                "SELECT f.article_id, a.deck, a.body_text FROM article_fingerprints f "
                "JOIN articles a ON a.id = f.article_id WHERE f.article_id > :after "
                "ORDER BY f.article_id LIMIT :batch"
            ),
            {"after": after, "batch": BATCH},
        ).all()
        if not rows:
            return
        yield [(int(r[0]), str(r[1] or ""), str(r[2] or "")) for r in rows]
        after = int(rows[-1][0])


# -- the fingerprint before this migration, for the downgrade ------------------------------
# Each distinct shingle (its words lower-cased, joined by a space) hashed by blake2b
# (4 bytes, little-endian), then the same signature as now; a band key was blake2b
# (8 bytes) of the band's index (2 bytes) and its values.

_WORD = re.compile(r"\w+", re.UNICODE)


def _former_fingerprint(body: str) -> fingerprints.Mark | None:
    words = [w.lower() for w in _WORD.findall(body)]
    if len(words) < fingerprints.MIN_WORDS:
        return None
    grams = {" ".join(words[i : i + 3]) for i in range(len(words) - 2)}
    digests = b"".join(hashlib.blake2b(g.encode(), digest_size=4).digest() for g in grams)
    values = fingerprints.signature(np.frombuffer(digests, dtype="<u4").astype(np.uint32))
    rows = fingerprints.ROWS
    keys = [
        int.from_bytes(
            hashlib.blake2b(
                band.to_bytes(2, "little") + values[band * rows : (band + 1) * rows].tobytes(),
                digest_size=8,
            ).digest(),
            "little",
            signed=True,
        )
        for band in range(fingerprints.BANDS)
    ]
    return values.tobytes(), tuple(keys)
