"""schema.org ``NewsArticle`` JSON-LD for an article page, and its safe serialisation.

``news_article(article, publisher, page_url)`` builds the dict; ``script_json(data)``
turns it into text that can sit inside ``<script type="application/ld+json">`` whatever
the article says (``<``, ``>`` and ``&`` are written as ``\\u003c`` and so on, so a
headline holding ``</script>`` cannot end the element).

What goes in, and from where:

- ``headline``: the headline, cut at a word to 110 characters (Google's guidance);
- ``description``: the deck, or the opening of the text when there is no deck;
- ``datePublished``/``dateModified``: ISO 8601 with the zone; modified is the latest of
  the update time, the publication time and the corrections;
- ``author``: a ``Person`` per byline, with the URL of the author page; an article with
  no byline is credited to the original publisher (syndicated) or to the site;
- ``contributor``: the people and organisations its credit line names (``seo.credit``);
- ``locationCreated``: a ``Place`` named by the dateline (``TEL AVIV`` as ``Tel Aviv``);
- ``publisher``: the site as a ``NewsMediaOrganization`` with its logo;
- ``image``: the body's images, as absolute URLs (omitted when it has none);
- ``isAccessibleForFree``, ``articleSection``, ``keywords`` (topics), ``inLanguage``;
- ``isBasedOn``: the original URL of a syndicated article;
- ``correction``: a ``CorrectionComment`` per published correction.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import urljoin

from dateline.model import Article, BlockKind
from dateline.seo.credit import credited

CONTEXT = "https://schema.org"
MAX_HEADLINE = 110
MAX_DESCRIPTION = 200
_UNSAFE = {"<": "\\u003c", ">": "\\u003e", "&": "\\u0026", "\u2028": "\\u2028", "\u2029": "\\u2029"}


@dataclass(frozen=True, slots=True)
class Publisher:
    """The site as a news organisation: name, home URL, and its logo's absolute URL."""

    name: str
    url: str
    logo_url: str


def news_article(article: Article, publisher: Publisher, page_url: str) -> dict[str, Any]:
    """The ``NewsArticle`` of ``article``, shown at ``page_url`` (its canonical URL)."""
    site = publisher.url.rstrip("/")
    data: dict[str, Any] = {
        "@context": CONTEXT,
        "@type": "NewsArticle",
        "mainEntityOfPage": {"@type": "WebPage", "@id": page_url},
        "url": page_url,
        "headline": shorten(article.headline, MAX_HEADLINE),
    }
    description = article.deck or shorten(article.plain_text.replace("\n", " "), MAX_DESCRIPTION)
    if description:
        data["description"] = description
    images = [
        urljoin(site + "/", b.src) for b in article.body if b.kind is BlockKind.IMAGE and b.src
    ]
    if images:
        data["image"] = images
    if article.published_at is not None:
        data["datePublished"] = article.published_at.isoformat()
    modified = modified_at(article)
    if modified is not None:
        data["dateModified"] = modified.isoformat()
    data["author"] = _authors(article, publisher)
    contributors = [
        {"@type": c.kind, "name": c.name}
        for c in credited(article.credit_line, [a.name for a in article.bylines])
    ]
    if contributors:
        data["contributor"] = contributors
    place = place_name(article.dateline)
    if place:
        data["locationCreated"] = {"@type": "Place", "name": place}
    data["publisher"] = _organization(publisher)
    data["isAccessibleForFree"] = True
    data["articleSection"] = article.section.name or article.section.slug
    if article.topics:
        data["keywords"] = [t.name for t in article.topics]
    data["inLanguage"] = article.language
    if article.source.syndicated and article.source.url:
        data["isBasedOn"] = article.source.url
    if article.corrections:
        data["correction"] = [
            {
                "@type": "CorrectionComment",
                "text": c.text,
                "datePublished": c.created_at.isoformat(),
            }
            for c in article.corrections
        ]
    return data


def script_json(data: dict[str, Any]) -> str:
    """``data`` as JSON safe inside a ``<script>`` element of an HTML page."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    # one plain search per character, not a regular expression: scanning a page's JSON-LD
    # with a character class cost about eight times as much (no replacement writes
    # another of these characters, so the order does not matter)
    for unsafe, written in _UNSAFE.items():
        if unsafe in text:
            text = text.replace(unsafe, written)
    return text


def modified_at(article: Article) -> datetime | None:
    """The latest of the article's publication, update and correction times."""
    times = [t for t in (article.published_at, article.updated_at) if t is not None]
    times.extend(c.created_at for c in article.corrections)
    return max(times) if times else None


def place_name(dateline: str) -> str:
    """The dateline as a place name: a city in capitals is written in title case.

    ``TEL AVIV`` gives ``Tel Aviv``, ``PORTSMOUTH, N.H.`` gives ``Portsmouth, N.H.``,
    ``ST. JOHN'S`` gives ``St. John's``; a city already in mixed case stays as written.
    """
    text = " ".join(dateline.split())
    city, comma, rest = text.partition(",")
    if city.isupper():
        city = re.sub(r"[^\W\d_][^\s\-]*", lambda m: m.group()[0] + m.group()[1:].lower(), city)
    return f"{city.strip()}{comma}{rest}" if comma else city


def shorten(text: str, limit: int) -> str:
    """``text`` cut at a word to at most ``limit`` characters, with an ellipsis if cut."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    if " " in cut:
        cut = cut.rsplit(" ", 1)[0]
    return cut.rstrip(" ,;:.") + "…"


def _authors(article: Article, publisher: Publisher) -> list[dict[str, Any]]:
    site = publisher.url.rstrip("/")
    if article.bylines:
        return [
            {"@type": "Person", "name": a.name, "url": f"{site}/author/{a.slug}"}
            for a in article.bylines
        ]
    if article.source.syndicated and article.source.publisher:
        original: dict[str, Any] = {"@type": "Organization", "name": article.source.publisher}
        return [original]
    return [{"@type": "NewsMediaOrganization", "name": publisher.name, "url": site + "/"}]


def _organization(publisher: Publisher) -> dict[str, Any]:
    logo = {"@type": "ImageObject", "url": publisher.logo_url}
    return {
        "@type": "NewsMediaOrganization",
        "name": publisher.name,
        "url": publisher.url.rstrip("/") + "/",
        "logo": logo,
    }
