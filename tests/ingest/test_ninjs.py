"""IPTC ninjs items into articles: the seed, the IPTC examples, and malformed input."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from dateline.ingest.formats.ninjs import NinjsResult, parse_byline, parse_ninjs
from dateline.model import Author, BlockKind, InvalidItem, Source, Status, Topic
from dateline.model.dateline import display_dateline
from dateline.model.slug import slugify

SHARED = Path(__file__).resolve().parents[2].parent / "shared"
EXAMPLES = SHARED / "fixtures" / "ninjs" / "examples"
SEED_CREDIT = (
    "DeYoung reported from Washington and Loveluck from London. "
    "Alon Rom in Tel Aviv contributed to this report."
)


def shared(*parts: str) -> Path:
    path = SHARED.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"../shared is absent: {path} is read at run time")
    return path


def example_files() -> list[str]:
    files: list[str] = []
    for version in ("1.4", "2.1", "3.0"):
        folder = EXAMPLES / version
        files.extend(
            str(p.relative_to(EXAMPLES))
            for p in sorted(folder.rglob("*.json"))
            if p.name != "extension-schema.json"
        )
    return files or ["(../shared is absent)"]


def parse(item: Any, source: str = "item.json") -> NinjsResult:
    return parse_ninjs(json.dumps(item).encode(), source)


def one(item: dict[str, Any]) -> Any:
    (article,) = parse(item).articles
    return article


def text_item(**fields: Any) -> dict[str, Any]:
    item: dict[str, Any] = {
        "uri": "urn:test:1",
        "type": "text",
        "headline": "A headline",
        "body_html": "<p>Body text.</p>",
    }
    item.update(fields)
    return {k: v for k, v in item.items() if v is not None}


# The seed article


def test_the_seed_item() -> None:
    result = parse_ninjs(shared("seed", "article.ninjs.json").read_bytes(), "article.ninjs.json")
    assert result.skipped == ()
    (article,) = result.articles
    assert article.uid == "urn:example:seed:israel-rebuffs-blinken-2024-03-22"
    assert article.headline == (
        "Israel rebuffs Blinken concerns over Gaza war as U.N. cease-fire call fails"
    )
    assert (
        article.slug == "israel-rebuffs-blinken-concerns-over-gaza-war-as-u-n-cease-fire-call-fails"
    )
    assert article.dateline == "TEL AVIV"
    assert display_dateline(article.dateline) == "TEL AVIV"
    assert article.body[0].html.startswith("Secretary of State Antony Blinken")
    assert article.credit_line == SEED_CREDIT
    assert len(article.body) == 22
    assert all(block.kind is BlockKind.PARAGRAPH for block in article.body)
    assert article.body[-1].html.startswith("“We have teams in Doha")
    assert article.published_at == datetime(2024, 3, 22, 21, 0, tzinfo=UTC)
    assert article.version_at == article.updated_at == article.published_at
    assert article.language == "en"
    assert article.source == Source()
    assert article.status is Status.DRAFT
    assert article.section.slug == ""
    assert article.bylines == ()


def test_the_seed_body_reads_like_the_reference_page() -> None:
    result = parse_ninjs(shared("seed", "article.ninjs.json").read_bytes(), "seed")
    page = shared("seed", "article-page.txt").read_text(encoding="utf-8")
    lines = [line.strip() for line in page.splitlines() if line.strip()]
    (article,) = result.articles
    first = f"{display_dateline(article.dateline)} — {article.plain_text.splitlines()[0]}"
    start = lines.index(first)
    body_lines = article.plain_text.splitlines()
    assert lines[start + 1 : start + len(body_lines)] == body_lines[1:]
    assert lines[start + len(body_lines)] == article.credit_line


# The IPTC examples


@pytest.mark.parametrize("name", example_files())
def test_every_example_parses_or_is_skipped(name: str) -> None:
    path = shared("fixtures", "ninjs", "examples", name)
    document = json.loads(path.read_bytes())
    count = len(document) if isinstance(document, list) else 1
    result = parse_ninjs(path.read_bytes(), name)
    assert len(result.articles) + len(result.skipped) == count
    for article in result.articles:
        assert article.headline
        assert article.body
        assert article.plain_text
        assert article.uid
        assert article.version_at is None or article.version_at.tzinfo is UTC
    for message in result.skipped:
        assert message.startswith(f"{name}: item ")
        assert message.endswith("skipped")


@pytest.mark.parametrize(
    "name",
    [
        "1.4/ninjsExMediumText1.json",
        "1.4/ninjsExSimpleText1.json",
        "2.1/ninjsExSimpleText_2.json",
        "3.0/ninjsExSimpleText_3.json",
    ],
)
def test_the_cruise_ship_story_in_each_version(name: str) -> None:
    (article,) = parse_ninjs(
        shared("fixtures", "ninjs", "examples", name).read_bytes(), name
    ).articles
    assert article.headline == "Captain of wrecked cruise ship on trial in Italy"
    assert article.dateline == "GROSSETO, Italy"
    assert not article.body[0].html.startswith("GROSSETO")
    assert article.body[0].html.startswith("The trial of the captain")
    assert article.bylines == (
        Author(slug="paulo-santalucia", name="Paulo Santalucia"),
        Author(slug="frances-d-emilio", name="Frances d'Emilio"),
    )
    assert len(article.body) == 4
    assert article.version_at == datetime(2013, 7, 9, 10, 37, tzinfo=UTC)


@pytest.mark.parametrize(
    ("name", "kind"),
    [
        ("1.4/ninjsExSimplePhoto1.json", "a picture"),
        ("2.1/ap_image.json", "a picture"),
        ("3.0/ap_video.json", "a video"),
        ("3.0/ap_audio.json", "an audio item"),
        ("3.0/simpleEvent.json", "an event"),
        ("3.0/20231004-UEFA-ChampionLeague.json", "an event"),
    ],
)
def test_non_text_items_are_skipped_by_name(name: str, kind: str) -> None:
    result = parse_ninjs(shared("fixtures", "ninjs", "examples", name).read_bytes(), name)
    assert result.articles == ()
    (message,) = result.skipped
    assert message.startswith(f"{name}: item ")
    assert f" is {kind}, not a text article; skipped" in message


def test_dpa_text_is_syndicated_with_its_author() -> None:
    name = "3.0/dpa_text.json"
    (article,) = parse_ninjs(
        shared("fixtures", "ninjs", "examples", name).read_bytes(), name
    ).articles
    assert article.bylines == (Author(slug="christian-hollmann", name="Christian Hollmann"),)
    assert article.source == Source(
        kind="syndicated", publisher="dpa", item_id="urn:newsml:dpa.com:20090101:190510-99-167362"
    )
    assert article.language == "de"
    assert article.dateline == ""
    assert article.version_at == datetime(2019, 5, 10, 14, 2, 28, tzinfo=UTC)
    assert any(block.html.startswith("BEHAUPTUNG: Referee") for block in article.body)


def test_ntb_brief_takes_its_description_as_body() -> None:
    name = "3.0/ntb_text.json"
    (article,) = parse_ninjs(
        shared("fixtures", "ninjs", "examples", name).read_bytes(), name
    ).articles
    assert article.body[0].html.startswith("IT-giganten Google har kjøpt en tomt")
    assert article.deck == ""
    assert article.bylines == ()  # "by": "NTB" is an agency, not an author
    assert article.source.publisher == "NTB"
    assert [t.name for t in article.topics] == [
        "Innenriks",
        "Teknologi",
        "Industri",
        "Olje og energi",
    ]


def test_tt_html5_body_with_figure() -> None:
    name = "3.0/tt_text_image_3.json"
    (article,) = parse_ninjs(
        shared("fixtures", "ninjs", "examples", name).read_bytes(), name
    ).articles
    assert article.headline == "Militärövning i jätteformat hålls 2023"
    assert all(block.html != article.headline for block in article.body)  # the h1 is gone
    kinds = [block.kind for block in article.body]
    assert BlockKind.QUOTE in kinds
    image = article.body[kinds.index(BlockKind.IMAGE)]
    assert image.src.startswith("https://thumbnail.tt.se/")
    assert image.credit == "Karl Melander/TT"
    assert image.caption.startswith("En stor internationell försvarsövning")
    assert article.deck.startswith("Pandemin satte stopp")


def test_nitf_bodies_are_passed_over_for_the_plain_text() -> None:
    name = (
        "3.0/20231008-anti-doping-measures-at-the-tour-down-under-will-be-the-toughest-ever"
        "-addb-ninjs-nitf.json"
    )
    (article,) = parse_ninjs(
        shared("fixtures", "ninjs", "examples", name).read_bytes(), name
    ).articles
    assert article.body[0].html.startswith("The initiatives are being implemented")
    assert "<" not in article.plain_text
    assert article.dateline == "Oslo, Norway"
    assert article.bylines == (Author(slug=slugify("Trond Husø"), name="Trond Husø"),)
    assert article.deck.startswith("The Australian Sports Anti-Doping Authority")


def test_the_event_collection_is_all_skipped() -> None:
    name = "3.0/collection/20231016-event-timeline-sample.json"
    result = parse_ninjs(shared("fixtures", "ninjs", "examples", name).read_bytes(), name)
    assert result.articles == ()
    assert len(result.skipped) == 14


# Mapping rules, on small items


def test_version_3_camel_case_keys() -> None:
    article = one(
        {
            "uri": "urn:test:3",
            "type": "text",
            "headlines": [{"role": "sub", "value": "Sub"}, {"role": "main", "value": "Main"}],
            "bodies": [
                {"role": "text", "contentType": "text/plain", "value": "Plain one."},
                {"role": "html", "contentType": "text/html", "value": "<p>HTML one.</p>"},
            ],
            "descriptions": [
                {"role": "caption", "value": "Not a deck."},
                {"role": "summary", "value": "The deck."},
            ],
            "firstCreated": "2024-01-02T03:04:05+02:00",
            "versionCreated": "2024-01-03T00:00:00Z",
            "copyrightHolder": "Wire Co",
            "subjects": [{"name": "Harbor"}, {"uri": "http://cv.example/x"}, {"name": "Harbor"}],
            "by": "By Jane Doe and John Roe (AP)",
            "located": "Rome",
            "language": "it",
        }
    )
    assert article.headline == "Main"
    assert article.body[0].html == "HTML one."
    assert article.deck == "The deck."
    assert article.published_at == datetime(2024, 1, 2, 1, 4, 5, tzinfo=UTC)
    assert article.version_at == article.updated_at == datetime(2024, 1, 3, tzinfo=UTC)
    assert article.source == Source(kind="syndicated", publisher="Wire Co", item_id="urn:test:3")
    assert article.topics == (Topic(slug="harbor", name="Harbor"),)
    assert [a.name for a in article.bylines] == ["Jane Doe", "John Roe"]
    assert article.dateline == "Rome"
    assert article.language == "it"


def test_version_2_lower_case_keys_and_first_headline() -> None:
    article = one(
        {
            "uri": "urn:test:2",
            "headlines": [{"value": "Only"}],
            "bodies": [{"value": "Line one.\n\nLine two."}],
            "versioncreated": "2024-01-03T00:00:00Z",
        }
    )
    assert article.headline == "Only"
    assert [b.html for b in article.body] == ["Line one.", "Line two."]
    assert article.language == "en"


def test_keys_are_case_insensitive() -> None:
    article = one({"URI": "urn:x", "Type": "text", "HEADLINE": "H", "Body_Text": "B"})
    assert (article.uid, article.headline, article.body[0].html) == ("urn:x", "H", "B")


def test_body_text_when_there_is_no_html() -> None:
    article = one(text_item(body_html=None, body_text="First.\n\nSecond & last."))
    assert [b.html for b in article.body] == ["First.", "Second &amp; last."]


def test_a_long_description_is_no_deck() -> None:
    assert one(text_item(description_text="x" * 601)).deck == ""
    assert one(text_item(description_text="x" * 600)).deck == "x" * 600


def test_a_provider_makes_it_syndicated_with_its_web_link() -> None:
    article = one(
        text_item(
            provider={"name": "Wire Co"},
            links=[{"href": "ftp://x"}, {"href": "https://wire.example/story", "rel": "canonical"}],
        )
    )
    assert article.source == Source(
        kind="syndicated",
        publisher="Wire Co",
        url="https://wire.example/story",
        item_id="urn:test:1",
    )
    assert article.canonical_url == "https://wire.example/story"


def test_body_links_resolve_against_the_item_url() -> None:
    article = one(text_item(uri="https://wire.example/a/b", body_html='<p><a href="c">c</a></p>'))
    assert 'href="https://wire.example/a/c"' in article.body[0].html


def test_the_body_is_sanitized() -> None:
    article = one(
        text_item(
            body_html='<p>Safe<script>alert(1)</script></p><p onclick="x">'
            '<a href="javascript:alert(1)">bad</a><img src="data:image/png;base64,AA"></p>'
        )
    )
    html = "".join(block.html for block in article.body)
    for gone in ("script", "alert", "onclick", "javascript", "data:"):
        assert gone not in html


def test_a_composite_with_a_body_is_an_article_and_without_is_skipped() -> None:
    assert parse(text_item(type="composite")).articles
    result = parse(text_item(type="composite", body_html=None))
    assert result.articles == ()
    assert result.skipped == ("item.json: item urn:test:1 is a composite without text; skipped",)


def test_a_text_item_without_any_body_is_skipped() -> None:
    result = parse(text_item(body_html=None))
    assert result.skipped == ("item.json: item urn:test:1 is a text item with no body; skipped",)


def test_a_list_of_items_and_an_items_wrapper() -> None:
    items = [text_item(uri="urn:a"), text_item(uri="urn:b", type="picture")]
    listed = parse(items)
    wrapped = parse({"items": items})
    for result in (listed, wrapped):
        assert [a.uid for a in result.articles] == ["urn:a"]
        assert result.skipped == (
            "item.json: item urn:b is a picture, not a text article; skipped",
        )


def test_an_empty_list_gives_nothing() -> None:
    assert parse([]) == NinjsResult(articles=(), skipped=())


@pytest.mark.parametrize(
    ("by", "names"),
    [
        ("Paulo Santalucia and Frances d'Emilio", ["Paulo Santalucia", "Frances d'Emilio"]),
        ("Von Christian Hollmann, dpa", ["Christian Hollmann"]),
        ("Av Kari Nordmann og Ola Nordmann, NTB", ["Kari Nordmann", "Ola Nordmann"]),
        ("By JANE DOE (AP)", ["JANE DOE"]),
        ("By Jane Doe, Associated Press Writer", ["Jane Doe"]),
        ("Jane Doe & John Roe; Ann Lee", ["Jane Doe", "John Roe", "Ann Lee"]),
        ("Karl Melander/TT", ["Karl Melander"]),
        ("Trond Husø, The Anti-Doping Database", ["Trond Husø"]),
        ("Jane Doe and Jane Doe", ["Jane Doe"]),
        ("NTB", []),
        ("dpa", []),
        ("(AP)", []),
        ("AP", []),
        ("", []),
    ],
)
def test_bylines(by: str, names: list[str]) -> None:
    assert [author.name for author in parse_byline(by)] == names


def test_byline_authors_have_slugs() -> None:
    assert parse_byline("By Frances d'Emilio") == (
        Author(slug="frances-d-emilio", name="Frances d'Emilio"),
    )


# Malformed input


def invalid(data: bytes | Any, source: str = "item.json") -> InvalidItem:
    raw = data if isinstance(data, bytes) else json.dumps(data).encode()
    with pytest.raises(InvalidItem) as caught:
        parse_ninjs(raw, source)
    return caught.value


def test_not_json_says_where() -> None:
    error = invalid(b'{\n  "uri": "urn:x",\n  "headline": oops\n}')
    assert error.source == "item.json"
    assert "not valid JSON" in error.message
    assert "line 3, column 15" in error.message


def test_not_utf8() -> None:
    assert "not UTF-8" in invalid(b'{"uri": "\xff"}').message


@pytest.mark.parametrize("document", ["a string", 42, None, [1]])
def test_not_an_object(document: Any) -> None:
    assert "JSON object" in invalid(document).message


@pytest.mark.parametrize(
    ("item", "field"),
    [
        (text_item(uri=None), "uri"),
        (text_item(uri=""), "uri"),
        (text_item(uri=17), "uri"),
        (text_item(headline=None), "headline"),
        (text_item(headline="  "), "headline"),
        (text_item(headline=12), "headline"),
        (text_item(headline="h" * 301), "headline"),
        (
            {"uri": "u", "headlines": [{"value": 3}], "bodies": [{"value": "b"}]},
            "headlines",
        ),
        ({"uri": "u", "headlines": "H", "bodies": [{"value": "b"}]}, "headlines"),
        ({"uri": "u", "headlines": [], "bodies": [{"value": "b"}]}, "headlines"),
        (text_item(body_html=["<p>x</p>"]), "body_html"),
        (text_item(bodies="text"), "bodies"),
        (text_item(located="x" * 121), "located"),
        (text_item(firstcreated="yesterday"), "firstcreated"),
        (text_item(versioncreated="2024-13-01T00:00:00Z"), "versioncreated"),
        (text_item(versionCreated="2024-01-01T00:00:00"), "versionCreated"),
        (text_item(versioncreated=20240101), "versioncreated"),
        (text_item(subjects=[{"name": 5}]), "subjects"),
        (text_item(subject="Politics"), "subject"),
        (text_item(by=["Jane"]), "by"),
    ],
)
def test_malformed_items_name_the_field(item: dict[str, Any], field: str) -> None:
    assert invalid(item).field == field


def test_a_naive_date_needs_an_offset() -> None:
    error = invalid(text_item(firstcreated="2024-01-01T10:00:00"))
    assert "needs a UTC offset" in error.message


def test_one_bad_item_fails_a_list_naming_index_and_field() -> None:
    error = invalid([text_item(uri="urn:a"), text_item(uri="urn:b"), text_item(headline=7)])
    assert error.field == "headline"
    assert error.message.startswith("item 2: ")
    assert str(error).startswith("item.json: field 'headline': item 2: ")


def test_a_non_object_in_a_list_is_named() -> None:
    assert invalid([text_item(), "x"]).message.startswith("item 1: must be a JSON object")


def test_errors_come_before_skipping_only_for_the_uri() -> None:
    assert invalid({"type": "picture"}).field == "uri"
    assert parse({"uri": "u", "type": "picture", "headline": 5}).skipped
