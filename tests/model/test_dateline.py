"""The printed dateline: city in capitals, region as written."""

from __future__ import annotations

import pytest

from dateline.model.dateline import display_dateline


@pytest.mark.parametrize(
    ("place", "printed"),
    [
        ("Tel Aviv", "TEL AVIV"),
        ("TEL AVIV", "TEL AVIV"),
        ("GROSSETO, Italy", "GROSSETO, Italy"),
        ("Grosseto, Italy", "GROSSETO, Italy"),
        ("Portsmouth, N.H.", "PORTSMOUTH, N.H."),
        ("São Paulo", "SÃO PAULO"),
        ("Washington, D.C., USA", "WASHINGTON, D.C., USA"),
        ("  Oslo ,  Norway ", "OSLO, Norway"),
    ],
)
def test_city_in_capitals_region_as_written(place: str, printed: str) -> None:
    assert display_dateline(place) == printed


@pytest.mark.parametrize("place", ["", "   ", "\n"])
def test_blank_place_prints_nothing(place: str) -> None:
    assert display_dateline(place) == ""


def test_whitespace_inside_is_collapsed() -> None:
    assert display_dateline("New\n  York") == "NEW YORK"
