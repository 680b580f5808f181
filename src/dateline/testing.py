"""Helpers for tests, benchmarks and plugin authors: a small fixture newsroom built by code.

No module under ``src/`` imports this one. ``build_fixture_newsroom(store)`` fills a store
with sections, authors and published articles (text written for this project), so tests and
benchmarks share one well-known site.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import UTC, datetime, timedelta

from dateline import publish
from dateline.model import Article, Author, Block, BlockKind, Section, Topic
from dateline.model.slug import slugify
from dateline.store import Store

FIXTURE_SECTIONS = (
    Section("world", "World", 1),
    Section("business", "Business", 2),
    Section("science", "Science", 3),
)

# (section, headline, deck, dateline, paragraphs, credit line, authors, topics, hours ago)
_STORIES: tuple[
    tuple[str, str, str, str, Sequence[str], str, Sequence[str], Sequence[str], int], ...
] = (
    (
        "world",
        "Security Council deadlocks again over Gaza cease-fire resolution",
        "Russia and China veto a U.S. text as Blinken presses Israel on Rafah.",
        "UNITED NATIONS",
        (
            "The U.N. Security Council failed again on Friday to agree on a cease-fire in Gaza, "
            "as Russia and China vetoed a resolution drafted by the United States.",
            "Diplomats said the vote deepened divisions over the war between Israel and Hamas "
            "and over a possible Israeli ground operation in Rafah.",
            "Secretary of State Antony Blinken, speaking in Tel Aviv, said the cease-fire and "
            "hostage talks in Qatar had narrowed to a few remaining gaps.",
        ),
        "Staff writers at the United Nations contributed to this report.",
        ("Nadia Farouk",),
        ("Gaza", "United Nations"),
        30,
    ),
    (
        "world",
        "Aid groups warn of famine in northern Gaza as talks in Doha resume",
        "A U.N.-backed report says half of Gaza's residents face catastrophic hunger.",
        "DOHA, Qatar",
        (
            "Negotiators from Israel and Hamas resumed indirect talks in Doha on a cease-fire "
            "and the release of hostages, with Qatari, Egyptian and U.S. mediators.",
            "Aid groups said famine may already have reached northern Gaza, where convoys "
            "carrying humanitarian assistance have struggled to pass.",
            "Israeli officials said an operation in Rafah would go ahead if talks failed.",
        ),
        "Nadia Farouk reported from Doha.",
        ("Nadia Farouk", "Tom Reyes"),
        ("Gaza",),
        52,
    ),
    (
        "business",
        "Shipping insurers raise Red Sea premiums as container rates climb",
        "Longer routes around Africa add days and costs to Asia–Europe trade.",
        "LONDON",
        (
            "Insurers raised war-risk premiums for ships crossing the Red Sea, and container "
            "rates between Asia and Europe climbed for a third week.",
            "Freight forwarders said shippers were booking earlier to avoid delays.",
        ),
        "",
        ("Ellen Park",),
        ("Shipping",),
        12,
    ),
    (
        "business",
        "Regional grocer to open four stores and hire 300 workers",
        "The expansion follows a year of record sales.",
        "PORTLAND, Maine",
        (
            "A regional grocery chain said it would open four stores next year and hire about "
            "300 workers, after a year of record sales.",
            "The company said the new stores would be smaller and focus on prepared food.",
        ),
        "Ellen Park reported from Portland.",
        ("Ellen Park",),
        ("Retail",),
        6,
    ),
    (
        "science",
        "Ocean probe maps a trench deeper than expected off the Azores",
        "Sonar readings from an autonomous probe surprise the mission team.",
        "PONTA DELGADA, Azores",
        (
            "An autonomous ocean probe mapped a trench off the Azores that is several hundred "
            "meters deeper than charts showed, the mission team said.",
            "Researchers said the sonar data would be released to other scientists next month.",
        ),
        "Tom Reyes reported from Ponta Delgada.",
        ("Tom Reyes",),
        ("Oceans",),
        3,
    ),
)


def fixture_articles(now: datetime) -> list[Article]:
    """The fixture newsroom's articles, dated relative to ``now``."""
    items = []
    for section, headline, deck, dateline, paragraphs, credit, names, topics, hours in _STORIES:
        when = now - timedelta(hours=hours)
        items.append(
            Article(
                uid=f"fixture:{slugify(headline)}",
                slug=slugify(headline),
                headline=headline,
                deck=deck,
                dateline=dateline,
                section=Section(section, ""),
                body=tuple(Block(BlockKind.PARAGRAPH, html=p) for p in paragraphs),
                credit_line=credit,
                bylines=tuple(Author(slugify(n), n) for n in names),
                topics=tuple(Topic(slugify(t), t) for t in topics),
                published_at=when,
                version_at=when,
            )
        )
    return items


def build_fixture_newsroom(store: Store, now: datetime | None = None) -> list[int]:
    """Fill ``store`` with the fixture sections and published articles; returns their ids."""
    when = now or datetime.now(UTC)
    saved = {s.slug: store.save_section(s) for s in FIXTURE_SECTIONS}
    items = [replace(a, section=saved[a.section.slug]) for a in fixture_articles(when)]
    ids = [r.article_id for r in store.save_articles(items)]
    publish.publish(store, ids, when)
    return ids


def publish_story(
    store: Store, headline: str, author: str, section: str = "world", now: datetime | None = None
) -> int:
    """Save and publish one short story by ``author`` in the stored ``section``; its id."""
    when = now or datetime.now(UTC)
    stored = store.section(section)
    if stored is None:
        raise ValueError(f"no section {section!r} in the store")
    item = Article(
        uid=f"test:{slugify(headline)}",
        slug=slugify(headline),
        headline=headline,
        deck="",
        dateline="GENEVA — ",
        section=stored,
        body=(Block(BlockKind.PARAGRAPH, html="Delegates met for a third day."),),
        bylines=(Author(slugify(author), author),),
        published_at=when,
        version_at=when,
    )
    [saved] = store.save_articles([item])
    publish.publish(store, [saved.article_id], when)
    return saved.article_id
