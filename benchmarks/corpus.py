"""A deterministic synthetic archive for the related-articles benchmark and tests.

    corpus = generate(10_000, seed=7)          # 10k archive articles, 250 fresh ones
    corpus.documents()                         # ranking Documents, ids 1..n by date
    corpus.group(doc_id)                       # the original a syndicated copy copies

Texts are real sentences, re-voiced. Each sentence comes from the ECB+ evaluation corpus
(``../shared/data/related/ecbplus.jsonl``, read at run time and never copied into the
repository) or from the demo newsroom's Markdown bodies (``src/dateline/demo/articles``).
Each use rewrites it for the story it appears in: its proper names become the story's
synthetic names (a stable mapping per story, so "Reid" is "Brakon" all through one
story), and some content words become one of the story's keywords or a generated word
drawn from a Zipf law over an unbounded generated lexicon. So the vocabulary keeps
growing with the archive (new names, rare words), as a real archive's does, and real
sentences recur only re-worded.

Articles come in stories of 2 to 15 (and some one-off articles) published close in time:
the first on the story's date, the others over the following days or weeks. A story has a
section, one to three topics, a source text (one ECB+ event, or one demo article) most of
its sentences come from, keywords and names. Dates spread over three years before ``NOW``.

Syndicated copies are planted: some original articles get one to three copies, published
up to a day and a half later by another publisher, with the same body lightly edited (a
few words changed or dropped, a sentence dropped or two sentences swapped, a
credit line naming the publisher) under another headline. ``Corpus.copy_of`` is the ground
truth: copy id -> original id.

Besides the ``n`` archive articles, ``fresh`` newer articles (ids after the archive's,
dated in the last day before ``NOW``) stand for what gets published next: follow-ups of
recent stories, new stories, and syndicated copies of recent archive articles.

Everything is drawn from ``random.Random(seed)`` and ``numpy.random.default_rng(seed)``:
the same ``n``, ``fresh``, ``seed`` and source files give the same corpus.

``python -m benchmarks.corpus --n 10000`` prints the corpus's statistics.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import sys
import time
import zlib
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
from markupsafe import escape

from dateline.model import Article, Block, BlockKind, Section, Source, Topic
from dateline.model.slug import slugify

if TYPE_CHECKING:
    from dateline.related.scoring import Document

ROOT = Path(__file__).resolve().parent.parent
ECB_PATH = ROOT.parent / "shared" / "data" / "related" / "ecbplus.jsonl"
DEMO_DIR = ROOT / "src" / "dateline" / "demo" / "articles"

NOW = datetime(2026, 11, 1, 12, tzinfo=UTC)
SPAN = timedelta(days=3 * 365)
FRESH_WINDOW = timedelta(days=1)
COPY_RATE = 0.03
COPY_COUNTS = (1, 2, 3)
COPY_WEIGHTS = (0.6, 0.3, 0.1)
SINGLE_STORY_SHARE = 0.2
STORY_SIZES = tuple(range(2, 16))
OWN_PUBLISHER = "Dateline staff"
PUBLISHERS = (
    "Meridian Wire",
    "Harbor Press Service",
    "Coastal News Agency",
    "Northfield Syndicate",
    "Continental Newswire",
    "Pacific Bulletin",
)
SECTIONS = (
    Section("world", "World", 1),
    Section("nation", "Nation", 2),
    Section("business", "Business", 3),
    Section("science", "Science", 4),
    Section("sport", "Sport", 5),
    Section("culture", "Culture", 6),
    Section("local", "Local", 7),
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
    "Wildfires",
    "Earthquakes",
    "Celebrity",
    "Crime",
    "Space",
    "Labour",
    "Budget",
    "Football",
)
GENERATED_TOPICS = 300
WORD_ZIPF = 1.3  # exponent of the generated words' Zipf law
NAME_ZIPF = 1.15  # names recur less than words: a flatter law over more of them
KEYWORD_SHIFT = 150  # a story's keywords skip the very commonest generated words
P_KEYWORD = 0.08  # share of a sentence's content words turned into story keywords
P_GENERATED = 0.12  # ... into generated words
P_STORY_SENTENCE = 0.6  # share of an article's sentences from its story's source text

_ONSETS = tuple("b br c d dr f g gr k l m n p r s st t tr v z sh ch".split())
_VOWELS = ("a", "e", "i", "o", "u", "ai", "ou", "ea")
_SYLLABLES = tuple(o + v for o in _ONSETS for v in _VOWELS)
_CODAS = ("", "n", "r", "l", "s", "t", "nd", "rk", "m", "x")
_NAME_SYLLABLES = tuple(
    o + v
    for o in "k m v h j th l r s n d g b t w y".split()
    for v in ("a", "e", "i", "o", "u", "y")
)
_NAME_ENDINGS = ("", "n", "s", "ov", "el", "ez", "ton", "berg", "ski", "ard", "ine", "is")
_SENTENCE_END = re.compile(r"(?:(?<=[.!?])|(?<=[.!?][\"”’')]))\s+(?=[\"“‘(]?[A-Z0-9])")
_MARKDOWN = re.compile(r"^\s*(?:#+|[-*+]|\d+\.)\s+|\*\*|__|\[|\]\([^)]*\)")
_TOKEN = re.compile(r"^(\W*)(.*?)(\W*)$", re.UNICODE)


class CorpusMissing(FileNotFoundError):
    """The ECB+ file is not there (it lives outside the repository, in ../shared)."""


# -- the real sentences ------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Sentence:
    """A real sentence as tokens, with the positions that get re-voiced.

    ``names`` and ``words`` are (position, prefix, core, suffix): a capitalised word that is
    not the first (a proper name, mostly) or a lower-case content word of four letters or
    more, with the punctuation around it.
    """

    tokens: tuple[str, ...]
    names: tuple[tuple[int, str, str, str], ...]
    words: tuple[tuple[int, str, str, str], ...]


@dataclass(frozen=True, slots=True)
class SourceText:
    """One real text family: an ECB+ event (cluster) or one demo article."""

    name: str
    titles: tuple[Sentence, ...]
    sentences: tuple[Sentence, ...]


def parse_sentence(text: str) -> Sentence | None:
    """Tokens and re-voiceable positions of ``text``; ``None`` when too short to use."""
    tokens = tuple(text.split())
    if len(tokens) < 4:
        return None
    names = []
    words = []
    for position, token in enumerate(tokens):
        match = _TOKEN.match(token)
        if match is None:
            continue
        prefix, core, suffix = match.groups()
        if not core.isalpha():
            continue
        if position > 0 and core[0].isupper() and core[1:].islower() and len(core) > 2:
            names.append((position, prefix, core, suffix))
        elif core.islower() and len(core) > 3:
            words.append((position, prefix, core, suffix))
    return Sentence(tokens, tuple(names), tuple(words))


def split_sentences(text: str) -> list[str]:
    """Sentences of a paragraph (a regular-expression split: good enough here)."""
    return [s.strip() for s in _SENTENCE_END.split(text) if s and s.strip()]


def _parsed(texts: Sequence[str]) -> tuple[Sentence, ...]:
    out = []
    for text in texts:
        for line in text.splitlines():
            for raw in split_sentences(_MARKDOWN.sub("", line)):
                sentence = parse_sentence(raw)
                if sentence is not None:
                    out.append(sentence)
    return tuple(out)


def ecb_sources(path: Path = ECB_PATH) -> list[SourceText]:
    """One source per ECB+ event (cluster): its titles and the sentences of its bodies."""
    if not path.exists():
        raise CorpusMissing(
            f"{path} is absent: the related benchmark mixes in ECB+ sentences read from "
            "../shared/data/related/ at run time (see its README.md there)"
        )
    titles: dict[str, list[str]] = {}
    bodies: dict[str, list[str]] = {}
    with path.open(encoding="utf-8") as lines:
        for line in lines:
            row = json.loads(line)
            titles.setdefault(row["cluster"], []).append(row["title"])
            bodies.setdefault(row["cluster"], []).append(row["body"])
    sources = []
    for cluster in sorted(titles):
        sentences = _parsed(bodies[cluster])
        heads = tuple(s for s in _parsed(titles[cluster]) if len(s.tokens) <= 30)
        if sentences and heads:
            sources.append(SourceText(f"ecb:{cluster}", heads, sentences))
    return sources


def demo_sources(directory: Path = DEMO_DIR) -> list[SourceText]:
    """One source per demo article: its headline and the sentences of its Markdown body."""
    sources = []
    for path in sorted(directory.glob("*.md")):
        text = path.read_text(encoding="utf-8")
        _, front, body = text.split("---", 2) if text.startswith("---") else ("", "", text)
        headline = next(
            (
                line.split(":", 1)[1].strip().strip("\"'")
                for line in front.splitlines()
                if line.startswith("headline:")
            ),
            "",
        )
        sentences = _parsed([body])
        heads = _parsed([headline])
        if sentences and heads:
            sources.append(SourceText(f"demo:{path.stem}", heads, sentences))
    return sources


def load_sources(ecb: Path | None = ECB_PATH) -> tuple[list[SourceText], bool]:
    """The demo sources, plus ECB+'s when ``ecb`` is given; whether ECB+ is in.

    Raises ``CorpusMissing`` when ``ecb`` is given but absent.
    """
    sources = demo_sources()
    if ecb is None:
        return sources, False
    return ecb_sources(ecb) + sources, True


# -- the generated lexicon ---------------------------------------------------------------


def generated_word(rank: int) -> str:
    """The generated word of Zipf rank ``rank`` (0-based): short for common ranks.

    A bijection from ranks to syllable strings (base-176 digits, at least two syllables)
    plus a coda, so any rank has a word and different ranks give different words.
    """
    base = len(_SYLLABLES)
    number = rank + base
    parts = []
    while number:
        number, digit = divmod(number, base)
        parts.append(_SYLLABLES[digit])
    return "".join(parts) + _CODAS[rank % len(_CODAS)]


def generated_name(rank: int) -> str:
    """The generated proper name of Zipf rank ``rank``: like ``generated_word``, capitalised."""
    base = len(_NAME_SYLLABLES)
    number = rank + base
    parts = []
    while number:
        number, digit = divmod(number, base)
        parts.append(_NAME_SYLLABLES[digit])
    return ("".join(parts) + _NAME_ENDINGS[rank % len(_NAME_ENDINGS)]).capitalize()


class _Zipf:
    """Ranks drawn from a Zipf law, in batches (numpy), handed out one by one."""

    def __init__(self, rng: np.random.Generator, exponent: float, batch: int = 1 << 16) -> None:
        self.rng = rng
        self.exponent = exponent
        self.batch = batch
        self.pending: list[int] = []

    def __call__(self) -> int:
        if not self.pending:
            self.pending = (self.rng.zipf(self.exponent, self.batch) - 1).tolist()
            self.pending.reverse()
        return self.pending.pop()


# -- stories and items -------------------------------------------------------------------


@dataclass(slots=True)
class Story:
    """A news story: what its articles share."""

    number: int
    source: SourceText
    section: str
    topics: tuple[str, ...]
    keywords: tuple[str, ...]
    names: tuple[str, ...]
    start: datetime
    renames: dict[str, str] = field(default_factory=dict)

    def rename(self, core: str) -> str:
        """The story's stand-in for a real proper name: stable within the story."""
        name = self.renames.get(core)
        if name is None:
            name = self.names[zlib.crc32(core.encode()) % len(self.names)]
            self.renames[core] = name
        return name


