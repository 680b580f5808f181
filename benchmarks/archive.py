"""A synthetic archive for benchmarks: ``generate_archive(store, n)``.

Articles are grouped into story threads. Each thread has its own keywords (words of the
fixture newsroom's texts mixed with generated words), a section, topics, a lead author and
a date, so articles of one thread share words and dates and their related lists are
non-trivial; the rest of each text is drawn from a common vocabulary. Dates spread over
three years before ``now``. Everything is drawn from ``random.Random(seed)``: the same
``n`` and ``seed`` give the same archive.

Articles are saved in batches, published with one ``store.publish`` per chunk and ranked
with one ``related.refresh.rebuild`` at the end, not through ``publish.publish`` per
article (that refreshes the lists each time: quadratic in the archive's size). With
``rank=False`` the lists are not ranked but written in bulk from the story threads (each
article lists the thread's articles nearest it in the thread's order): much faster on a
large archive, for benchmarks that need pages with related lists, not good lists.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from dateline.model import Article, Author, Block, BlockKind, Section, Topic
from dateline.model.slug import slugify
from dateline.related.refresh import LIST_LENGTH, rebuild
from dateline.store import Store
from dateline.testing import FIXTURE_SECTIONS, fixture_articles

SPAN = timedelta(days=3 * 365)
SAVE_BATCH = 200
PUBLISH_BATCH = 500
LISTS_BATCH = 2000
QUEUE_DRAIN = 10_000  # queued related updates dropped a transaction
ARTICLES_PER_THREAD = 12
GENERATED_WORDS = 1500

AUTHOR_NAMES = (
    "Nadia Farouk",
    "Tom Reyes",
    "Ellen Park",
    "Samuel Okafor",
    "Ines Moreau",
    "Priya Natarajan",
    "Jonas Lindqvist",
    "Carmen Ruiz",
)
TOPIC_NAMES = (
    "Elections",
    "Climate",
    "Shipping",
    "Retail",
    "Oceans",
    "Diplomacy",
    "Energy",
    "Health",
    "Courts",
    "Technology",
    "Housing",
    "Transport",
)
_ONSETS = tuple("b br c d dr f g gr k l m n p r s st t tr v z sh ch".split())
_VOWELS = ("a", "e", "i", "o", "u", "ai", "ou", "ea")
_CODAS = ("", "n", "r", "l", "s", "t", "nd", "rk", "m", "x")
_WORD = re.compile(r"[A-Za-z]{3,}")


@dataclass(frozen=True, slots=True)
class _Thread:
    """A story followed over several articles."""

    keywords: tuple[str, ...]
    section: Section
    topics: tuple[Topic, ...]
    author: Author
    center: datetime


def _fixture_words(now: datetime) -> list[str]:
    """The distinct words (three letters or more) of the fixture texts, in first-seen order."""
    texts: list[str] = []
    for item in fixture_articles(now):
        texts += [item.headline, item.deck, *(b.html for b in item.body)]
    return list(dict.fromkeys(w.lower() for t in texts for w in _WORD.findall(t)))


def _generated_words(rng: random.Random, count: int) -> list[str]:
    words: dict[str, None] = {}
    while len(words) < count:
        syllables = rng.randint(2, 3)
        word = "".join(rng.choice(_ONSETS) + rng.choice(_VOWELS) for _ in range(syllables))
        words[word + rng.choice(_CODAS)] = None
    return list(words)


def _sentence(rng: random.Random, keywords: tuple[str, ...], common: list[str]) -> str:
    words = [
        rng.choice(keywords) if rng.random() < 0.3 else rng.choice(common)
        for _ in range(rng.randint(8, 18))
    ]
    return " ".join(words).capitalize() + "."


def _threads(
    rng: random.Random,
    count: int,
    vocabulary: tuple[list[str], list[str]],
    sections: list[Section],
    now: datetime,
) -> list[_Thread]:
    fixture, generated = vocabulary
    authors = [Author(slugify(n), n) for n in AUTHOR_NAMES]
    topics = [Topic(slugify(n), n) for n in TOPIC_NAMES]
    threads = []
    for _ in range(count):
        keywords = tuple(rng.sample(fixture, 3) + rng.sample(generated, 4))
        threads.append(
            _Thread(
                keywords=keywords,
                section=rng.choice(sections),
                topics=tuple(rng.sample(topics, rng.randint(1, 3))),
                author=rng.choice(authors),
                center=now - SPAN * rng.random(),
            )
        )
    return threads


def _article(
    rng: random.Random, index: int, seed: int, thread: _Thread, common: list[str], now: datetime
) -> Article:
    keywords = thread.keywords
    headline_words = rng.sample(keywords, 3) + rng.sample(common, rng.randint(3, 6))
    rng.shuffle(headline_words)
    headline = " ".join(headline_words).capitalize()
    deck = _sentence(rng, keywords, common)
    paragraphs = tuple(
        Block(
            BlockKind.PARAGRAPH,
            html=" ".join(_sentence(rng, keywords, common) for _ in range(rng.randint(2, 4))),
        )
        for _ in range(rng.randint(3, 7))
    )
    when = thread.center + timedelta(days=rng.gauss(0, 10))
    newest = now - timedelta(hours=1)
    if when > newest:  # fold back what falls in the future, keeping the spread
        when = newest - (when - newest)
    when = max(when, now - SPAN)
    bylines = [thread.author]
    if rng.random() < 0.3:
        other = Author(slugify(name := rng.choice(AUTHOR_NAMES)), name)
        if other.slug != thread.author.slug:
            bylines.append(other)
    return Article(
        uid=f"bench:{seed}:{index}",
        slug=slugify(headline),
        headline=headline,
        section=thread.section,
        body=paragraphs,
        deck=deck,
        dateline=rng.choice(("LONDON", "NEW YORK", "NAIROBI", "LISBON", "SEOUL", "LIMA")),
        bylines=tuple(bylines),
        topics=thread.topics,
        published_at=when,
        version_at=when,
    )


def _thread_lists(
    threads: dict[int, list[int]],
) -> dict[int, list[tuple[int, float, dict[str, float]]]]:
    """Each article's list: the ``LIST_LENGTH`` articles nearest it in its thread's order."""
    lists = {}
    for members in threads.values():
        for position, article_id in enumerate(members):
            nearest = sorted(
                (i for i in range(len(members)) if i != position),
                key=lambda i: (abs(i - position), i),
            )[:LIST_LENGTH]
            lists[article_id] = [
                (members[i], round(1.0 / (1 + abs(i - position)), 3), {"thread": 1.0})
                for i in nearest
            ]
    return lists


def generate_archive(
    store: Store, n: int, seed: int = 7, now: datetime | None = None, *, rank: bool = True
) -> list[int]:
    """Fill ``store`` with ``n`` published articles and their related lists; returns their ids.

    The fixture sections are created (or reused); authors and topics are created as the
    articles name them. The store should hold no other ``bench:`` articles of this seed.
    """
    rng = random.Random(seed)
    when = now or datetime.now(UTC)
    sections = [store.save_section(s) for s in FIXTURE_SECTIONS]
    fixture = _fixture_words(when)
    generated = _generated_words(rng, GENERATED_WORDS)
    common = fixture + generated
    threads = _threads(rng, max(1, n // ARTICLES_PER_THREAD), (fixture, generated), sections, when)
    ids: list[int] = []
    batch: list[Article] = []
    thread_of: list[int] = []
    for index in range(n):
        thread_of.append(rng.randrange(len(threads)))
        batch.append(_article(rng, index, seed, threads[thread_of[-1]], common, when))
        if len(batch) == SAVE_BATCH or index == n - 1:
            ids += [r.article_id for r in store.save_articles(batch)]
            batch = []
    for start in range(0, len(ids), PUBLISH_BATCH):
        store.publish(ids[start : start + PUBLISH_BATCH], when)
    if rank:
        rebuild(store)  # which drops the updates the publish queued: it ranked them all
        return ids
    members: dict[int, list[int]] = {}
    for article_id, thread in zip(ids, thread_of, strict=True):
        members.setdefault(thread, []).append(article_id)
    lists = _thread_lists(members)
    for start in range(0, len(ids), LISTS_BATCH):
        store.replace_related({i: lists[i] for i in ids[start : start + LISTS_BATCH]})
    _drop_queued_updates(store)
    return ids


def _drop_queued_updates(store: Store) -> None:
    """Empty the related-list queue that ``store.publish`` filled: every list is written.

    Left in place, the related-list process of a server started on the archive would
    rank every article again (``publish.apply_queue``), taking a core for minutes at 100k
    articles while the benchmark measures.
    """
    while queued := store.queued_related(QUEUE_DRAIN):
        store.unqueue_related([queue_id for queue_id, _article, _kind in queued])
