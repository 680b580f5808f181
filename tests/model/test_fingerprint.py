"""A text's MinHash fingerprint: its words, shingle hashes, signature and band keys."""

from __future__ import annotations

import hashlib
import random
import re
import sys

import numpy as np
from datasketch import MinHash

from dateline.model.fingerprint import (
    MIN_WORDS,
    NUM_PERM,
    fingerprint,
    same_story,
    shingle_hashes,
    signature,
    words,
)

WORDS = [f"word{i}" for i in range(5000)]


def story(rng: random.Random, length: int = 120) -> list[str]:
    return [rng.choice(WORDS) for _ in range(length)]


MIXED = "Zürich İstanbul ΑΘΗΝΑΣ déjà-vu 東京 " * 5


def word_hash(word: str) -> int:
    return int.from_bytes(hashlib.blake2b(word.encode(), digest_size=4).digest(), "little")


def test_shingle_hashes_combine_the_hashes_of_the_three_words() -> None:
    """Each shingle's hash is ``a * 0x9E3779B1 + b * 0x85EBCA77 + c`` modulo 2**32 over
    its words' blake2b hashes, worked out here one shingle at a time."""
    rng = random.Random(17)
    for text in (" ".join(story(rng, 40)), MIXED + " ".join(story(rng, 30))):
        found = words(text)
        expected = [
            (word_hash(a) * 0x9E3779B1 + word_hash(b) * 0x85EBCA77 + word_hash(c)) % 2**32
            for a, b, c in zip(found, found[1:], found[2:], strict=False)
        ]
        hashes = shingle_hashes(text)
        assert hashes is not None and hashes.tolist() == expected
    assert words("ΑΘΗΝΑΣ İstanbul Déjà-Vu") == ["αθηνας", "i\u0307stanbul", "déjà", "vu"]
    assert shingle_hashes(" ".join(story(rng, MIN_WORDS - 1))) is None
    assert shingle_hashes(" ".join(story(rng, MIN_WORDS))) is not None


def test_ascii_texts_give_the_hashes_of_their_words() -> None:
    """An ASCII text's words are found by a byte table, not ``words``: every ASCII
    character, alone and between letters, with digits and the underscore around it, gives
    the shingle hashes that ``words`` gives."""
    rng = random.Random(23)
    filler = " ".join(story(rng, MIN_WORDS))
    for code in range(128):
        character = chr(code)
        for text in (f"ab{character}cd {filler}", f"{filler} X_{character}9 Y{character}"):
            assert text.isascii()
            found = words(text)
            expected = [
                (word_hash(a) * 0x9E3779B1 + word_hash(b) * 0x85EBCA77 + word_hash(c)) % 2**32
                for a, b, c in zip(found, found[1:], found[2:], strict=False)
            ]
            hashes = shingle_hashes(text)
            assert hashes is not None and hashes.tolist() == expected, hex(code)


def test_words_are_lower_cased_one_by_one_even_when_found_in_the_lowered_text() -> None:
    """``words`` finds the words in the text lower-cased at once, unless a letter whose
    lower case changes what a word is appears: every letter with a lower case, alone and
    between letters, gives the words that lower-casing each word found gives."""
    found = re.compile(r"\w+").findall
    for code in range(sys.maxunicode + 1):
        letter = chr(code)
        if letter.lower() == letter:
            continue
        for text in (letter, f"ab{letter}cd", f"ΑΒ{letter}'Γ", f"{letter}.Σ x"):
            assert words(text) == [w.lower() for w in found(text)], hex(code)


def test_signatures_are_datasketchs_minhash_values() -> None:
    """The numpy signature of a set of shingle hashes gives the very values of
    datasketch's MinHash (seed 1) updated with the same hashes."""
    rng = random.Random(11)
    texts = [" ".join(story(rng, n)) for n in (12, 40, 400)]
    texts.append(MIXED + " ".join(story(rng, 30)))
    for text in texts:
        hashes = shingle_hashes(text)
        assert hashes is not None
        reference = MinHash(num_perm=NUM_PERM, seed=1, hashfunc=int)
        reference.update_batch(hashes.tolist())
        assert np.array_equal(signature(hashes), reference.hashvalues)
    untouched = MinHash(num_perm=NUM_PERM, seed=1).hashvalues
    assert np.array_equal(signature(np.zeros(0, dtype=np.uint32)), untouched)


def test_fingerprints_keep_their_values() -> None:
    """Stored fingerprints are compared with new ones: a change to how they are computed
    must come with a migration that computes the stored ones again (see ``fingerprint``).
    These digests of two fingerprints fail the test when the values change."""
    rng = random.Random(19)
    expected = {
        "words": "c8d98906242d90ce",
        "mixed": "1ab737e6a940812c",
    }
    for name, text in (("words", " ".join(story(rng, 200))), ("mixed", MIXED)):
        marked = fingerprint(text)
        assert marked is not None
        signature_bytes, keys = marked
        assert len(signature_bytes) == 4 * NUM_PERM and len(keys) == 42
        digest = hashlib.sha256(signature_bytes + repr(keys).encode()).hexdigest()[:16]
        assert digest == expected[name]


def test_same_story_holds_a_copy_and_not_another_text() -> None:
    rng = random.Random(23)
    original = story(rng, 200)
    copy = list(original)
    copy[50:53] = ["changed", "three", "words"]
    first, second, other = (fingerprint(" ".join(t)) for t in (original, copy, story(rng, 200)))
    assert first is not None and second is not None and other is not None
    assert same_story(first[0], second[0])
    assert not same_story(first[0], other[0])
