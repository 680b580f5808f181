"""The evaluation harness: the issue's targets on ECB+, and clear errors on bad input."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from dateline.evaluation import EvaluationDataError, evaluate, read_items
from tests.conftest import shared_path

STORIES = [
    ("Port Alder dockworkers strike", "Dockworkers at Port Alder walked out over cranes."),
    ("Port Alder strike continues", "The Port Alder strike by dockworkers went on."),
    ("Moon lander in orbit", "The Selene lander entered orbit around the moon."),
    ("Selene lander descends", "The Selene lander began its descent to the moon."),
]


def _write(path: Path, extra: str = "") -> Path:
    lines = [
        json.dumps(
            {
                "id": f"s{i}",
                "title": title,
                "body": body,
                "published": "2026-11-20T10:00:00+00:00" if i % 2 else None,
                "cluster": f"c{i // 2}",
                "topic": "t",
            }
        )
        for i, (title, body) in enumerate(STORIES)
    ]
    path.write_text("\n".join(lines) + "\n" + extra, encoding="utf-8")
    return path


def test_small_file_is_measured_through_publish(tmp_path: Path) -> None:
    seen: list[int] = []
    result = evaluate(_write(tmp_path / "small.jsonl"), progress=seen.append)
    assert result["dataset"] == "small.jsonl" and result["articles"] == 4
    assert sum(seen) == 4
    assert result["dateline"]["p5"] > 0
    assert set(result["tfidf"]) == set(result["dateline"]) - {"seconds_per_article"}


def test_bad_line_names_line_and_field(tmp_path: Path) -> None:
    bad = json.dumps({"id": "x", "title": 3, "body": "", "cluster": "c"})
    with pytest.raises(EvaluationDataError, match=r"line 5: field 'title'"):
        read_items(_write(tmp_path / "bad.jsonl", bad + "\n"))
    with pytest.raises(EvaluationDataError, match=r"line 5: not JSON"):
        evaluate(_write(tmp_path / "broken.jsonl", "{oops\n"))


def test_ecbplus_meets_the_targets() -> None:
    result = evaluate(shared_path("data", "related", "ecbplus.jsonl"))
    ours, tfidf = result["dateline"], result["tfidf"]
    assert result["articles"] == 982
    for metric in ("ndcg5_graded", "p5", "mrr", "pair_auc", "within_topic_auc"):
        assert ours[metric] >= tfidf[metric], metric
    assert ours["topic_confusion5"] <= tfidf["topic_confusion5"]
    assert ours["within_topic_auc"] >= 0.95
    assert ours["ndcg5_graded"] >= 0.985
    assert ours["topic_confusion5"] <= 0.02
