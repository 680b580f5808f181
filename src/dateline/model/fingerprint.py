"""A text's MinHash fingerprint: how near-duplicate texts are recognised.

Syndicated copies of one story carry the same text with small edits under another
headline, so the headline is left out: a text is the set of its three-word shingles of
deck and body (lower-cased words, stop words kept, since they carry the wording). Its
fingerprint is a MinHash signature of ``NUM_PERM`` values estimating the shingle-set
Jaccard similarity of two texts, and ``BANDS`` LSH band keys of ``ROWS`` values each that
let a store or an index find the candidates sharing a band with a text (candidate pairs
from a Jaccard of about 0.3). Texts too short to judge (fewer than ``MIN_WORDS`` words)
have none.

Used by ingest (a fingerprint stored with each syndicated article, compared with
``same_story`` when another source's item arrives) and by the related lists' copy index
(``related.duplicates``). Stored fingerprints are only comparable with ones computed the
same way: a change to the values here needs a migration (as 0012 was).
"""

from __future__ import annotations

import hashlib
import re

import numpy as np
import numpy.typing as npt
from datasketch import MinHash

NUM_PERM = 128
BANDS = 42  # of ROWS values each: a pair of Jaccard 0.3 is a candidate with odds 2 in 3
ROWS = 3
MIN_WORDS = 12
MERGE_THRESHOLD = 0.5  # what ``same_story`` asks: see related.duplicates
_WORD = re.compile(r"\w+", re.UNICODE)


def _hash(data: bytes) -> int:
    return int.from_bytes(hashlib.blake2b(data, digest_size=4).digest(), "little")


def words(text: str) -> list[str]:
    """The words of ``text``, each lower-cased, in order: what its shingles are made of."""
    if "\u0130" in text or "\u03a3" in text:
        return [word.lower() for word in _WORD.findall(text)]
    # the same words, found in the text lower-cased at once: lower-casing changes what
    # ``\w`` matches only for "İ" (whose lower case adds a combining dot) and "Σ" (whose
    # lower case depends on the letters around it), checked for above
    found: list[str] = _WORD.findall(text.lower())
    return found


# A word's 32-bit hash is ``_hash`` of its UTF-8 bytes, kept per process for the first
# ``WORD_CACHE`` words met (news wording follows a Zipf law: the common words come early
# and make most of every text). The table only grows, to about 15 MB (and as much for
# the ASCII table below), so threads reading it at once never see a word vanish; a word
# met after that is hashed each time.
WORD_CACHE = 100_000
_WORD_HASHES: dict[str, int] = {}
_MULTIPLIERS = (np.uint32(0x9E3779B1), np.uint32(0x85EBCA77))  # odd: a word's hash is not lost


def _word_hash(word: str) -> int:
    value = _hash(word.encode("utf-8"))
    if len(_WORD_HASHES) < WORD_CACHE:
        _WORD_HASHES[word] = value
    return value


# An ASCII text's words, found faster: its bytes with every byte that ``\w`` does not match
# (in ASCII, anything but letters, digits and ``_``) made a space, then split. A word's
# hash is the hash of its UTF-8 bytes, which for ASCII are these bytes: the same values,
# kept in a table of their own (bounded by the same ``WORD_CACHE``).
_NOT_WORD = bytes(c if chr(c).isalnum() or c == ord("_") else ord(" ") for c in range(128)) + (
    b" " * 128
)
_ASCII_HASHES: dict[bytes, int] = {}


def _ascii_word_hash(word: bytes) -> int:
    value = _hash(word)
    if len(_ASCII_HASHES) < WORD_CACHE:
        _ASCII_HASHES[word] = value
    return value


def _word_hashes(text: str) -> list[int] | None:
    """The hash of each word of ``text`` in order (``None``: fewer than ``MIN_WORDS``)."""
    if text.isascii():
        found_bytes = text.lower().encode("ascii").translate(_NOT_WORD).split()
        if len(found_bytes) < MIN_WORDS:
            return None
        values = list(map(_ASCII_HASHES.get, found_bytes))
        if None in values:
            values = [
                _ascii_word_hash(w) if v is None else v
                for w, v in zip(found_bytes, values, strict=True)
            ]
        return values  # type: ignore[return-value]  # no None left
    found = words(text)
    if len(found) < MIN_WORDS:
        return None
    values = list(map(_WORD_HASHES.get, found))
    if None in values:
        values = [_word_hash(w) if v is None else v for w, v in zip(found, values, strict=True)]
    return values  # type: ignore[return-value]  # no None left