@dataclass(frozen=True, slots=True)
class Item:
    """One generated article: a Document's fields plus the ground truth around it."""

    id: int
    headline: str
    deck: str
    paragraphs: tuple[tuple[str, ...], ...]
    published_at: datetime
    section: str
    topics: tuple[str, ...]
    story: int
    publisher: str
    copy_of: int | None = None

    @property
    def body(self) -> str:
        """Paragraphs separated by blank lines, sentences by spaces."""
        return "\n\n".join(" ".join(p) for p in self.paragraphs)

    def document(self) -> Document:
        """The ranking's view of the item."""
        from dateline.related.scoring import Document

        return Document(
            id=self.id,
            headline=self.headline,
            deck=self.deck,
            body=self.body,
            published_at=self.published_at,
            section=self.section,
            topics=self.topics,
        )

    def article(self, sections: Mapping[str, Section], seed: int) -> Article:
        """A draft ``dateline.model.Article`` (uid ``corpus:{seed}:{id}``) for a store."""
        topics = tuple(Topic(t, t.replace("-", " ").title()) for t in self.topics)
        own = self.publisher == OWN_PUBLISHER
        source = Source() if own else Source("syndicated", self.publisher)
        return Article(
            uid=f"corpus:{seed}:{self.id}",
            slug=slugify(self.headline),
            headline=self.headline,
            section=sections[self.section],
            body=tuple(
                Block(BlockKind.PARAGRAPH, html=str(escape(" ".join(p)))) for p in self.paragraphs
            ),
            deck=self.deck,
            credit_line="" if own else self.publisher,
            topics=topics,
            published_at=self.published_at,
            version_at=self.published_at,
            source=source,
        )


