"""The optional semantic signal: packaged embeddings and the blended rerank.

The embedding tests need the extra (``pip install 'dateline[semantic]'``) and skip without
it; the blend arithmetic and the missing-extra error are pure and always run.
"""

from __future__ import annotations

import numpy as np
import pytest

from dateline.related import semantic

NEEDS_EXTRA = "the semantic extra is not installed: pip install 'dateline[semantic]'"

FLOOD_A = "Heavy rain flooded the river town overnight and hundreds of residents were evacuated."
FLOOD_B = "Hundreds of people left their homes after the river burst its banks in the storm."
MERGER = "The chip maker agreed to buy its smaller rival for four billion dollars in cash."
MERGER_B = "A semiconductor company will acquire a competitor in a deal worth $4 billion."


@pytest.fixture(scope="module")
def embedder() -> semantic.Embedder:
    """One loaded embedder for the module, or a skip when the extra is missing."""
    pytest.importorskip("onnxruntime", reason=NEEDS_EXTRA)
    pytest.importorskip("tokenizers", reason=NEEDS_EXTRA)
    if not semantic.available():
        pytest.skip(NEEDS_EXTRA + " (model package files not found)")
    return semantic.Embedder(threads=1)


def test_vectors_are_unit_length_float32(embedder: semantic.Embedder) -> None:
    vectors = embedder.embed([FLOOD_A, MERGER, "", "x" * 5000])
    assert vectors.shape == (4, semantic.DIMENSION)
    assert vectors.dtype == np.float32
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    assert embedder.embed([]).shape == (0, semantic.DIMENSION)


def test_same_text_same_vector_whatever_the_batch(embedder: semantic.Embedder) -> None:
    alone = embedder.embed([FLOOD_A])
    again = embedder.embed([FLOOD_A])
    among = embedder.embed([MERGER, "a much longer text " * 40, FLOOD_A])
    assert np.array_equal(alone[0], again[0])
    assert np.array_equal(alone[0], among[2])


def test_same_story_closer_than_other_story(embedder: semantic.Embedder) -> None:
    flood_a, flood_b, merger_a, merger_b = embedder.embed([FLOOD_A, FLOOD_B, MERGER, MERGER_B])
    same_flood = float(flood_a @ flood_b)
    same_merger = float(merger_a @ merger_b)
    across = max(float(flood_a @ merger_a), float(flood_b @ merger_b), float(flood_a @ merger_b))
    assert same_flood > across + 0.2
    assert same_merger > across + 0.2


def test_embed_rejects_a_bare_string(embedder: semantic.Embedder) -> None:
    with pytest.raises(TypeError):
        embedder.embed(FLOOD_A)


def test_missing_extra_raises_a_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(semantic, "model_files", lambda: None)
    with pytest.raises(RuntimeError, match=r"pip install 'dateline\[semantic\]'"):
        semantic.Embedder().embed(["anything"])


def test_article_text_skips_empty_parts() -> None:
    assert semantic.article_text(" Headline ", "", "Body\n") == "Headline\nBody"


def test_blend_is_the_weighted_mean() -> None:
    production = np.array([0.8, 0.2, 0.5])
    cosine = np.array([0.0, 1.0, 0.5])
    assert np.allclose(semantic.blend(production, cosine, 0.25), [0.6, 0.4, 0.5])
    assert np.array_equal(semantic.blend(production, cosine, 0.0), production)
    assert np.array_equal(semantic.blend(production, cosine, 1.0), cosine)


def test_blend_checks_its_arguments() -> None:
    with pytest.raises(ValueError, match="weight"):
        semantic.blend([1.0], [1.0], 1.5)
    with pytest.raises(ValueError, match="shapes"):
        semantic.blend([1.0, 2.0], [1.0], 0.5)


def test_rerank_orders_by_blended_score() -> None:
    query = np.array([1.0, 0.0])
    vectors = np.array([[0.0, 1.0], [1.0, 0.0], [0.6, 0.8]], dtype=np.float32)
    ids = [10, 11, 12]
    production = [0.9, 0.5, 0.7]  # cosines: 0.0, 1.0, 0.6
    assert [i for i, _ in semantic.rerank(ids, production, query, vectors, 0.0)] == [10, 12, 11]
    ranked = semantic.rerank(ids, production, query, vectors, 0.5)
    assert [i for i, _ in ranked] == [11, 12, 10]
    assert [round(s, 6) for _, s in ranked] == [0.75, 0.65, 0.45]
    assert semantic.rerank([], [], query, np.empty((0, 2)), 0.5) == []


def test_rerank_breaks_ties_by_id() -> None:
    query = np.array([1.0, 0.0])
    vectors = np.array([[1.0, 0.0], [1.0, 0.0]])
    assert [i for i, _ in semantic.rerank([7, 3], [0.5, 0.5], query, vectors, 0.3)] == [3, 7]
