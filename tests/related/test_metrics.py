"""Related-list metrics on tiny hand-computed cases."""

from __future__ import annotations

import math

import numpy as np
import pytest

from dateline.related import metrics

CLUSTERS = {"a1": "A", "a2": "A", "a3": "A", "b1": "B", "c1": "C"}
TOPICS = {"a1": "t", "a2": "t", "a3": "t", "b1": "t", "c1": "u"}


def test_ndcg_uses_graded_exponential_gains_against_the_best_five() -> None:
    perfect = {"a1": ["a2", "a3", "b1", "c1"]}
    assert metrics.ndcg5_graded(perfect, CLUSTERS, TOPICS) == pytest.approx(1.0)
    swapped = {"a1": ["b1", "a2", "a3", "c1"]}
    dcg = 1 + 3 / math.log2(3) + 3 / math.log2(4)
    ideal = 3 + 3 / math.log2(3) + 1 / math.log2(4)
    assert metrics.ndcg5_graded(swapped, CLUSTERS, TOPICS) == pytest.approx(dcg / ideal)


def test_p5_mrr_and_confusion() -> None:
    rankings = {"a1": ["c1", "b1", "a2"], "b1": ["a1", "c1"]}
    assert metrics.p5(rankings, CLUSTERS) == pytest.approx((1 / 5 + 0) / 2)
    assert metrics.mrr(rankings, CLUSTERS) == pytest.approx((1 / 3 + 0) / 2)
    assert metrics.topic_confusion5(rankings, CLUSTERS, TOPICS) == pytest.approx(
        (1 / 5 + 1 / 5) / 2
    )


def test_pair_aucs_count_ties_as_half() -> None:
    clusters = ["A", "A", "B", "C"]
    topics = ["t", "t", "t", "u"]
    scores = np.array(
        [
            [1.0, 0.8, 0.8, 0.1],
            [0.8, 1.0, 0.9, 0.2],
            [0.8, 0.9, 1.0, 0.3],
            [0.1, 0.2, 0.3, 1.0],
        ]
    )
    # one positive (0.8) against negatives 0.8 (tie), 0.1, 0.9, 0.2, 0.3
    assert metrics.pair_auc(scores, clusters) == pytest.approx((0.5 + 1 + 0 + 1 + 1) / 5)
    # hard negatives only: 0.8 (tie) and 0.9
    assert metrics.within_topic_auc(scores, clusters, topics) == pytest.approx(0.25)


def test_auc_of_perfect_and_reversed_scores() -> None:
    assert metrics.auc([3, 4], [1, 2]) == 1.0
    assert metrics.auc([1], [2, 3]) == 0.0