@dataclass(frozen=True, slots=True)
class Corpus:
    """The archive (ids 1..n, by publication time), the fresh items, and the ground truth."""

    archive: list[Item]
    fresh: list[Item]
    seed: int
    uses_ecb: bool

    def documents(self) -> list[Document]:
        """The archive's documents."""
        return [item.document() for item in self.archive]

    def fresh_documents(self) -> list[Document]:
        """The fresh items' documents (not in the archive)."""
        return [item.document() for item in self.fresh]

    @property
    def copy_of(self) -> dict[int, int]:
        """Ground truth: syndicated copy id -> original id, archive and fresh."""
        return {i.id: i.copy_of for i in (*self.archive, *self.fresh) if i.copy_of is not None}

    def copies(self) -> dict[int, tuple[int, ...]]:
        """Ground truth: original id -> its copies' ids."""
        out: dict[int, list[int]] = {}
        for copy, original in sorted(self.copy_of.items()):
            out.setdefault(original, []).append(copy)
        return {k: tuple(v) for k, v in out.items()}

    def group(self, doc_id: int, copy_of: Mapping[int, int] | None = None) -> int:
        """The original a copy copies; an article that is no copy is its own group."""
        return (self.copy_of if copy_of is None else copy_of).get(doc_id, doc_id)

    def story_of(self) -> dict[int, int]:
        """Ground truth: item id -> story number."""
        return {i.id: i.story for i in (*self.archive, *self.fresh)}