def shingle_hashes(text: str) -> npt.NDArray[np.uint32] | None:
    """The 32-bit hash of each three-word shingle of ``text``, in order (a shingle that
    recurs is there again), or ``None`` when the text has fewer than ``MIN_WORDS`` words.

    A shingle's hash is ``a * _MULTIPLIERS[0] + b * _MULTIPLIERS[1] + c`` modulo 2**32 over
    its words' hashes ``a, b, c``: computed for all shingles at once, where hashing each
    shingle's bytes cost a call a shingle. Repeats change no MinHash value (a minimum).
    """
    values = _word_hashes(text)
    if values is None:
        return None
    hv = np.fromiter(values, dtype=np.uint32, count=len(values))
    first, second = _MULTIPLIERS
    combined: npt.NDArray[np.uint32] = hv[:-2] * first + hv[1:-1] * second + hv[2:]
    return combined


# datasketch's affine32 scheme: each shingle's 32-bit hash is mixed by the MurmurHash3
# finalizer, then permuted as ``a * h + b`` modulo 2**32 with the odd ``a`` and the ``b`` of
# ``MinHash(num_perm=NUM_PERM, seed=1)``; a signature value is the least over the shingles.
# Computed here with numpy over all shingles at once (a test holds it to datasketch's
# ``MinHash.update_batch`` given the same shingle hashes).
_A, _B = (np.asarray(p, dtype=np.uint32) for p in MinHash(num_perm=NUM_PERM, seed=1).permutations)
_FMIX = tuple(np.uint32(c) for c in (16, 0x85EBCA6B, 13, 0xC2B2AE35, 16))


def signature(hashes: npt.NDArray[np.uint32]) -> npt.NDArray[np.uint32]:
    """The MinHash signature of a set of shingle hashes: ``NUM_PERM`` 32-bit values."""
    if not len(hashes):
        return np.full(NUM_PERM, np.iinfo(np.uint32).max, dtype=np.uint32)
    s1, m1, s2, m2, s3 = _FMIX
    hv = hashes ^ (hashes >> s1)
    hv = hv * m1
    hv = hv ^ (hv >> s2)
    hv = hv * m2
    hv = hv ^ (hv >> s3)
    permuted = np.multiply.outer(hv, _A)  # one row a shingle, one column a permutation
    permuted += _B
    values: npt.NDArray[np.uint32] = permuted.min(axis=0)
    return values


# A band's key: its index and its ``ROWS`` values through the SplitMix64 finalizer, for all
# bands at once (the index first, then each value xor-ed in and mixed again).
_BAND_SEEDS = np.arange(1, BANDS + 1, dtype=np.uint64) * np.uint64(0x9E3779B97F4A7C15)
_MIX64 = tuple(np.uint64(c) for c in (30, 0xBF58476D1CE4E5B9, 27, 0x94D049BB133111EB, 31))


def _mix64(x: npt.NDArray[np.uint64]) -> npt.NDArray[np.uint64]:
    s1, m1, s2, m2, s3 = _MIX64
    x = (x ^ (x >> s1)) * m1
    x = (x ^ (x >> s2)) * m2
    mixed: npt.NDArray[np.uint64] = x ^ (x >> s3)
    return mixed


_BAND_START = _mix64(_BAND_SEEDS)


def band_keys(values: npt.NDArray[np.uint32]) -> npt.NDArray[np.uint64]:
    """The signature's ``BANDS`` LSH keys: a hash of each band's index and ``ROWS`` values."""
    rows = values[: BANDS * ROWS].reshape(BANDS, ROWS).astype(np.uint64)
    keys = _BAND_START
    for column in range(ROWS):
        keys = _mix64(keys ^ rows[:, column])
    return keys


Sketch = tuple[npt.NDArray[np.uint32], npt.NDArray[np.uint64]]
# a fingerprint as ``fingerprint`` gives it: the signature's bytes and the band keys
Mark = tuple[bytes, tuple[int, ...]]


def sketch(text: str) -> Sketch | None:
    """A text's MinHash signature and band keys, or ``None`` when it is too short to judge.

    The costly part of ``DuplicateIndex.add``, independent of the index: a bulk build may
    compute sketches in other processes and ``insert`` them in order.
    """
    hashes = shingle_hashes(text)
    if hashes is None:
        return None
    values = signature(hashes)
    return values, band_keys(values)


def fingerprint(text: str) -> Mark | None:
    """A text's signature as bytes and its band keys as signed 64-bit integers (for a
    database column), or ``None`` when the text is too short to judge.

    Stored fingerprints are only comparable with ones computed the same way: a change to
    the words, the shingle hashes, the signature or the band keys needs a migration that
    computes the stored ones again (as migration 0012 did).
    """
    sketched = sketch(text)
    if sketched is None:
        return None
    values, keys = sketched
    return values.tobytes(), tuple(keys.view(np.int64).tolist())


def same_story(a: bytes, b: bytes) -> bool:
    """Whether two signatures (as ``fingerprint`` gives them) mark copies of one text."""
    x = np.frombuffer(a, dtype=np.uint32)
    y = np.frombuffer(b, dtype=np.uint32)
    return len(x) == len(y) == NUM_PERM and float((x == y).mean()) >= MERGE_THRESHOLD
