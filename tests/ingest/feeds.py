"""Feeds for ingest tests, written here: RSS 2.0 documents and one wire story told three ways."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from html import escape

STORY = [
    "GENEVA — Negotiators from both delegations resumed talks on Tuesday over a ceasefire "
    "along the northern border, the first direct meeting since the fighting flared in the "
    "spring and displaced thousands of families from farming villages.",
    "The mediators, led by a veteran diplomat from Oslo, said the first session lasted "
    "almost six hours and ended with an agreement to exchange lists of detainees before "
    "the end of the week, a step both sides had refused for months.",
    "Officials who spoke on condition of anonymity said the draft text covers the "
    "withdrawal of heavy artillery to twenty kilometres from the line, monitored by an "
    "observer mission that would report to the regional security council every month.",
    "Aid groups welcomed the talks but warned that winter would arrive before any "
    "agreement could take effect, and that roads into the valley remain closed to trucks "
    "carrying food, fuel and medicine for the people who stayed behind.",
    "The next round is scheduled for Monday in the same hotel on the lakeshore, where "
    "security has been tightened and journalists are kept outside the gates.",
]


@dataclass(frozen=True)
class Entry:
    """One RSS item."""

    guid: str
    title: str
    paragraphs: list[str]
    link: str = ""
    published: datetime | None = None
    categories: tuple[str, ...] = ()
    summary_only: bool = False


def rss(title: str, entries: list[Entry], link: str = "https://example.org/") -> bytes:
    """An RSS 2.0 document with ``entries`` (full content in ``content:encoded``)."""
    items = []
    for e in entries:
        html = "".join(f"<p>{escape(p)}</p>" for p in e.paragraphs)
        parts = [
            f"<title>{escape(e.title)}</title>",
            f'<guid isPermaLink="false">{escape(e.guid)}</guid>',
        ]
        if e.link:
            parts.append(f"<link>{escape(e.link)}</link>")
        if e.published:
            parts.append(f"<pubDate>{format_datetime(e.published)}</pubDate>")
        parts += [f"<category>{escape(c)}</category>" for c in e.categories]
        summary = escape(e.paragraphs[0]) if e.paragraphs else ""
        parts.append(f"<description>{summary}</description>")
        if not e.summary_only:
            parts.append(f"<content:encoded><![CDATA[{html}]]></content:encoded>")
        items.append("<item>" + "".join(parts) + "</item>")
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n'
        '<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/">'
        f"<channel><title>{escape(title)}</title><link>{escape(link)}</link>"
        "<description>test feed</description>" + "".join(items) + "</channel></rss>"
    ).encode()


def story_page() -> bytes:
    """The web page of ``STORY``: navigation, the article, a script and a footer around it."""
    return (
        "<html><head><title>Talks</title></head><body><nav>Home | World</nav>"
        "<article><h1>Ceasefire talks resume</h1>"
        + "".join(f"<p>{p}</p>" for p in STORY)
        + "<script>alert(1)</script></article><footer>Copyright</footer></body></html>"
    ).encode()


def edited(paragraphs: list[str], swap: tuple[str, str], credit: str) -> list[str]:
    """The story as another service ran it: one word changed and its own credit line."""
    changed = [p.replace(swap[0], swap[1]) for p in paragraphs]
    return [*changed, credit]


BASE_TIME = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)


def three_services() -> dict[str, bytes]:
    """The same wire story in three feeds, with other headlines and small edits."""
    return {
        "/wire-a.xml": rss(
            "Wire A",
            [
                Entry(
                    "a-1001",
                    "Ceasefire talks resume in Geneva",
                    list(STORY),
                    "https://wire-a.example/ceasefire-talks",
                    BASE_TIME,
                )
            ],
        ),
        "/wire-b.xml": rss(
            "Wire B",
            [
                Entry(
                    "b-77",
                    "Delegations meet for first direct talks since spring",
                    edited(STORY, ("six hours", "seven hours"), "Wire B staff contributed."),
                    "https://wire-b.example/2026/delegations-meet",
                    BASE_TIME + timedelta(hours=2),
                )
            ],
        ),
        "/paper-c.xml": rss(
            "Paper C",
            [
                Entry(
                    "c-abc",
                    "Border truce talks open with detainee deal",
                    edited(STORY, ("Tuesday", "Tuesday morning"), "Distributed by Paper C."),
                    "https://paper-c.example/world/truce-talks",
                    BASE_TIME + timedelta(hours=5),
                )
            ],
        ),
    }


def distinct_story(seed: int) -> list[str]:
    """A story of its own: the paragraphs of ``STORY`` with their words shuffled by ``seed``
    (the same words, none of the same phrases: not a copy of any other seed's)."""
    rng = random.Random(seed)
    out = []
    for paragraph in STORY:
        words = paragraph.split()
        rng.shuffle(words)
        out.append(" ".join(words).capitalize() + ".")
    return out