def violations(doc_id: int, listed: Sequence[int], copy_of: Mapping[int, int]) -> tuple[int, int]:
    """How a related list breaks the copies rule: (repeats, own copies).

    ``repeats``: entries beyond the first from one group (an original and its copies);
    ``own``: entries from ``doc_id``'s own group (its original, its copies, its siblings).
    """
    own_group = copy_of.get(doc_id, doc_id)
    seen: set[int] = set()
    repeats = own = 0
    for other in listed:
        group = copy_of.get(other, other)
        if group == own_group:
            own += 1
        if group in seen:
            repeats += 1
        seen.add(group)
    return repeats, own


class _Generator:
    """The state of one generation run."""

    def __init__(self, seed: int, sources: list[SourceText]) -> None:
        self.rng = random.Random(seed)
        np_rng = np.random.default_rng(seed)
        self.word_rank = _Zipf(np_rng, WORD_ZIPF)
        self.name_rank = _Zipf(np_rng, NAME_ZIPF)
        self.sources = sources
        self.all_sentences = [s for src in sources for s in src.sentences]
        self.topics = [slugify(t) for t in TOPIC_NAMES] + [
            generated_word(50_000 + i) for i in range(GENERATED_TOPICS)
        ]
        self.words: dict[int, str] = {}
        self.stories = 0

    def word(self) -> str:
        rank = self.word_rank()
        word = self.words.get(rank)
        if word is None:
            word = self.words[rank] = generated_word(rank)
        return word

    def name(self) -> str:
        return generated_name(self.name_rank())

    def story(self, start: datetime) -> Story:
        rng = self.rng
        self.stories += 1
        topic_count = rng.choice((1, 1, 2, 2, 3))
        topics: list[str] = []
        while len(topics) < topic_count:  # a few common topics, a long tail of rare ones
            topic = self.topics[min(int(rng.paretovariate(1.0)) - 1, len(self.topics) - 1)]
            if rng.random() < 0.5:
                topic = rng.choice(self.topics)
            if topic not in topics:
                topics.append(topic)
        return Story(
            number=self.stories,
            source=rng.choice(self.sources),
            section=rng.choice(SECTIONS).slug,
            topics=tuple(topics),
            keywords=tuple(
                generated_word(KEYWORD_SHIFT + self.word_rank()) for _ in range(rng.randint(4, 8))
            ),
            names=tuple(self.name() for _ in range(rng.randint(3, 7))),
            start=start,
        )

    def voice(self, sentence: Sentence, story: Story) -> str:
        """The sentence re-voiced for ``story``: its names, its keywords, generated words."""
        tokens = list(sentence.tokens)
        for position, prefix, core, suffix in sentence.names:
            tokens[position] = prefix + story.rename(core) + suffix
        draw_of = self.rng.random
        for position, prefix, _core, suffix in sentence.words:
            draw = draw_of()
            if draw < P_KEYWORD:
                tokens[position] = prefix + self.rng.choice(story.keywords) + suffix
            elif draw < P_KEYWORD + P_GENERATED:
                tokens[position] = prefix + self.word() + suffix
        text = " ".join(tokens)
        return text[0].upper() + text[1:]

    def headline(self, story: Story) -> str:
        title = self.rng.choice(story.source.titles)
        words = self.voice(title, story).rstrip(".").split()[:14]
        words.insert(self.rng.randint(0, len(words)), self.rng.choice(story.keywords))
        text = " ".join(words)
        return text[0].upper() + text[1:]

    def item(self, story: Story, when: datetime) -> Item:
        rng = self.rng
        count = rng.randint(6, 16)
        sentences = [
            self.voice(
                rng.choice(story.source.sentences)
                if rng.random() < P_STORY_SENTENCE
                else rng.choice(self.all_sentences),
                story,
            )
            for _ in range(count)
        ]
        paragraphs: list[tuple[str, ...]] = []
        while sentences:
            take = rng.randint(1, 3)
            paragraphs.append(tuple(sentences[:take]))
            sentences = sentences[take:]
        deck = self.voice(rng.choice(story.source.sentences), story) if rng.random() < 0.7 else ""
        return Item(
            id=0,
            headline=self.headline(story),
            deck=deck,
            paragraphs=tuple(paragraphs),
            published_at=when,
            section=story.section,
            topics=story.topics,
            story=story.number,
            publisher=OWN_PUBLISHER,
        )

    def copy(self, original: Item, story: Story, when: datetime) -> Item:
        """A syndicated copy: the same body lightly edited, another headline and publisher."""
        rng = self.rng
        sentences = [s for p in original.paragraphs for s in p]
        for _ in range(rng.randint(1, 3)):  # a few words changed or dropped
            at = rng.randrange(len(sentences))
            words = sentences[at].split()
            if len(words) < 4:
                continue
            spot = rng.randrange(1, len(words))
            if rng.random() < 0.6:
                words[spot] = self.word()
            else:
                del words[spot]
            sentences[at] = " ".join(words)
        edit = rng.random()
        if edit < 0.4 and len(sentences) > 4:  # a sentence dropped
            del sentences[rng.randrange(1, len(sentences))]
        elif edit < 0.8 and len(sentences) > 3:  # or two sentences swapped
            at = rng.randrange(1, len(sentences) - 1)
            sentences[at], sentences[at + 1] = sentences[at + 1], sentences[at]
        publisher = rng.choice(PUBLISHERS)
        sentences.append(f"Distributed by {publisher}.")
        paragraphs: list[tuple[str, ...]] = []
        while sentences:
            take = rng.randint(1, 3)
            paragraphs.append(tuple(sentences[:take]))
            sentences = sentences[take:]
        if rng.random() < 0.5:
            headline = self.headline(story)
        else:
            words = original.headline.split()
            words[rng.randrange(len(words))] = self.word()
            at = rng.randrange(len(words) - 1) if len(words) > 1 else 0
            words[at : at + 2] = words[at : at + 2][::-1]
            headline = " ".join(words)
            headline = headline[0].upper() + headline[1:]
        return Item(
            id=0,
            headline=headline,
            deck=original.deck if rng.random() < 0.9 else "",
            paragraphs=tuple(paragraphs),
            published_at=when,
            section=original.section if rng.random() < 0.7 else rng.choice(SECTIONS).slug,
            topics=original.topics,
            story=original.story,
            publisher=publisher,
            copy_of=-1,
        )

    def copy_count(self, rate: float) -> int:
        """How many copies the next original gets: usually none."""
        if self.rng.random() >= rate:
            return 0
        return self.rng.choices(COPY_COUNTS, COPY_WEIGHTS)[0]

    def story_dates(self, story: Story, size: int, latest: datetime) -> Iterator[datetime]:
        """The first article on the story's start, the others over the following weeks."""
        yield story.start
        for _ in range(size - 1):
            offset = timedelta(days=min(self.rng.expovariate(1 / 4), 45))
            yield min(story.start + offset, latest)


