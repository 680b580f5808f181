"""Pure metrics for related lists against labelled stories.

Each article belongs to a cluster (one real-world event) and a topic (the kind of event;
a topic may hold several clusters). List metrics take, for each query article, its ranked
list of other ids; pair metrics take a symmetric matrix of pair scores.

- ``ndcg5_graded``: nDCG@5 with relevance grade 2 for the same cluster, 1 for the same
  topic only, and the usual exponential gain ``2**grade - 1`` (3 and 1), the ideal DCG
  being that of the best five among all other articles;
- ``p5``: share of the five slots holding the same cluster;
- ``mrr``: mean reciprocal rank of the first same-cluster article (0 when none listed);
- ``topic_confusion5``: share of the five slots taken by the same topic's other clusters;
- ``pair_auc``: ROC-AUC of pair scores, same cluster against all other pairs;
- ``within_topic_auc``: the same, against pairs of the same topic only (hard negatives).

Queries whose ideal DCG is 0 (no other article of their topic) are left out of nDCG.

On the gains: the evaluation data's README (and the issue) speak of "gain 2 same cluster,
1 same topic only"; those numbers are the relevance *grades*. The gains used are
``2**grade - 1``, i.e. 3 for the same cluster and 1 for the same topic only, because that
is what reproduces the README's stated TF-IDF figure on ECB+ (graded nDCG@5 0.976; linear
gains 2 and 1 would give 0.982 for the same baseline).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Hashable, Mapping, Sequence
from typing import TypeVar

import numpy as np
import numpy.typing as npt
from scipy.stats import rankdata

K = TypeVar("K", bound=Hashable)
SLOTS = 5
_DISCOUNT = 1.0 / np.log2(np.arange(2, SLOTS + 2))


SAME_CLUSTER_GAIN = 2**2 - 1  # grade 2: gain 3
SAME_TOPIC_GAIN = 2**1 - 1  # grade 1: gain 1


def _gains(
    query: K, ranked: Sequence[K], clusters: Mapping[K, str], topics: Mapping[K, str]
) -> list[int]:
    gains = []
    for other in list(ranked)[:SLOTS]:
        if clusters[other] == clusters[query]:
            gains.append(SAME_CLUSTER_GAIN)
        elif topics[other] == topics[query]:
            gains.append(SAME_TOPIC_GAIN)
        else:
            gains.append(0)
    return gains


def ndcg5_graded(
    rankings: Mapping[K, Sequence[K]], clusters: Mapping[K, str], topics: Mapping[K, str]
) -> float:
    """Mean graded nDCG@5 over the queries."""
    cluster_size = Counter(clusters.values())
    topic_size = Counter(topics[k] for k in clusters)
    values = []
    for query, ranked in rankings.items():
        same = cluster_size[clusters[query]] - 1
        topic_only = topic_size[topics[query]] - 1 - same
        ideal = [SAME_CLUSTER_GAIN] * min(same, SLOTS)
        ideal += [SAME_TOPIC_GAIN] * min(topic_only, SLOTS - len(ideal))
        if not ideal:
            continue
        gains = _gains(query, ranked, clusters, topics)
        dcg = float(np.dot(gains, _DISCOUNT[: len(gains)]))
        values.append(dcg / float(np.dot(ideal, _DISCOUNT[: len(ideal)])))
    return float(np.mean(values)) if values else 0.0


def p5(rankings: Mapping[K, Sequence[K]], clusters: Mapping[K, str]) -> float:
    """Mean share of the five slots holding an article of the query's cluster."""
    values = [
        sum(clusters[o] == clusters[q] for o in list(r)[:SLOTS]) / SLOTS
        for q, r in rankings.items()
    ]
    return float(np.mean(values)) if values else 0.0


def mrr(rankings: Mapping[K, Sequence[K]], clusters: Mapping[K, str]) -> float:
    """Mean reciprocal rank of the first article of the query's cluster."""
    values = []
    for query, ranked in rankings.items():
        rank = next((i for i, o in enumerate(ranked, 1) if clusters[o] == clusters[query]), 0)
        values.append(1.0 / rank if rank else 0.0)
    return float(np.mean(values)) if values else 0.0


def topic_confusion5(
    rankings: Mapping[K, Sequence[K]], clusters: Mapping[K, str], topics: Mapping[K, str]
) -> float:
    """Mean share of the five slots taken by the query topic's other clusters."""
    values = [
        sum(clusters[o] != clusters[q] and topics[o] == topics[q] for o in list(r)[:SLOTS]) / SLOTS
        for q, r in rankings.items()
    ]
    return float(np.mean(values)) if values else 0.0


def auc(positives: npt.ArrayLike, negatives: npt.ArrayLike) -> float:
    """ROC-AUC (Mann-Whitney U): chance a positive outscores a negative, ties count half."""
    pos = np.asarray(positives, dtype=np.float64).ravel()
    neg = np.asarray(negatives, dtype=np.float64).ravel()
    if not len(pos) or not len(neg):
        return float("nan")
    ranks = rankdata(np.concatenate([pos, neg]))
    u = ranks[: len(pos)].sum() - len(pos) * (len(pos) + 1) / 2
    return float(u / (len(pos) * len(neg)))


def _pairs(
    scores: npt.ArrayLike, labels: Sequence[str]
) -> tuple[
    npt.NDArray[np.float64], npt.NDArray[np.bool_], npt.NDArray[np.intp], npt.NDArray[np.intp]
]:
    matrix = np.asarray(scores, dtype=np.float64)
    n = len(labels)
    if matrix.shape != (n, n):
        raise ValueError(f"scores must be {n}x{n}, got {matrix.shape}")
    upper = np.triu_indices(n, k=1)
    codes = np.unique(np.asarray(labels), return_inverse=True)[1]
    same: npt.NDArray[np.bool_] = codes[upper[0]] == codes[upper[1]]
    return matrix[upper], same, upper[0], upper[1]


def pair_auc(scores: npt.ArrayLike, clusters: Sequence[str]) -> float:
    """AUC of the pair scores for same cluster against every other pair.

    ``scores[i, j]`` is the score of articles ``i`` and ``j`` (upper triangle read).
    """
    values, same, _, _ = _pairs(scores, clusters)
    return auc(values[same], values[~same])


def within_topic_auc(
    scores: npt.ArrayLike, clusters: Sequence[str], topics: Sequence[str]
) -> float:
    """AUC of the pair scores for same cluster against same topic, other cluster."""
    values, same, i, j = _pairs(scores, clusters)
    codes = np.unique(np.asarray(topics), return_inverse=True)[1]
    same_topic = codes[i] == codes[j]
    return auc(values[same], values[same_topic & ~same])
