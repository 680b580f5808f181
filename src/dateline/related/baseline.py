"""The TF-IDF cosine baseline the related ranking is measured against.

As stated with the evaluation data: scikit-learn ``TfidfVectorizer(sublinear_tf=True,
stop_words="english", max_df=0.5)`` over each article's title twice plus its body, and
cosine similarity between the (L2-normalised) vectors.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from typing import TypeVar

import numpy as np
import numpy.typing as npt
from sklearn.feature_extraction.text import TfidfVectorizer

K = TypeVar("K", bound=Hashable)


def similarity_matrix(titles: Sequence[str], bodies: Sequence[str]) -> npt.NDArray[np.float64]:
    """Cosine similarity of every pair of articles (a dense symmetric matrix)."""
    texts = [f"{t} {t} {b}" for t, b in zip(titles, bodies, strict=True)]
    vectors = TfidfVectorizer(sublinear_tf=True, stop_words="english", max_df=0.5)
    matrix = vectors.fit_transform(texts)
    return np.asarray((matrix @ matrix.T).toarray(), dtype=np.float64)


def rankings(ids: Sequence[K], scores: npt.NDArray[np.float64], limit: int = 5) -> dict[K, list[K]]:
    """Each article's ``limit`` best others by score (ties by position), best first."""
    n = len(ids)
    matrix = np.array(scores, dtype=np.float64)
    np.fill_diagonal(matrix, -np.inf)
    order = np.argsort(-matrix, axis=1, kind="stable")[:, : min(limit, n - 1)]
    return {ids[i]: [ids[j] for j in order[i]] for i in range(n)}
