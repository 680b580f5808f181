"""Near-duplicate detection among indexed articles: which are copies of which.

An article's text is sketched as ``model.fingerprint`` describes (MinHash over its
three-word shingles of deck and body, LSH band keys). Two articles are copies when the
MinHash estimate of their shingle-set Jaccard similarity reaches ``THRESHOLD``, and a group
of copies is everything linked that way, directly or through other copies; the band keys
propose the pairs so that a new article is compared with few others. Articles too short
to judge have no copies.

The numbers were chosen on the benchmark archive's planted copies (docs/benchmarks.md):
at 100k articles with 6,208 copy pairs, 128 permutations in 42 bands of 3 and a 0.4
threshold with groups miss none and link 2 pairs of different stories; 64 permutations
at 0.5 missed 26 pairs (8 with groups). Ingest merges an incoming item into a stored
article only at ``model.fingerprint.MERGE_THRESHOLD`` (``same_story``): a merge cannot be
undone by the next list computation, so it asks for more (at 0.45 no different stories
were linked). (Those figures were taken with the former shingle hashes, before migration
0012; the planted copies found and the ECB+ metrics were the same after it.)
"""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt

from dateline.model.fingerprint import BANDS, NUM_PERM, Sketch, sketch
from dateline.related.space import grown

THRESHOLD = 0.4
MAX_GROUP = 64  # articles in one group of copies, the article included
MERGE_MIN = 256  # rows written since the last sort, scanned in full, before sorting again
MERGE_SHARE = 0.05
LINK_BATCH = 65536  # candidate pairs whose signatures ``link_all`` compares at once