def _number(
    items: list[tuple[Item, int | None]], first_id: int, originals: Mapping[int, int] | None = None
) -> tuple[list[Item], dict[int, int]]:
    """Sort by publication time, assign ids from ``first_id`` and resolve ``copy_of``.

    ``items`` pairs each item with the index of the original it copies: in ``items``
    itself, or, when ``originals`` (index -> id) is given, in the list those ids came from.
    Returns the items and their ids by index.
    """
    order = sorted(range(len(items)), key=lambda i: (items[i][0].published_at, i))
    new_id = {old: first_id + rank for rank, old in enumerate(order)}
    ids = new_id if originals is None else originals
    out = []
    for old in order:
        item, original = items[old]
        copy_of = None if original is None else ids[original]
        out.append(replace(item, id=new_id[old], copy_of=copy_of))
    return out, new_id


def generate(
    n: int,
    seed: int = 7,
    fresh: int = 250,
    ecb: Path | None = ECB_PATH,
    copy_rate: float = COPY_RATE,
    now: datetime = NOW,
) -> Corpus:
    """``n`` archive items and ``fresh`` newer ones, with planted syndicated copies.

    ``ecb=None`` leaves ECB+ out (demo sentences only); when given and absent,
    ``CorpusMissing`` is raised. ``copy_rate`` is the share of originals that get copies.
    """
    sources, uses_ecb = load_sources(ecb)
    gen = _Generator(seed, sources)
    rng = gen.rng
    archive_end = now - FRESH_WINDOW
    pending: list[tuple[Item, int | None]] = []
    stories: list[tuple[Story, list[int]]] = []  # story, indexes of its originals
    while len(pending) < n:
        start = archive_end - SPAN * rng.random()
        story = gen.story(start)
        size = 1 if rng.random() < SINGLE_STORY_SHARE else rng.choice(STORY_SIZES)
        originals: list[int] = []
        for when in gen.story_dates(story, size, archive_end):
            if len(pending) >= n:
                break
            pending.append((gen.item(story, when), None))
            original = len(pending) - 1
            originals.append(original)
            for _ in range(min(gen.copy_count(copy_rate), n - len(pending))):
                later = min(when + timedelta(hours=rng.uniform(0.5, 36)), archive_end)
                pending.append((gen.copy(pending[original][0], story, later), original))
        stories.append((story, originals))
    archive, ids = _number(pending, 1)
    new = _fresh_items(gen, fresh, stories, pending, now)
    fresh_items, _ = _number(new, n + 1, originals=ids)
    return Corpus(archive=archive, fresh=fresh_items, seed=seed, uses_ecb=uses_ecb)


