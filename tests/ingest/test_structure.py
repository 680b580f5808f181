"""Recognising a body's own dateline and closing credit line."""

from __future__ import annotations

import pytest

from dateline.ingest.structure import is_credit_line, recognize, split_dateline
from dateline.model import Block, BlockKind

P = BlockKind.PARAGRAPH
CREDIT = (
    "DeYoung reported from Washington and Loveluck from London. "
    "Alon Rom in Tel Aviv contributed to this report."
)


@pytest.mark.parametrize(
    ("html", "place", "rest"),
    [
        (
            "TEL AVIV — Secretary of State Antony Blinken",
            "TEL AVIV",
            "Secretary of State Antony Blinken",
        ),
        (
            "GROSSETO, Italy (AP) -- The trial of the captain",
            "GROSSETO, Italy",
            "The trial of the captain",
        ),
        ("WASHINGTON (Reuters) - The Federal Reserve", "WASHINGTON", "The Federal Reserve"),
        ("PORTSMOUTH, N.H. — The city council voted", "PORTSMOUTH, N.H.", "The city council voted"),
        ("NEW YORK, Nov. 5 (Reuters) - Stocks rose", "NEW YORK", "Stocks rose"),
        ("PORTLAND, Ore., Sept. 12 (AP) — Police said", "PORTLAND, Ore.", "Police said"),
        ("LONDON, March 3 — Britain", "LONDON", "Britain"),
        ("SÃO PAULO – Brazil's central bank", "SÃO PAULO", "Brazil's central bank"),
        ("ST. JOHN'S, N.L. — A storm", "ST. JOHN'S, N.L.", "A storm"),
        ("WINSTON-SALEM, N.C. — A jury", "WINSTON-SALEM, N.C.", "A jury"),
        ("ZÜRICH (dpa) – Die Schweizer", "ZÜRICH", "Die Schweizer"),
        ("KYIV, Ukraine — “We will hold,” he said", "KYIV, Ukraine", "“We will hold,” he said"),
        ("BEIJING — 2024 began", "BEIJING", "2024 began"),
        ("WASHINGTON—The White House", "WASHINGTON", "The White House"),
        (
            "<strong>TEL AVIV</strong> — Secretary <em>Blinken</em>",
            "TEL AVIV",
            "Secretary <em>Blinken</em>",
        ),
        ("<b>BERLIN —</b> The chancellor", "BERLIN", "The chancellor"),
        ("NATO — The alliance said", "NATO", "The alliance said"),
    ],
)
def test_datelines_are_split_off(html: str, place: str, rest: str) -> None:
    assert split_dateline(html) == (place, rest)


@pytest.mark.parametrize(
    "html",
    [
        "“We will win,” he said — and the crowd cheered.",
        '"WE WIN" — The crowd',
        "The tense back-and-forth — on the same day that Israel’s minister",
        "Tel Aviv — Secretary of State",  # the city is not in capitals
        "BEHAUPTUNG: Referee Zwayer aus Berlin sagte nach dem Spiel",
        "NATO — the alliance said on Friday",  # lower-case continuation
        "BREAKING — The president has",
        "ANALYSIS — Why the vote matters",
        "U.S. officials say — again — that",
        "WASHINGTON The president said",  # no separator
        "WASHINGTON —",  # nothing after it
        "A — B",  # one letter is no city
        "FOR IMMEDIATE RELEASE, AND FOR ALL NEWSROOMS EVERYWHERE AROUND THE WORLD — Acme",
        "Für Lucien Favre war es «der größte Skandal im Fußball seit Jahren».",
        "(美國商業資訊)--為透明及軟性導體市場",
        "",
    ],
)
def test_not_datelines(html: str) -> None:
    assert split_dateline(html) is None