class DuplicateIndex:
    """Which indexed articles are copies of one another (a symmetric relation).

    Compact: each article is one row of MinHash values (``NUM_PERM`` 32-bit numbers) and
    one row of band keys (``BANDS`` 64-bit numbers, a hash of ``ROWS`` values each) in
    growing arrays. A new article's candidates are the rows sharing a band key with it,
    looked up by binary search in a sorted copy of all band keys (sorted again now and
    then), plus a scan of the few rows written since the last sort.
    """

    def __init__(self) -> None:
        self._signatures = np.zeros((0, NUM_PERM), dtype=np.uint32)
        self._bands = np.zeros((0, BANDS), dtype=np.uint64)
        self._owners = np.zeros(0, dtype=np.int64)  # row -> doc id, -1 when free
        self._row: dict[int, int] = {}
        self._free: list[int] = []
        self._copies: dict[int, set[int]] = {}
        # every band key of the rows in use at the last merge, sorted, and their rows
        self._sorted_keys = np.zeros(0, dtype=np.uint64)
        self._sorted_rows = np.zeros(0, dtype=np.int32)
        self._recent: list[int] = []  # rows written since the last merge

    def _slot(self) -> int:
        if self._free:
            return self._free.pop()
        row = len(self._row)
        if row >= len(self._owners):
            size = max(64, 2 * len(self._owners))
            self._signatures = grown(self._signatures, size)
            self._bands = grown(self._bands, size)
            owners = np.full(size, -1, dtype=np.int64)
            owners[: len(self._owners)] = self._owners
            self._owners = owners
        return row

    def add(self, doc_id: int, text: str) -> None:
        """Index ``doc_id`` (replacing an earlier version) and link it to its copies."""
        self.insert(doc_id, sketch(text))

    def insert(self, doc_id: int, sketched: Sketch | None, link: bool = True) -> None:
        """``add`` with the text's ``sketch`` computed beforehand (possibly elsewhere).

        Without ``link`` the article is only stored: ``link_all`` links it, with every
        other article stored so, when they are all in (a bulk build); until then its
        copies are not known.
        """
        self.remove(doc_id)
        if sketched is None:
            return
        values, keys = sketched
        if link:
            hits = self._candidates(keys)
            if len(hits):
                agree = (self._signatures[hits] == values).mean(axis=1)
                for row in hits[agree >= THRESHOLD]:
                    other = int(self._owners[row])
                    self._copies.setdefault(doc_id, set()).add(other)
                    self._copies.setdefault(other, set()).add(doc_id)
        row = self._slot()
        self._signatures[row] = values
        self._bands[row] = keys
        self._owners[row] = doc_id
        self._row[doc_id] = row
        if link:
            self._recent.append(row)
            if len(self._recent) > max(MERGE_MIN, MERGE_SHARE * len(self._row)):
                self._merge()

    def link_all(self) -> None:
        """Link every two stored articles that ``add`` would link, all at once.

        Two rows are candidates when they have the same key in the same band, and copies
        when their signatures agree on at least ``THRESHOLD`` of the values: the pairs
        ``add`` finds one article at a time, found here from one sort of every band key.
        """
        used = len(self._row) + len(self._free)
        rows = np.flatnonzero(self._owners[:used] >= 0)
        keys = self._bands[rows].ravel()
        bands = np.tile(np.arange(BANDS, dtype=np.int64), len(rows))
        order = np.lexsort((bands, keys))
        keys, bands = keys[order], bands[order]
        owners = np.repeat(rows, BANDS)[order]
        # runs of entries with one key in one band: [starts[k], stops[k]] inclusive
        edges = np.diff(
            np.concatenate([[0], (keys[1:] == keys[:-1]) & (bands[1:] == bands[:-1]), [0]]).astype(
                np.int8
            )
        )
        starts, stops = np.flatnonzero(edges == 1), np.flatnonzero(edges == -1)
        two = stops - starts == 1  # most runs are a pair
        firsts: list[Any] = [np.minimum(owners[starts[two]], owners[stops[two]])]
        seconds: list[Any] = [np.maximum(owners[starts[two]], owners[stops[two]])]
        for start, stop in zip(starts[~two].tolist(), stops[~two].tolist(), strict=True):
            members = np.sort(owners[start : stop + 1])
            i, j = np.triu_indices(len(members), 1)
            firsts.append(members[i])
            seconds.append(members[j])
        self._copies = {}
        if sum(len(f) for f in firsts):
            pairs = np.unique(
                np.stack([np.concatenate(firsts), np.concatenate(seconds)], axis=1), axis=0
            )
            for lo in range(0, len(pairs), LINK_BATCH):
                batch = pairs[lo : lo + LINK_BATCH]
                agree = (self._signatures[batch[:, 0]] == self._signatures[batch[:, 1]]).mean(
                    axis=1
                )
                for a, b in batch[agree >= THRESHOLD].tolist():
                    x, y = int(self._owners[a]), int(self._owners[b])
                    self._copies.setdefault(x, set()).add(y)
                    self._copies.setdefault(y, set()).add(x)
        self._merge()

    def _merge(self) -> None:
        """Sort every band's keys of the rows in use (the lookup's main part)."""
        used = len(self._row) + len(self._free)
        rows = np.flatnonzero(self._owners[:used] >= 0)
        keys = self._bands[rows].ravel()  # all bands in one array: a match is checked below
        order = np.argsort(keys, kind="stable")
        self._sorted_keys = keys[order]
        self._sorted_rows = np.repeat(rows.astype(np.int32), BANDS)[order]
        self._recent = []

    def _candidates(self, keys: npt.NDArray[np.uint64]) -> npt.NDArray[np.int64]:
        """Rows in use sharing at least one band key with ``keys``, ascending."""
        found: list[Any] = []
        if len(self._sorted_keys):
            lo = np.searchsorted(self._sorted_keys, keys, side="left")
            hi = np.searchsorted(self._sorted_keys, keys, side="right")
            for band in np.flatnonzero(hi > lo):
                found.append(self._sorted_rows[lo[band] : hi[band]])
        if self._recent:
            recent = np.asarray(self._recent, dtype=np.int64)
            found.append(recent[(self._bands[recent] == keys).any(axis=1)])
        if not found:
            return np.zeros(0, dtype=np.int64)
        rows = np.unique(np.concatenate(found).astype(np.int64))
        # a key may match another band's, or be stale (row freed or reused since): check
        # the live keys band by band
        live = (self._owners[rows] >= 0) & (self._bands[rows] == keys).any(axis=1)
        result: npt.NDArray[np.int64] = rows[live]
        return result

    def remove(self, doc_id: int) -> None:
        """Forget ``doc_id`` and its links (no error when absent)."""
        row = self._row.pop(doc_id, None)
        if row is None:
            return
        self._owners[row] = -1
        self._bands[row] = 0
        self._free.append(row)
        for other in self._copies.pop(doc_id, set()):
            links = self._copies[other]
            links.discard(doc_id)
            if not links:
                del self._copies[other]

    def copies(self, doc_id: int) -> set[int]:
        """The indexed copies of ``doc_id`` (never itself): its whole group.

        The group is everything reachable through copy links, at most ``MAX_GROUP``
        articles, nearest links first: two copies of one original that each drifted
        from it in other places can fall below the threshold with each other while both
        are linked to the original, and they are still one story.
        """
        direct = self._copies.get(doc_id)
        if not direct:
            return set()
        group = {doc_id}
        frontier = sorted(direct)
        while frontier and len(group) < MAX_GROUP:
            found: list[int] = []
            for other in frontier:
                if other in group:
                    continue
                group.add(other)
                if len(group) >= MAX_GROUP:
                    break
                found.extend(sorted(self._copies.get(other, ())))
            frontier = found
        group.discard(doc_id)
        return group
