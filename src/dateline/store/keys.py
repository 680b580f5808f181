"""Row ids drawn ahead from PostgreSQL's sequences, so that an insert need not return one.

In a pipelined batch (``store.pipeline``) each statement whose result the client reads
waits for every statement sent before it. A new row's ``RETURNING id`` was such a read:
one for every new article and every new author, which left the pipeline nothing to send
ahead. ``Keys`` draws the ids a batch will need in one statement beforehand, from the
sequence the column's default draws from (``nextval``), and the inserts then name their
id. An id drawn and not used leaves a gap in the sequence, as a rolled-back insert does.
"""

from __future__ import annotations

from collections.abc import Mapping

from sqlalchemy import Connection, text

TABLES = ("articles", "authors", "topics")  # the tables whose ids are drawn ahead
SPARE = 8  # ids drawn at once when a batch needs one more than it drew

_DRAW = text(
    """
SELECT wanted.name, nextval(pg_get_serial_sequence(wanted.name, 'id'))
FROM unnest(CAST(:names AS text[]), CAST(:counts AS integer[])) AS wanted(name, count)
CROSS JOIN LATERAL generate_series(1, wanted.count)
"""
)


class Keys:
    """Ids drawn ahead for new rows of ``TABLES``, handed out in increasing order."""

    __slots__ = ("_free",)

    def __init__(self) -> None:
        self._free: dict[str, list[int]] = {name: [] for name in TABLES}

    def draw(self, conn: Connection, wanted: Mapping[str, int]) -> None:
        """Draw ``wanted[table]`` more ids of each table, in one statement."""
        asked = {name: count for name, count in wanted.items() if count > 0}
        if not asked:
            return
        unknown = set(asked) - set(TABLES)
        if unknown:
            raise ValueError(f"no ids are drawn ahead for {sorted(unknown)}")
        drawn: dict[str, list[int]] = {name: [] for name in asked}
        rows = conn.execute(_DRAW, {"names": list(asked), "counts": list(asked.values())})
        for name, key in rows:
            drawn[name].append(int(key))
        for name, keys in drawn.items():
            # kept largest first, so that ``take`` pops the smallest
            self._free[name] = sorted([*self._free[name], *keys], reverse=True)

    def take(self, conn: Connection, table: str) -> int:
        """The next id for a new row of ``table`` (drawing more when none is left)."""
        free = self._free[table]
        if not free:
            self.draw(conn, {table: SPARE})
            free = self._free[table]
        return free.pop()
