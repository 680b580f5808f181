"""NewsArticle JSON-LD: built from the model, checked against the schema.org vocabulary."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

from dateline.model import (
    Article,
    Author,
    Block,
    BlockKind,
    Correction,
    Section,
    Source,
    Status,
    Topic,
)
from dateline.seo.credit import Credited, credited
from dateline.seo.jsonld import Publisher, news_article, place_name, script_json, shorten
from dateline.seo.social import article_tags
from tests.seo.schemaorg import google_problems, problems, vocabulary

PUBLISHED = datetime(2026, 3, 9, 14, 30, tzinfo=UTC)
PUBLISHER = Publisher(
    "The Test Dateline", "https://news.example.org/", "https://news.example.org/static/x/logo.svg"
)
PAGE = "https://news.example.org/2026/03/09/blinken-in-tel-aviv"


def story(**changes: Any) -> Article:
    values: dict[str, Any] = {
        "uid": "test:blinken",
        "slug": "blinken-in-tel-aviv",
        "headline": "Blinken presses Israel on Rafah as cease-fire talks narrow",
        "deck": "The secretary of state met the war cabinet in Tel Aviv.",
        "section": Section("world", "World", 1, id=1),
        "dateline": "TEL AVIV",
        "credit_line": (
            "DeYoung reported from Washington and Loveluck from London. "
            "Alon Rom in Tel Aviv contributed to this report."
        ),
        "body": (
            Block(BlockKind.PARAGRAPH, html="Secretary of State Antony Blinken said on Friday."),
            Block(BlockKind.IMAGE, src="/media/blinken.jpg", alt="Blinken", caption="In Tel Aviv"),
        ),
        "bylines": (
            Author("karen-deyoung", "Karen DeYoung"),
            Author("louisa-loveluck", "Louisa Loveluck"),
        ),
        "topics": (Topic("gaza", "Gaza"), Topic("diplomacy", "Diplomacy")),
        "status": Status.PUBLISHED,
        "published_at": PUBLISHED,
        "updated_at": PUBLISHED + timedelta(hours=2),
        "corrections": (
            Correction(
                "An earlier version misstated the day of the meeting.",
                PUBLISHED + timedelta(hours=5),
            ),
        ),
        "id": 7,
    }
    values.update(changes)
    return Article(**values)


def test_news_article_is_valid_schema_org_and_meets_google_guidance() -> None:
    data = news_article(story(), PUBLISHER, PAGE)
    assert problems(data) == []
    assert google_problems(data) == []
    assert vocabulary().version  # the vocabulary really came from the installed package


def test_news_article_carries_every_field_the_issue_names() -> None:
    data = news_article(story(), PUBLISHER, PAGE)
    assert data["@context"] == "https://schema.org"
    assert data["@type"] == "NewsArticle"
    assert data["mainEntityOfPage"] == {"@type": "WebPage", "@id": PAGE}
    assert data["description"] == "The secretary of state met the war cabinet in Tel Aviv."
    assert data["datePublished"] == "2026-03-09T14:30:00+00:00"
    # the correction, five hours in, is the latest change
    assert data["dateModified"] == "2026-03-09T19:30:00+00:00"
    assert data["author"] == [
        {
            "@type": "Person",
            "name": "Karen DeYoung",
            "url": "https://news.example.org/author/karen-deyoung",
        },
        {
            "@type": "Person",
            "name": "Louisa Loveluck",
            "url": "https://news.example.org/author/louisa-loveluck",
        },
    ]
    # DeYoung and Loveluck are bylines (named by surname in the credit line): not contributors
    assert data["contributor"] == [{"@type": "Person", "name": "Alon Rom"}]
    assert data["locationCreated"] == {"@type": "Place", "name": "Tel Aviv"}
    assert data["publisher"]["@type"] == "NewsMediaOrganization"
    assert data["publisher"]["logo"] == {"@type": "ImageObject", "url": PUBLISHER.logo_url}
    assert data["image"] == ["https://news.example.org/media/blinken.jpg"]
    assert data["isAccessibleForFree"] is True
    assert data["articleSection"] == "World"
    assert data["keywords"] == ["Gaza", "Diplomacy"]
    assert data["inLanguage"] == "en"
    assert data["correction"] == [
        {
            "@type": "CorrectionComment",
            "text": "An earlier version misstated the day of the meeting.",
            "datePublished": "2026-03-09T19:30:00+00:00",
        }
    ]


def test_article_without_image_bylines_or_deck_still_validates() -> None:
    article = story(
        body=(Block(BlockKind.PARAGRAPH, html="Markets rose on Monday. " * 30),),
        deck="",
        bylines=(),
        credit_line="",
        dateline="",
        corrections=(),
        source=Source("syndicated", "Wire Service", "https://wire.example.com/story/1", "1"),
    )
    data = news_article(article, PUBLISHER, "https://wire.example.com/story/1")
    assert "image" not in data and "contributor" not in data and "locationCreated" not in data
    assert data["author"] == [{"@type": "Organization", "name": "Wire Service"}]
    assert data["isBasedOn"] == "https://wire.example.com/story/1"
    assert data["description"].startswith("Markets rose on Monday.")
    assert len(data["description"]) <= 200
    assert problems(data) == []
    assert google_problems(data) == []


def test_checker_rejects_unknown_property_wrong_domain_wrong_range_and_bad_values() -> None:
    good = news_article(story(), PUBLISHER, PAGE)
    assert problems({**good, "headlineText": "x"}) == [
        "$.headlineText: 'headlineText' is not a schema.org property"
    ]
    # a real property, but not one of a NewsArticle
    assert problems({**good, "servesCuisine": "Thai"}) == [
        "$.servesCuisine: 'servesCuisine' is not a property of NewsArticle"
    ]
    # a Place cannot be an author
    wrong_range = problems({**good, "author": [{"@type": "Place", "name": "Gaza"}]})
    assert len(wrong_range) == 1 and "a Place is not in the range of 'author'" in wrong_range[0]
    assert problems({**good, "@type": "NewsStory"}) == ["$: 'NewsStory' is not a schema.org type"]
    assert problems({**good, "datePublished": "last Friday"}) != []
    assert problems({**good, "datePublished": "2026-03-09T14:30:00"}) != []  # no zone
    assert problems({**good, "url": "/2026/03/09/relative"}) != []
    assert problems({**good, "isAccessibleForFree": "yes"}) != []
    missing = {k: v for k, v in good.items() if k not in ("dateModified", "author")}
    assert google_problems(missing) == ["dateModified is missing", "author is missing"]


def test_script_json_cannot_break_out_of_the_script_element() -> None:
    article = story(headline="</script><script>alert(1)</script> & <!-- more")
    text = script_json(news_article(article, PUBLISHER, PAGE))
    assert "<" not in text and ">" not in text and "&" not in text
    assert "\\u003c/script\\u003e" in text
    assert json.loads(text)["headline"] == article.headline


def test_script_json_writes_every_unsafe_character_escaped() -> None:
    data = {"text": "a<b>c&d\u2028e\u2029f</script>", "list": ["&&", "<<>>"]}
    text = script_json(data)
    assert text == (
        '{"text":"a\\u003cb\\u003ec\\u0026d\\u2028e\\u2029f\\u003c/script\\u003e",'
        '"list":["\\u0026\\u0026","\\u003c\\u003c\\u003e\\u003e"]}'
    )
    assert json.loads(text) == data


def test_long_headline_is_cut_at_a_word_to_110_characters() -> None:
    headline = "Word " * 40
    assert len(news_article(story(headline=headline), PUBLISHER, PAGE)["headline"]) <= 110
    assert shorten("one two three four", 12) == "one two…"
    assert shorten("short", 110) == "short"


def test_place_name_from_the_dateline() -> None:
    assert place_name("TEL AVIV") == "Tel Aviv"
    assert place_name("PORTSMOUTH, N.H.") == "Portsmouth, N.H."
    assert place_name("ST. JOHN'S") == "St. John's"
    assert place_name("WINSTON-SALEM, N.C.") == "Winston-Salem, N.C."
    assert place_name("SÃO PAULO") == "São Paulo"
    assert place_name("Doha, Qatar") == "Doha, Qatar"
    assert place_name("") == ""


def test_credit_line_names() -> None:
    assert credited(
        "DeYoung reported from Washington and Loveluck from London. "
        "Alon Rom in Tel Aviv contributed to this report.",
        ["Karen DeYoung", "Louisa Loveluck"],
    ) == [Credited("Alon Rom", "Person")]
    assert credited("DeYoung reported from Washington and Loveluck from London.") == [
        Credited("DeYoung", "Person"),
        Credited("Loveluck", "Person"),
    ]
    assert credited("Reporting by Ana Silva and Tom Reyes; Editing by Mark Potter") == [
        Credited("Ana Silva", "Person"),
        Credited("Tom Reyes", "Person"),
        Credited("Mark Potter", "Person"),
    ]
    assert credited("The Associated Press contributed to this report.") == [
        Credited("The Associated Press", "Organization")
    ]
    assert credited("Staff writers at the United Nations contributed to this report.") == []
    assert credited("") == []


def test_social_tags_for_an_article() -> None:
    data = news_article(story(), PUBLISHER, PAGE)
    tags = {(t.key, t.content) for t in article_tags(data, "The Test Dateline")}
    assert ("og:type", "article") in tags
    assert ("og:title", data["headline"]) in tags
    assert ("og:url", PAGE) in tags
    assert ("og:site_name", "The Test Dateline") in tags
    assert ("og:description", data["description"]) in tags
    assert ("og:image", "https://news.example.org/media/blinken.jpg") in tags
    assert ("article:published_time", "2026-03-09T14:30:00+00:00") in tags
    assert ("article:modified_time", "2026-03-09T19:30:00+00:00") in tags
    assert ("article:section", "World") in tags
    assert {("article:tag", "Gaza"), ("article:tag", "Diplomacy")} <= tags
    assert ("article:author", "https://news.example.org/author/karen-deyoung") in tags
    assert ("twitter:card", "summary_large_image") in tags
    assert ("twitter:title", data["headline"]) in tags
    assert ("twitter:description", data["description"]) in tags
    no_image = news_article(story(body=()), PUBLISHER, PAGE)
    assert ("twitter:card", "summary") in {
        (t.key, t.content) for t in article_tags(no_image, "The Test Dateline")
    }