def _fresh_items(
    gen: _Generator,
    count: int,
    stories: list[tuple[Story, list[int]]],
    pending: list[tuple[Item, int | None]],
    now: datetime,
) -> list[tuple[Item, int | None]]:
    """Follow-ups of recent stories, new stories, copies of recent archive originals.

    The copies' second member is the original's index in ``pending`` (the archive).
    """
    rng = gen.rng
    recent = sorted(stories, key=lambda s: s[0].start)[-max(1, len(stories) // 50) :]
    out: list[tuple[Item, int | None]] = []
    for _ in range(count):
        when = now - FRESH_WINDOW * rng.random()
        draw = rng.random()
        story, originals = rng.choice(recent)
        if draw < 0.2 and originals:
            original = rng.choice(originals)
            out.append((gen.copy(pending[original][0], story, when), original))
        elif draw < 0.7:
            out.append((gen.item(story, when), None))
        else:
            out.append((gen.item(gen.story(when), when), None))
    return out


# -- statistics ----------------------------------------------------------------------------


def shingle_jaccard(a: Item, b: Item, size: int = 5) -> float:
    """Jaccard similarity of the two items' five-word shingles of deck and body."""

    def grams(item: Item) -> set[str]:
        words = re.findall(r"\w+", f"{item.deck} {item.body}".lower())
        return {" ".join(words[i : i + size]) for i in range(len(words) - size + 1)}

    left, right = grams(a), grams(b)
    return len(left & right) / max(1, len(left | right))


def statistics(corpus: Corpus) -> dict[str, object]:
    """Sizes, vocabulary, stories, copies and date range of a corpus (archive only)."""
    vocabulary: set[str] = set()
    words = 0
    for item in corpus.archive:
        tokens = re.findall(r"[^\W\d_]+", f"{item.headline} {item.deck} {item.body}".lower())
        words += len(tokens)
        vocabulary.update(tokens)
    copies = corpus.copies()
    archive_ids = {i.id for i in corpus.archive}
    by_id = {i.id: i for i in (*corpus.archive, *corpus.fresh)}
    jaccards = sorted(
        shingle_jaccard(by_id[c.copy_of], c)
        for c in (*corpus.archive, *corpus.fresh)
        if c.copy_of is not None
    )
    return {
        "articles": len(corpus.archive),
        "fresh": len(corpus.fresh),
        "uses_ecb": corpus.uses_ecb,
        "words_per_article": round(words / max(1, len(corpus.archive)), 1),
        "vocabulary": len(vocabulary),
        "stories": len({i.story for i in corpus.archive}),
        "originals_with_copies": sum(1 for k in copies if k in archive_ids),
        "copies_in_archive": sum(1 for i in corpus.archive if i.copy_of is not None),
        "copies_in_fresh": sum(1 for i in corpus.fresh if i.copy_of is not None),
        "copy_shingle_jaccard_min_median": [
            round(jaccards[0], 3) if jaccards else None,
            round(jaccards[len(jaccards) // 2], 3) if jaccards else None,
        ],
        "first": corpus.archive[0].published_at.isoformat() if corpus.archive else None,
        "last": corpus.archive[-1].published_at.isoformat() if corpus.archive else None,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.corpus", description="Print a generated corpus's statistics."
    )
    parser.add_argument("--n", type=int, default=10_000, help="archive size (10000)")
    parser.add_argument("--seed", type=int, default=7, help="seed (7)")
    parser.add_argument("--no-ecb", action="store_true", help="demo sentences only")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    try:
        corpus = generate(args.n, args.seed, ecb=None if args.no_ecb else ECB_PATH)
    except CorpusMissing as exc:
        print(f"skipped: {exc}", file=sys.stderr)
        return 0
    seconds = time.perf_counter() - started
    print(json.dumps(statistics(corpus) | {"generate_s": round(seconds, 2)}, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