@pytest.mark.parametrize(
    "text",
    [
        CREDIT,
        "Maria Lopez reported from Portsmouth.",
        "Maria Lopez reported from Portsmouth. Dev Patel contributed to this report.",
        "Associated Press writer Frances D'Emilio in Rome contributed to this report.",
        "Jane Doe contributed reporting.",
        "Jane Doe contributed reporting from Kyiv.",
        "Reporting by Jane Doe; Editing by John Smith",
        "(Reporting by Jane Doe in Berlin; additional reporting by Ann Lee; Editing by Tom Wu)",
        "Loveluck reported from London, Rom from Tel Aviv.",
        "Hendrix reported from Jerusalem and Balousha from Amman, Jordan.",
        "Staff writer Dev Patel contributed to this story.",
    ],
)
def test_credit_lines(text: str) -> None:
    assert is_credit_line(text)


@pytest.mark.parametrize(
    "text",
    [
        "“We have teams in Doha, and as I said, we’ve gotten it down to a few remaining gaps, "
        "but the closer you get to the goal line, the harder that last yard is,” Blinken said.",
        "The Washington Post reported from Doha that the talks failed and officials said "
        "they would not resume before the end of the month.",
        "Officials reported from the scene that three people were hurt.",
        "The findings contributed to the report's conclusions.",
        "Maria Lopez reported from Portsmouth. The council will vote again in May.",
        "“Reporting by anyone is welcome,” she said.",
        "",
        "Jane Doe contributed to this report. " * 12,  # far too long for a credit line
    ],
)
def test_not_credit_lines(text: str) -> None:
    assert not is_credit_line(text)


def paragraphs(*texts: str) -> tuple[Block, ...]:
    return tuple(Block(P, html=text) for text in texts)


def test_recognize_takes_dateline_and_credit_out() -> None:
    dateline, credit, blocks = recognize(
        paragraphs("TEL AVIV — Secretary of State Antony Blinken", "Middle.", CREDIT)
    )
    assert dateline == "TEL AVIV"
    assert credit == CREDIT
    assert blocks == paragraphs("Secretary of State Antony Blinken", "Middle.")


def test_the_body_dateline_wins_over_the_fallback() -> None:
    dateline, _, blocks = recognize(
        paragraphs("GROSSETO, Italy (AP) -- The trial", "More."), dateline="Grossetto, Italy"
    )
    assert dateline == "GROSSETO, Italy"
    assert blocks[0].html == "The trial"


def test_the_fallback_dateline_stands_when_the_body_has_none() -> None:
    dateline, credit, blocks = recognize(paragraphs("The trial began.", "More."), dateline="Oslo")
    assert (dateline, credit) == ("Oslo", "")
    assert blocks == paragraphs("The trial began.", "More.")


def test_only_a_leading_paragraph_gives_a_dateline() -> None:
    blocks = (Block(BlockKind.HEADING, html="Intro"), *paragraphs("WASHINGTON — The", "x"))
    assert recognize(blocks) == ("", "", blocks)


def test_an_explicit_credit_line_wins_and_keeps_a_different_last_paragraph() -> None:
    blocks = paragraphs("Text.", "Maria Lopez reported from Portsmouth.")
    assert recognize(blocks, credit_line="Staff report.") == ("", "Staff report.", blocks)


def test_an_explicit_credit_line_drops_the_same_last_paragraph() -> None:
    _, credit, blocks = recognize(
        paragraphs("Text.", "<em>Maria Lopez reported from Portsmouth.</em>"),
        credit_line="Maria Lopez  reported from Portsmouth.",
    )
    assert credit == "Maria Lopez  reported from Portsmouth."
    assert blocks == paragraphs("Text.")


def test_the_credit_line_is_plain_text() -> None:
    _, credit, _ = recognize(paragraphs("Text.", "<em>Jane Doe</em> contributed reporting."))
    assert credit == "Jane Doe contributed reporting."


def test_a_last_non_paragraph_is_never_a_credit() -> None:
    blocks = (*paragraphs("Text."), Block(BlockKind.QUOTE, html="Jane Doe contributed reporting."))
    assert recognize(blocks) == ("", "", blocks)


def test_recognize_on_no_blocks() -> None:
    assert recognize((), dateline="Oslo", credit_line="c") == ("Oslo", "c", ())
