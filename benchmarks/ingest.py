"""Time feed ingest against issue #5's targets: items stored a second, and 1,000 polls of 304.

    python -m benchmarks.ingest --items 5000 --per-feed 50 --sources 1000

Everything runs against a real local HTTP server: a child process of this script
(``--serve``, a ``ThreadingHTTPServer`` on a free 127.0.0.1 port) that holds every
generated document in memory and answers conditional GETs properly: 200 with an ``ETag``,
or 304 when ``If-None-Match`` names it.

1. **Feeds.** ``--items`` (10000) items in RSS 2.0 feeds of ``--per-feed`` (200), drawn
   from ``random.Random(--seed)``: a title, a link, a ``tag:`` guid, a date, an author,
   categories, a ``description`` (a teaser or a standfirst) and a ``content:encoded`` body
   of 5 to 8 paragraphs of 40 to 80 words (words from a generated 30,000-word lexicon
   under a Zipf law, a third of them stop words) with inline markup (emphasis, relative
   and absolute links, a heading, a list, a quote, a figure), some openings with a
   dateline and closings with a credit line, and hostile markup for the sanitizer:
   ``<script>``, ``onclick``/``onerror``/``style`` attributes, an ``<iframe>``, an
   ``<aside>``, ``javascript:`` links. A share (``--copies``, 5%) of items are planted
   syndicated copies of an item of an earlier feed: the same body with one to three words
   changed and, one time in two, its last paragraph dropped, under another headline,
   guid and link, published 1 to 36 hours later. Unrelated items share no text.
2. **Throughput (the target's figure).** A fresh SQLite store with one review-mode source
   a feed (``auto_publish=False``: nothing is published, so the figure is fetch, parse,
   sanitize, deduplicate and store); one ``poll_due(force=True)`` is timed; items a second
   are (created + alternates + updated + unchanged) over its wall time; also over the CPU
   time of this process and its feed reader processes (all their threads; not the feed
   server's, nor PostgreSQL's), which a machine shared with other work disturbs much less
   than wall time, and compared with B's on that. Then the copies
   check on the store's ``ingest_items``: every planted copy must be an alternate of its
   original's article, and no other two items may share an article. Feeds are 50 items
   by default (docs/benchmarks.md: with parsing and storing once on the event loop, feeds
   of 200 made sources fail on the fetcher's deadline, ``--fetch-timeout``, 20 s as in
   production; they now run in worker threads).
3. **Baseline B**, on the same bytes from the same server: a plain ``httpx.Client`` GET of
   each feed, ``feedparser.parse`` (with dateline's flags: its own sanitizer and URI
   resolver off), ``nh3.clean`` of each entry's content (nh3's default allowlist) and one
   plain ``INSERT`` of the item into a bare SQLite table, one transaction an item (same
   pragmas as dateline's: WAL, ``synchronous=NORMAL``). No dedupe, no blocks. The ratio
   is dateline's items/s over B's.
4. **Stages**, in-process on the same bytes (no HTTP), over the first feeds up to
   ``--stage-items`` (2000) items: ``parse_feed`` (the document read, by ``plainrss`` for
   these plain RSS 2.0 feeds, else by feedparser; the sanitizer, blocks, structure),
   ``feedparser.parse`` alone (what reading them with feedparser would cost), the MinHash
   ``fingerprint`` of every item, and storing them (``Store.take_items`` into a fresh
   SQLite store, ``BATCH_ITEMS`` a transaction, as the pipeline does): rates a second.
   The reading, fingerprinting and (with two reader processes or more, the default)
   storing run in the feed reader processes, beside each other and the fetches of the
   polling process: the stages need not add up to a run's time.
5. **304 polling.** ``--sources`` (1000) sources on distinct paths, each a feed of one
   short item; a first ``poll_due(force=True)`` takes them (answered 200 with an ETag,
   timed too), then the second one is timed: the server answers 304 to every request,
   since the pipeline sends the ETag back, and every report must be ``not_modified``. The
   baseline: the same number of conditional GETs (``If-None-Match``) to the same URLs with
   a plain ``httpx.AsyncClient``, ``CONCURRENT_SOURCES`` (8) at a time, like ``poll_due``.
   The fetcher gets ``per_host=--per-host`` (8): every source lives on one host here,
   where a real deployment's 1,000 sources are on hundreds of hosts.

Options: ``--postgres URL`` runs steps 2 and 5 again on a scratch database created on that
server (and dropped at the end); B stays on SQLite. ``--auto-publish`` adds a run of step 2
with auto-publishing sources (every item goes through ``dateline.publish.publish``, related
lists included; slow: use a smaller ``--items``). ``--profile`` runs the pipeline's work
on the stage items once more in this thread (parse, fingerprint, ``Store.take_items`` into
a fresh SQLite store: cProfile sees one thread, and ``poll_due`` parses and stores in
worker threads), and a third 304 poll in step 5, under cProfile, and prints where the time
goes (own time by library, and the cumulative time of the main calls; a coroutine's
figures add up its resumptions). ``--json`` prints one JSON object instead of the table.

Exit codes: 0 done (targets met or not), 1 a check failed (a planted copy did not become an
alternate, two unrelated items were merged, a source failed, or a 304 poll did not report
``not_modified``), 2 bad usage, 3 out of time (``--timeout``) or stopped by SIGTERM. The
server child is stopped in every case.
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import email.utils
import io
import itertools
import json
import multiprocessing
import os
import pstats
import random
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections import Counter, defaultdict
from collections.abc import Iterator, Sequence
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from hashlib import sha1
from html import escape
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import feedparser  # type: ignore[import-untyped]
import httpx
import nh3
from sqlalchemy import select

from benchmarks.machine import machine
from benchmarks.servers import OutOfTime, cpu_seconds, scratch_postgres, time_budget
from dateline.ingest.fetch import Fetcher, FetchLimits
from dateline.ingest.formats.syndication import parse_feed
from dateline.ingest.pipeline import (
    BATCH_ITEMS,
    CONCURRENT_SOURCES,
    PollReport,
    poll_due,
    process_owner,
)
from dateline.ingest.pipeline import summary as poll_summary
from dateline.ingest.reader import FeedReader, article_mark
from dateline.model import Article, FeedSource, Section
from dateline.model.fingerprint import fingerprint, same_story
from dateline.store import Fingerprint, Incoming, Store, open_store
from dateline.store.schema import articles as articles_table
from dateline.store.schema import ingest_items

ROOT = Path(__file__).resolve().parent.parent
NOW = datetime(2026, 11, 27, 12, 0, tzinfo=UTC)
USER_AGENT = "dateline-benchmark/1 (+https://dateline.example)"
FETCH_TIMEOUT = FetchLimits(user_agent=USER_AGENT).timeout_s  # what ingest runs with
TARGET_ITEMS_PER_S = 1000.0
TARGET_304_S = 60.0
TARGET_304_SOURCES = 1000
LEXICON = 30_000
STOP_WORDS = (
    "the of and to a in that is was for on with as by at from it he she they said his her "
    "their an be were has had have this which but not after who will would been are or its "
    "over more than about into when also"
).split()
ONSETS = "b br c ch d dr f g gr h j k l m n p pr r s sh st t tr v w z".split()
VOWELS = "a e i o u ai ea ou io".split()
CODAS = ["", "n", "r", "s", "l", "m", "t", "nd", "st"]
MONTHS = "Jan. Feb. March April May June July Aug. Sept. Oct. Nov. Dec.".split()


class CheckFailed(Exception):
    """A check of the run's outcome failed."""


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


# -- the generated feeds -----------------------------------------------------------------


class Writer:
    """Deterministic news-like text: Zipf-drawn generated words, stop words, names."""

    def __init__(self, rng: random.Random, size: int = LEXICON) -> None:
        self.rng = rng
        words: set[str] = set()
        while len(words) < size:
            syllables = rng.choice((1, 2, 2, 2, 3, 3, 4))
            word = "".join(rng.choice(ONSETS) + rng.choice(VOWELS) for _ in range(syllables))
            word += rng.choice(CODAS)
            if len(word) >= 3:
                words.add(word)
        self.words = sorted(words)
        rng.shuffle(self.words)
        self.cumulative = list(itertools.accumulate(1.0 / (rank + 10) for rank in range(size)))
        self.names = [self.word().capitalize() for _ in range(400)]
        self.places = [self.word().upper() for _ in range(120)]
        self.categories = [self.word().capitalize() for _ in range(60)]

    def word(self) -> str:
        return self.rng.choices(self.words, cum_weights=self.cumulative, k=1)[0]

    def words_(self, n: int) -> list[str]:
        drawn = self.rng.choices(self.words, cum_weights=self.cumulative, k=n)
        for i in range(n):
            roll = self.rng.random()
            if roll < 0.33:
                drawn[i] = self.rng.choice(STOP_WORDS)
            elif roll < 0.37:
                drawn[i] = self.rng.choice(self.names)
        return drawn

    def sentence(self, n: int) -> str:
        words = self.words_(n)
        return " ".join(words)[:1].upper() + " ".join(words)[1:] + "."

    def paragraph(self) -> str:
        target = self.rng.randint(40, 80)
        sentences: list[str] = []
        count = 0
        while count < target:
            n = min(self.rng.randint(8, 20), max(4, target - count))
            sentences.append(self.sentence(n))
            count += n
        return " ".join(sentences)

    def title(self) -> str:
        return self.sentence(self.rng.randint(6, 12)).rstrip(".")

    def person(self) -> str:
        return f"{self.rng.choice(self.names)} {self.rng.choice(self.names)}"


@dataclass
class Story:
    """One item's text, before markup: body blocks as (kind, text) pairs."""

    blocks: list[tuple[str, str]]
    standfirst: str  # "" for a teaser made of the body's first words

    def edited(self, rng: random.Random, writer: Writer) -> Story:
        """A syndicated copy's text: a few words changed, maybe the last paragraph dropped."""
        blocks = list(self.blocks)
        paragraphs = [i for i, (kind, _) in enumerate(blocks) if kind == "p"]
        for index in rng.sample(paragraphs, min(len(paragraphs), rng.randint(1, 3))):
            kind, text = blocks[index]
            words = text.split(" ")
            spot = rng.randrange(len(words))
            words[spot] = writer.word() + ("." if words[spot].endswith(".") else "")
            blocks[index] = (kind, " ".join(words))
        if len(paragraphs) >= 5 and rng.random() < 0.5:
            del blocks[paragraphs[-1]]
        return Story(blocks, self.standfirst)


@dataclass
class Item:
    """One generated feed item."""

    feed: int
    guid: str
    link: str
    title: str
    author: str
    categories: tuple[str, ...]
    published: datetime
    story: Story
    copy_of: str = ""  # the guid of the original, for a planted copy


def new_story(writer: Writer) -> Story:
    rng = writer.rng
    blocks: list[tuple[str, str]] = []
    for position in range(rng.randint(5, 8)):
        text = writer.paragraph()
        if position == 0 and rng.random() < 0.3:
            text = (
                f"{rng.choice(writer.places)}, {rng.choice(MONTHS)} {rng.randint(1, 28)} — {text}"
            )
        blocks.append(("p", text))
        if position == 2 and rng.random() < 0.25:
            blocks.append(("h2", writer.title()))
        if position == 3 and rng.random() < 0.15:
            blocks.append(("ul", "|".join(writer.sentence(rng.randint(5, 10)) for _ in range(3))))
        if position == 4 and rng.random() < 0.1:
            blocks.append(("quote", writer.sentence(rng.randint(12, 25))))
    if rng.random() < 0.2:
        blocks.append(("p", f"{writer.person()} contributed to this report."))
    standfirst = writer.sentence(rng.randint(15, 30)) if rng.random() < 0.5 else ""
    return Story(blocks, standfirst)


def inline(text: str, rng: random.Random) -> str:
    """``text`` escaped, with some words in emphasis or links (relative and absolute)."""
    out: list[str] = []
    for word in escape(text, quote=False).split(" "):
        roll = rng.random()
        if roll < 0.03:
            word = f"<em>{word}</em>"
        elif roll < 0.05:
            word = f"<strong>{word}</strong>"
        elif roll < 0.065:
            word = f'<a href="/topics/{word.strip(".").lower()}">{word}</a>'
        elif roll < 0.07:
            word = (
                f'<a href="https://ref.example/{word.strip(".").lower()}" target="_blank" '
                f'onclick="track(this)">{word}</a>'
            )
        elif roll < 0.072:
            word = f'<a href="javascript:alert(1)">{word}</a>'
        out.append(word)
    return " ".join(out)


def body_html(item: Item, rng: random.Random) -> str:
    """The ``content:encoded`` HTML: the story's blocks with markup, some of it hostile."""
    parts: list[str] = []
    for number, (kind, text) in enumerate(item.story.blocks):
        if kind == "p":
            if rng.random() < 0.1:
                parts.append(
                    f'<p style="font-size:14px" onclick="share()" class="lead">'
                    f"{inline(text, rng)}</p>"
                )
            else:
                parts.append(f"<p>{inline(text, rng)}</p>")
        elif kind == "h2":
            parts.append(f"<h2>{escape(text)}</h2>")
        elif kind == "ul":
            parts.append(
                "<ul>" + "".join(f"<li>{escape(t)}</li>" for t in text.split("|")) + "</ul>"
            )
        else:
            parts.append(f"<blockquote><p>{escape(text)}</p></blockquote>")
        if number == 0 and rng.random() < 0.4:
            parts.append(f'<script>window.track && track("{item.guid}");</script>')
        if number == 1 and rng.random() < 0.3:
            n = rng.randrange(10**6)
            parts.append(
                f'<figure><img src="/images/{n}.jpg" onerror="alert(1)" alt="Photo {n}">'
                f"<figcaption>Scene {n} | {escape(item.author)}</figcaption></figure>"
            )
        if number == 2 and rng.random() < 0.15:
            parts.append('<iframe src="https://ads.example/slot" width="300"></iframe>')
        if number == 3 and rng.random() < 0.2:
            parts.append('<aside class="related"><a href="/more">More stories</a></aside>')
        if number == 3 and rng.random() < 0.1:
            parts.append('<div class="share"><span>Share</span> <button>Tweet</button></div>')
    return "\n".join(parts)


def summary_html(item: Item) -> str:
    """The ``description``: a standfirst, or the body's first 25 words and an ellipsis."""
    if item.story.standfirst:
        return f"<p>{escape(item.story.standfirst)}</p>"
    first = next(text for kind, text in item.story.blocks if kind == "p")
    return escape(" ".join(first.split(" ")[:25])) + " …"


def rss(feed: int, items: Sequence[Item], seed: int) -> bytes:
    """An RSS 2.0 document with ``content:encoded`` bodies, newest item first."""
    rng = random.Random(seed * 1_000_003 + feed)
    entries: list[str] = []
    for item in sorted(items, key=lambda i: i.published, reverse=True):
        categories = "".join(f"<category>{escape(c)}</category>" for c in item.categories)
        entries.append(
            "<item>"
            f"<title>{escape(item.title)}</title>"
            f"<link>{escape(item.link)}</link>"
            f'<guid isPermaLink="false">{escape(item.guid)}</guid>'
            f"<pubDate>{email.utils.format_datetime(item.published, usegmt=True)}</pubDate>"
            f"<dc:creator>{escape(item.author)}</dc:creator>{categories}"
            f"<description>{escape(summary_html(item))}</description>"
            f"<content:encoded><![CDATA[{body_html(item, rng)}]]></content:encoded>"
            "</item>"
        )
    built = email.utils.format_datetime(NOW, usegmt=True)
    document = (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/" '
        'xmlns:dc="http://purl.org/dc/elements/1.1/">\n<channel>'
        f"<title>Wire {feed}</title><link>https://feed-{feed}.example/</link>"
        f"<description>Stories from wire {feed}</description><language>en</language>"
        f"<lastBuildDate>{built}</lastBuildDate>\n" + "\n".join(entries) + "\n</channel></rss>\n"
    )
    return document.encode("utf-8")


@dataclass
class Feeds:
    """The generated documents by URL path, and the planted copies (copy guid -> original)."""

    documents: dict[str, bytes] = field(default_factory=dict)
    copies: dict[str, str] = field(default_factory=dict)
    items: int = 0


def new_item(writer: Writer, feed: int, number: int, story: Story, published: datetime) -> Item:
    rng = writer.rng
    title = writer.title()
    slug = "-".join(title.lower().split()[:6])
    return Item(
        feed=feed,
        guid=f"tag:feed-{feed}.example,2026:item-{number}",
        link=f"https://feed-{feed}.example/{published:%Y/%m/%d}/{slug}-{number}.html",
        title=title,
        author=writer.person(),
        categories=tuple(rng.sample(writer.categories, rng.randint(1, 3))),
        published=published,
        story=story,
    )


def generate_feeds(writer: Writer, items: int, per_feed: int, share: float) -> Feeds:
    """``items`` items in feeds of ``per_feed``; ``share`` of them copies of earlier feeds'."""
    rng = writer.rng
    feeds = max(1, -(-items // per_feed))
    slots = [(f, n) for f in range(feeds) for n in range(per_feed)][:items]
    later = [s for s in slots if s[0] > 0]
    copy_slots = set(rng.sample(later, min(len(later), round(share * items))))
    made: dict[tuple[int, int], Item] = {}
    for feed, number in slots:
        if (feed, number) not in copy_slots:
            published = NOW - timedelta(minutes=rng.randint(60, 60 * 24 * 14))
            made[feed, number] = new_item(writer, feed, number, new_story(writer), published)
    originals = list(made.values())  # in feed order; a copy is never copied again
    used: set[str] = set()
    copies: dict[str, str] = {}
    for feed, number in sorted(copy_slots):
        pool = [i for i in originals if i.feed < feed and i.guid not in used]
        original = rng.choice(pool)
        used.add(original.guid)
        published = original.published + timedelta(minutes=rng.randint(60, 36 * 60))
        copy = new_item(writer, feed, number, original.story.edited(rng, writer), published)
        copy.copy_of = original.guid
        copy.author = original.author
        made[feed, number] = copy
        copies[copy.guid] = original.guid
    result = Feeds(copies=copies, items=len(slots))
    for feed in range(feeds):
        members = [made[s] for s in slots if s[0] == feed]
        result.documents[f"/feeds/{feed}.xml"] = rss(feed, members, feed)
    return result


def generate_poll_feeds(writer: Writer, sources: int) -> dict[str, bytes]:
    """One small feed (one item of three paragraphs) on its own path for each source."""
    documents: dict[str, bytes] = {}
    for number in range(sources):
        story = Story([("p", writer.paragraph()) for _ in range(3)], "")
        published = NOW - timedelta(minutes=writer.rng.randint(60, 60 * 24))
        item = new_item(writer, 10_000 + number, 0, story, published)
        documents[f"/poll/{number}.xml"] = rss(10_000 + number, [item], number)
    return documents


# -- the HTTP server (a child process) ----------------------------------------------------


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 512  # 8 clients connecting at once must not overflow the backlog


def serve(directory: Path) -> None:
    """Serve every file under ``directory`` by its relative path, with conditional GET."""
    documents: dict[str, tuple[bytes, str]] = {}
    for path in directory.rglob("*.xml"):
        body = path.read_bytes()
        documents["/" + path.relative_to(directory).as_posix()] = (
            body,
            f'"{sha1(body).hexdigest()[:20]}"',
        )

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self) -> None:  # noqa: N802 (the stdlib's name)
            found = documents.get(urlsplit(self.path).path)
            if found is None:
                self.send_response(404)
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            body, etag = found
            if self.headers.get("If-None-Match") == etag:
                self.send_response(304)
                self.send_header("ETag", etag)
                self.end_headers()
                return
            self.send_response(200)
            self.send_header("Content-Type", "application/rss+xml; charset=utf-8")
            self.send_header("ETag", etag)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: Any) -> None:
            return

    server = _Server(("127.0.0.1", 0), Handler)
    print(server.server_address[1], flush=True)
    server.serve_forever()


@contextmanager
def feed_server(directory: Path) -> Iterator[str]:
    """Start the server child on ``directory``; yields its base URL; stops it on the way out."""
    process = subprocess.Popen(
        [sys.executable, "-m", "benchmarks.ingest", "--serve", str(directory)],
        cwd=ROOT,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        line = process.stdout.readline().strip()
        if not line.isdigit():
            raise CheckFailed(f"the feed server did not start (exit {process.poll()})")
        yield f"http://127.0.0.1:{line}"
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def write_documents(directory: Path, documents: dict[str, bytes]) -> None:
    for path, body in documents.items():
        target = directory / path.lstrip("/")
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(body)


# -- dateline ----------------------------------------------------------------------------


@contextmanager
def fresh_store(backend: str, tmp: Path, name: str, postgres: str | None) -> Iterator[Store]:
    """An empty store with the section ``news``: SQLite in ``tmp``, or a scratch database."""
    context: Any
    if backend == "postgresql" and postgres:
        context = scratch_postgres(postgres)
    else:
        context = nullcontext(f"sqlite:///{tmp / f'{name}.db'}")
    with context as url:
        store = open_store(url)
        try:
            store.save_section(Section(slug="news", name="News"))
            yield store
        finally:
            store.close()


def add_sources(store: Store, urls: Sequence[str], *, auto_publish: bool) -> None:
    for number, url in enumerate(urls):
        source = FeedSource(url=url, name=f"Source {number}", section="news")
        store.add_source(replace(source, auto_publish=auto_publish), datetime.now(UTC))


# the last ``poll_all``: seconds it took to start its feed reader's worker processes
# (not counted in its poll time: a server or worker starts them once, on its first
# poll), and the CPU seconds those processes used during the timed poll
READER_START_S: list[float] = []
READER_CPU_S: list[float] = []


def _workers_cpu() -> float:
    """CPU seconds used so far by this process's live children (Linux ``/proc``)."""
    used = (cpu_seconds(child.pid) for child in multiprocessing.active_children())
    return sum(seconds for seconds in used if seconds is not None)


async def _poll(store: Store, fetch: FetchLimits, processes: int) -> tuple[list[PollReport], float]:
    async with Fetcher(fetch) as fetcher, FeedReader(processes) as reader:
        started = time.perf_counter()
        await reader.start()
        READER_START_S[:] = [time.perf_counter() - started]
        workers = _workers_cpu()
        started = time.perf_counter()
        reports = await poll_due(store, fetcher, owner=process_owner(), force=True, reader=reader)
        seconds = time.perf_counter() - started
        READER_CPU_S[:] = [_workers_cpu() - workers]
        return reports, seconds


def poll_all(store: Store, args: argparse.Namespace) -> tuple[list[PollReport], float]:
    """One ``poll_due(force=True)`` over every source: the reports and its wall seconds."""
    fetch = FetchLimits(
        user_agent=USER_AGENT,
        allow_private=True,
        per_host=args.per_host,
        timeout_s=args.fetch_timeout,
    )
    return asyncio.run(_poll(store, fetch, args.processes))


def processed(totals: dict[str, int]) -> int:
    return totals["created"] + totals["alternates"] + totals["updated"] + totals["unchanged"]


def feed_path(guid: str) -> str:
    """The path of the feed an item of ``generate_feeds`` is in (from its guid)."""
    number = guid.removeprefix("tag:feed-").partition(".")[0]
    return f"/feeds/{number}.xml"


def copies_check(store: Store, feeds: Feeds, failed: set[str]) -> dict[str, Any]:
    """Planted copies that became alternates of their original, and any other merge.

    Pairs with the copy or the original in a feed whose poll failed (``failed``: paths)
    are not judged: one of the two was never read.
    """
    with store.engine.connect() as conn:
        rows = conn.execute(
            select(ingest_items.c.uid, ingest_items.c.article_id, ingest_items.c.role)
        ).all()
        stored_articles = len(conn.execute(select(articles_table.c.id)).all())
    where = {uid: (int(article_id), role) for uid, article_id, role in rows}
    became = unjudged = 0
    missed: list[dict[str, Any]] = []
    for copy, original in feeds.copies.items():
        if feed_path(copy) in failed or feed_path(original) in failed:
            unjudged += 1
        elif (
            copy in where
            and original in where
            and where[copy][0] == where[original][0]
            and where[copy][1] == "alternate"
        ):
            became += 1
        elif len(missed) < 5:
            missed.append({"copy": copy, "original": original, "stored": where.get(copy)})
    groups: dict[int, set[str]] = defaultdict(set)
    for uid, (article_id, _) in where.items():
        groups[article_id].add(uid)
    planted = {frozenset((c, o)) for c, o in feeds.copies.items()}
    unexpected = [
        sorted(uids) for uids in groups.values() if len(uids) > 1 and frozenset(uids) not in planted
    ]
    judged = len(feeds.copies) - unjudged
    return {
        "planted": len(feeds.copies),
        "judged": judged,
        "not_judged_failed_feed": unjudged,
        "became_alternates": became,
        "missed": judged - became,
        "missed_examples": missed,
        "unexpected_merges": len(unexpected),
        "unexpected_examples": unexpected[:5],
        "items_recorded": len(where),
        "articles": stored_articles,
        "expected_articles": feeds.items - len(feeds.copies) if not failed else None,
        "ok": became == judged and not unexpected,
    }


def dateline_throughput(
    feeds: Feeds,
    base: str,
    backend: str,
    tmp: Path,
    args: argparse.Namespace,
    *,
    auto_publish: bool = False,
    profile: bool = False,
) -> dict[str, Any]:
    """Step 2 (or its auto-publish or profiled variant) on a fresh store."""
    name = f"throughput-{backend}-{'publish' if auto_publish else 'review'}-{int(profile)}"
    with fresh_store(backend, tmp, name, args.postgres) as store:
        add_sources(store, [base + path for path in feeds.documents], auto_publish=auto_publish)
        log(f"[{backend}] poll_due over {len(feeds.documents)} feeds, {feeds.items} items")
        profiler = cProfile.Profile() if profile else None
        cpu = time.process_time()
        if profiler is not None:
            reports, seconds = profiler.runcall(poll_all, store, args)
        else:
            reports, seconds = poll_all(store, args)
        cpu = time.process_time() - cpu
        readers_cpu = READER_CPU_S[0] if READER_CPU_S else 0.0
        totals = poll_summary(reports)
        done = processed(totals)
        failed = {urlsplit(r.source.url).path for r in reports if r.status == "failed"}
        out: dict[str, Any] = {
            "backend": backend,
            "auto_publish": auto_publish,
            "seconds": round(seconds, 2),
            "items": done,
            "items_per_s": round(done / seconds, 1),
            "cpu_seconds": round(cpu, 2),
            "items_per_cpu_s": round(done / cpu, 1),
            "processes": args.processes,
            "reader_start_s": round(READER_START_S[0], 2) if READER_START_S else 0.0,
            "reader_cpu_seconds": round(readers_cpu, 2),
            "items_per_cpu_s_with_readers": round(done / (cpu + readers_cpu), 1),
            "outcomes": totals,
            "errors": [r.error for r in reports if r.status == "failed"][:5],
            "copies": copies_check(store, feeds, failed),
        }
        if profiler is not None:
            out["profile"] = profile_summary(profiler)
    log(
        f"[{backend}] {done} items in {out['seconds']} s: {out['items_per_s']} items/s "
        f"({out['items_per_cpu_s']} a CPU second of this process); "
        f"{totals['alternates']} alternates, {totals['failed']} failed sources"
    )
    return out


# -- baseline B and the stages -----------------------------------------------------------


def baseline_b(urls: Sequence[str], tmp: Path) -> dict[str, Any]:
    """B: GET, feedparser, nh3.clean of each entry's content, one INSERT a transaction."""
    db = sqlite3.connect(tmp / "baseline-b.db", isolation_level=None)
    db.execute("PRAGMA journal_mode = WAL")
    db.execute("PRAGMA synchronous = NORMAL")
    db.execute(
        "CREATE TABLE items (id INTEGER PRIMARY KEY, uid TEXT NOT NULL UNIQUE, "
        "title TEXT NOT NULL, link TEXT NOT NULL, published TEXT, body TEXT NOT NULL)"
    )
    parts: dict[str, float] = defaultdict(float)
    count = 0
    started = time.perf_counter()
    cpu = time.process_time()
    with httpx.Client(timeout=20) as client:
        for url in urls:
            t0 = time.perf_counter()
            response = client.get(url, headers={"User-Agent": USER_AGENT})
            response.raise_for_status()
            t1 = time.perf_counter()
            parsed = feedparser.parse(
                io.BytesIO(response.content),
                response_headers={"content-location": url, "content-type": "application/xml"},
                sanitize_html=False,
                resolve_relative_uris=False,
            )
            t2 = time.perf_counter()
            parts["fetch"] += t1 - t0
            parts["feedparser"] += t2 - t1
            for entry in parsed.entries:
                t3 = time.perf_counter()
                content = entry.get("content") or [{}]
                body = nh3.clean(content[0].get("value") or entry.get("summary", ""))
                t4 = time.perf_counter()
                db.execute("BEGIN")
                db.execute(
                    "INSERT INTO items (uid, title, link, published, body) VALUES (?, ?, ?, ?, ?)",
                    (
                        entry.get("id"),
                        entry.get("title", ""),
                        entry.get("link", ""),
                        entry.get("published"),
                        body,
                    ),
                )
                db.execute("COMMIT")
                parts["nh3"] += t4 - t3
                parts["insert"] += time.perf_counter() - t4
                count += 1
    seconds = time.perf_counter() - started
    cpu = time.process_time() - cpu
    db.close()
    return {
        "name": "B: httpx GET + feedparser.parse + nh3.clean + one INSERT a transaction (SQLite)",
        "seconds": round(seconds, 2),
        "items": count,
        "items_per_s": round(count / seconds, 1),
        "cpu_seconds": round(cpu, 2),
        "items_per_cpu_s": round(count / cpu, 1),
        "parts_s": {k: round(v, 2) for k, v in parts.items()},
    }


def stages(feeds: Feeds, limit: int, tmp: Path) -> dict[str, Any]:
    """In-process times of dateline's parse, fingerprint and store steps on the same bytes
    (the first feeds, up to about ``limit`` items); the store step is ``Store.take_items``
    into a fresh SQLite store, ``BATCH_ITEMS`` items a transaction as the pipeline does."""
    sample: dict[str, bytes] = {}
    count = 0
    for path, body in feeds.documents.items():
        if count >= limit:
            break
        sample[path] = body
        count += body.count(b"<item>")
    started = time.perf_counter()
    texts: list[str] = []
    drafts: list[Article] = []
    for path, body in sample.items():
        parsed = parse_feed(body, url=f"http://127.0.0.1{path}", content_type="application/rss+xml")
        texts += [f"{i.article.deck}\n{i.article.plain_text}" for i in parsed.items]
        drafts += [i.article for i in parsed.items]
    parse_s = time.perf_counter() - started
    started = time.perf_counter()
    for path, body in sample.items():
        feedparser.parse(
            io.BytesIO(body),
            response_headers={"content-location": path, "content-type": "application/xml"},
            sanitize_html=False,
            resolve_relative_uris=False,
        )
    feedparser_s = time.perf_counter() - started
    started = time.perf_counter()
    prints = [fingerprint(text) for text in texts]
    fingerprint_s = time.perf_counter() - started
    with fresh_store("sqlite", tmp, "stage-store", None) as store:
        news = store.section("news")
        incoming = [
            Incoming(replace(a, section=news or a.section), Fingerprint(*p) if p else None)
            for a, p in zip(drafts, prints, strict=True)
        ]
        started = time.perf_counter()
        for start in range(0, len(incoming), BATCH_ITEMS):
            store.take_items(incoming[start : start + BATCH_ITEMS], None, NOW, same_story)
        store_s = time.perf_counter() - started
    return {
        "items": len(texts),
        "parse_feed_s": round(parse_s, 2),
        "parse_feed_items_per_s": round(len(texts) / parse_s, 1),
        "feedparser_s": round(feedparser_s, 2),
        "feedparser_items_per_s": round(len(texts) / feedparser_s, 1),
        "fingerprint_s": round(fingerprint_s, 2),
        "fingerprint_items_per_s": round(len(texts) / fingerprint_s, 1),
        "store_s": round(store_s, 2),
        "store_items_per_s": round(len(texts) / store_s, 1),
    }


def in_process(feeds: Feeds, limit: int, tmp: Path) -> int:
    """The pipeline's work on the first feeds, up to about ``limit`` items, in this thread
    (for the profiler, which sees one thread): parse, fingerprint, store (SQLite)."""
    count = 0
    with fresh_store("sqlite", tmp, "profiled-store", None) as store:
        news = store.section("news")
        for path, body in feeds.documents.items():
            if count >= limit:
                break
            parsed = parse_feed(body, url=f"http://127.0.0.1{path}", content_type="")
            incoming = []
            for item in parsed.items:
                mark = article_mark(item.article)
                article = replace(item.article, section=news or item.article.section)
                incoming.append(Incoming(article, Fingerprint(*mark) if mark else None))
            store.take_items(incoming, None, NOW, same_story)
            count += len(incoming)
    return count


def split_ms(run: dict[str, Any], stage: dict[str, Any]) -> dict[str, float]:
    """A run's milliseconds an item, split by the in-process stages' rates."""
    total = 1000 / run["items_per_s"]
    parse = 1000 / stage["parse_feed_items_per_s"]
    prints = 1000 / stage["fingerprint_items_per_s"]
    stored = 1000 / stage["store_items_per_s"]
    return {
        "total": round(total, 2),
        "parse_feed": round(parse, 2),
        "feedparser": round(1000 / stage["feedparser_items_per_s"], 2),
        "fingerprint": round(prints, 2),
        "store": round(stored, 2),
    }


# -- 304 polling -------------------------------------------------------------------------


async def _plain_conditional(requests: Sequence[tuple[str, str]]) -> tuple[Counter[int], float]:
    gate = asyncio.Semaphore(CONCURRENT_SOURCES)
    async with httpx.AsyncClient(timeout=20, headers={"User-Agent": USER_AGENT}) as client:

        async def one(url: str, etag: str) -> int:
            async with gate:
                response = await client.get(url, headers={"If-None-Match": etag})
                return response.status_code

        started = time.perf_counter()
        statuses = await asyncio.gather(*(one(u, e) for u, e in requests))
        return Counter(statuses), time.perf_counter() - started


def polling_304(
    documents: dict[str, bytes], base: str, backend: str, tmp: Path, args: argparse.Namespace
) -> dict[str, Any]:
    """Step 5: a first poll (200), then the timed one (304), then the plain baseline."""
    with fresh_store(backend, tmp, f"poll-{backend}", args.postgres) as store:
        add_sources(store, [base + path for path in documents], auto_publish=False)
        log(f"[{backend}] 304 polling: first poll of {len(documents)} sources (200)")
        first, first_s = poll_all(store, args)
        first_totals = poll_summary(first)
        stored = [(s.url, s.etag) for s in store.sources()]
        log(f"[{backend}] 304 polling: second poll (304), timed")
        second, second_s = poll_all(store, args)
        totals = poll_summary(second)
        profile: dict[str, Any] | None = None
        if args.profile:
            log(f"[{backend}] 304 polling: a third poll (304) under cProfile")
            profiler = cProfile.Profile()
            profiler.runcall(poll_all, store, args)
            profile = profile_summary(profiler, calls=_CALLS_304)
    log(f"[{backend}] 304 polling: {second_s:.2f} s; baseline: plain conditional GETs")
    statuses, plain_s = asyncio.run(_plain_conditional(stored))
    return {
        "backend": backend,
        "sources": len(documents),
        "first_poll_s": round(first_s, 2),
        "first_poll": first_totals,
        "with_etag": sum(1 for _, etag in stored if etag),
        "seconds": round(second_s, 2),
        "ms_per_source": round(second_s * 1000 / max(1, len(documents)), 2),
        "not_modified": totals["not_modified"],
        "outcomes": totals,
        "errors": [r.error for r in second if r.status == "failed"][:5],
        "baseline": {
            "name": f"plain httpx.AsyncClient conditional GETs, {CONCURRENT_SOURCES} at a time",
            "seconds": round(plain_s, 2),
            "statuses": {str(k): v for k, v in statuses.items()},
        },
        "ratio_to_baseline": round(second_s / plain_s, 2),
    } | ({"profile": profile} if profile else {})


# -- profile -----------------------------------------------------------------------------

_CALLS = (
    ("dateline/ingest/formats/syndication.py", "parse_feed", "parse_feed"),
    ("feedparser/api.py", "parse", "  feedparser.parse"),
    ("dateline/ingest/formats/entry.py", "entry_article", "  entry_article"),
    ("dateline/ingest/blocks.py", "sanitized_to_blocks", "    sanitized_to_blocks (lxml)"),
    ("dateline/ingest/sanitize.py", "sanitize_html", "    sanitize_html (every call)"),
    ("dateline/ingest/formats/entry.py", "_deck", "    _deck"),
    ("dateline/ingest/structure.py", "recognize", "    recognize"),
    ("dateline/model/fingerprint.py", "fingerprint", "fingerprint (MinHash)"),
    ("dateline/store/__init__.py", "take_items", "Store.take_items"),
    ("dateline/store/intake.py", "_take", "  intake._take (per item)"),
    ("dateline/store/intake.py", "_copy_of", "    _copy_of (band lookup)"),
    ("dateline/store/articles.py", "insert_article", "    insert_article"),
    ("dateline/store/articles.py", "_free_slug", "      _free_slug"),
    ("dateline/store/articles.py", "save_people_and_topics", "      save_people_and_topics"),
    ("dateline/store/intake.py", "_record", "    _record"),
    ("dateline/store/intake.py", "_save_fingerprint", "    _save_fingerprint"),
    ("sqlalchemy/engine/base.py", "execute", "  Connection.execute (every statement)"),
)
_CALLS_304 = (
    ("dateline/ingest/pipeline.py", "free_dead_leases", "free_dead_leases"),
    ("dateline/store/__init__.py", "sources", "Store.sources"),
    ("dateline/ingest/pipeline.py", "poll_source", "poll_source (per resumption)"),
    ("dateline/store/__init__.py", "claim_source", "  Store.claim_source"),
    ("dateline/ingest/fetch.py", "get", "  Fetcher.get (per resumption)"),
    ("dateline/ingest/pipeline.py", "_succeeded", "  _succeeded"),
    ("dateline/store/__init__.py", "record_source_success", "    Store.record_source_success"),
)


def _group(filename: str, function: str) -> str:
    """The library a profiled function belongs to."""
    if filename == "~":
        for needle, name in (
            ("sqlite3", "sqlite3 (C)"),
            ("Cleaner", "nh3 (C)"),
            ("nh3", "nh3 (C)"),
            ("lxml", "lxml (C)"),
            ("pyexpat", "pyexpat (C, feedparser's XML)"),
            ("numpy", "numpy (C)"),
            ("_hashlib", "hashlib (C)"),
            ("blake2b", "hashlib (C)"),
            ("re.Pattern", "re (C)"),
            ("epoll", "event loop (C)"),
            ("_socket", "sockets and TLS (C)"),
            ("_ssl", "sockets and TLS (C)"),
        ):
            if needle in function:
                return name
        return "Python builtins (dict, str, isinstance...)"
    if "site-packages/" in filename:
        return filename.split("site-packages/", 1)[1].split("/", 1)[0].removesuffix(".py")
    if "/dateline/" in filename:
        module = filename.split("/dateline/", 1)[1].removesuffix(".py").replace("/", ".")
        return "dateline." + module.rsplit(".", 1)[0] if "." in module else "dateline." + module
    if "/python3" in filename:
        return "stdlib " + filename.rsplit("/python3", 1)[1].split("/", 2)[1].removesuffix(".py")
    return filename


def profile_summary(
    profiler: cProfile.Profile, top: int = 16, calls: Sequence[tuple[str, str, str]] = _CALLS
) -> dict[str, Any]:
    """Own time by library, and the cumulative time of the pipeline's main calls."""
    stats = pstats.Stats(profiler)
    raw: dict[Any, Any] = stats.stats  # type: ignore[attr-defined]
    total = sum(entry[2] for entry in raw.values())
    groups = Counter[str]()
    for (filename, _, function), entry in raw.items():
        groups[_group(filename, function)] += entry[2]
    rows: list[dict[str, Any]] = []
    for suffix, function, label in calls:
        cumulative = sum(
            entry[3]
            for (filename, _, name), entry in raw.items()
            if name == function and filename.endswith(suffix)
        )
        count = sum(
            entry[1]
            for (filename, _, name), entry in raw.items()
            if name == function and filename.endswith(suffix)
        )
        rows.append({"call": label, "cumulative_s": round(cumulative, 2), "calls": count})
    return {
        "total_s": round(total, 2),
        "by_library": [
            {"library": name, "own_s": round(s, 2), "share": round(s / total, 3)}
            for name, s in groups.most_common(top)
        ],
        "calls": rows,
    }


# -- the run -----------------------------------------------------------------------------


def targets(report: dict[str, Any]) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    for run in report["throughput"]:
        if run["auto_publish"]:
            continue
        rate = run["items_per_s"]
        rows.append(
            {
                "target": f"items stored a second ({run['backend']}, review mode)",
                "limit": ">= 1000 items/s",
                "value": f"{rate} items/s",
                "ok": rate >= TARGET_ITEMS_PER_S,
            }
        )
    for run in report["polling_304"]:
        seconds = run["seconds"]
        rows.append(
            {
                "target": f"{run['sources']} sources answering 304 ({run['backend']})",
                "limit": "<= 60 s for 1000",
                "value": f"{seconds} s",
                "ok": seconds <= TARGET_304_S if run["sources"] >= TARGET_304_SOURCES else None,
            }
        )
    return rows


def checks(report: dict[str, Any]) -> list[str]:
    """What went wrong, if anything (an empty list: every check passed)."""
    problems: list[str] = []
    for run in report["throughput"]:
        name = f"{run['backend']}{' auto-publish' if run['auto_publish'] else ''}"
        copies = run["copies"]
        if not copies["ok"]:
            problems.append(
                f"{name}: {copies['missed']} of {copies['judged']} copies not alternates, "
                f"{copies['unexpected_merges']} unexpected merges"
            )
        if run["outcomes"]["failed"]:
            problems.append(f"{name}: {run['outcomes']['failed']} sources failed: {run['errors']}")
    for run in report["polling_304"]:
        if run["not_modified"] != run["sources"]:
            problems.append(
                f"304 {run['backend']}: {run['not_modified']} of {run['sources']} not_modified "
                f"({run['errors']})"
            )
        if run["baseline"]["statuses"] != {"304": run["sources"]}:
            problems.append(f"304 baseline: statuses {run['baseline']['statuses']}")
    return problems


def print_table(report: dict[str, Any]) -> None:
    p = report["params"]
    g = report["generated"]
    print(
        f"ingest: {g['items']} items in {g['feeds']} RSS feeds of {p['per_feed']} "
        f"({g['feed_mib']} MiB, {g['planted_copies']} planted copies), seed {p['seed']}; "
        f"{p['sources']} sources for 304 polling; {CONCURRENT_SOURCES} sources at a time, "
        f"per_host={p['per_host']}"
    )
    b = report["baseline_b"]
    print(
        f"\n{'throughput (fresh store)':<48} {'seconds':>8} {'items':>7} {'items/s':>9} {'x B':>6}"
    )
    for run in report["throughput"]:
        mode = "auto-publish" if run["auto_publish"] else "review"
        label = f"dateline poll_due, {run['backend']}, {mode}"
        print(
            f"{label:<48} {run['seconds']:>8} {run['items']:>7} {run['items_per_s']:>9} "
            f"{run['ratio_to_b']:>6}"
        )
    print(
        f"{'B: GET + feedparser + nh3.clean + INSERT':<48} {b['seconds']:>8} {b['items']:>7} "
        f"{b['items_per_s']:>9} {1.0:>6}"
    )
    for run in report["throughput"]:
        print(
            f"  items a CPU second of this process and its feed readers (steadier than wall "
            f"time on a shared machine; the database server's CPU not counted), "
            f"{run['backend']}: {run['items_per_cpu_s_with_readers']}, B "
            f"{b['items_per_cpu_s']}, x B {run['cpu_ratio_to_b']}"
        )
        print(
            f"  {run['backend']}: {run['processes']} feed reader process(es), started in "
            f"{run['reader_start_s']} s before the timed poll; items a CPU second of this "
            f"process alone: {run['items_per_cpu_s']}"
        )
    parts = ", ".join(f"{k} {v} s" for k, v in b["parts_s"].items())
    print(f"  B's parts: {parts}")
    s = report["stages"]
    print(
        f"  dateline stages in-process on {s['items']} items: parse_feed "
        f"{s['parse_feed_items_per_s']} items/s (feedparser.parse alone "
        f"{s['feedparser_items_per_s']}), fingerprint {s['fingerprint_items_per_s']} items/s, "
        f"store (take_items) {s['store_items_per_s']} items/s"
    )
    for run in report["throughput"]:
        split = run["ms_per_item"]
        print(
            f"  ms an item, {run['backend']}{' auto-publish' if run['auto_publish'] else ''}: "
            f"{split['total']} of wall time; in-process stages (in the reader processes, "
            f"side by side; the store too with two or more): parse_feed "
            f"{split['parse_feed']}, fingerprint "
            f"{split['fingerprint']}, store {split['store']} (feedparser.parse alone "
            f"{split['feedparser']})"
        )
    for run in report["throughput"]:
        c, o = run["copies"], run["outcomes"]
        print(
            f"  {run['backend']}{' auto-publish' if run['auto_publish'] else ''}: created "
            f"{o['created']}, alternates {o['alternates']}, updated {o['updated']}, unchanged "
            f"{o['unchanged']}, published {o['published']}, failed sources {o['failed']}; "
            f"copies: {c['became_alternates']}/{c['judged']} planted became alternates "
            f"({c['not_judged_failed_feed']} not judged: in a failed feed), "
            f"{c['unexpected_merges']} unexpected merges, {c['articles']} articles "
            f"(expected {c['expected_articles'] or 'n/a'})"
        )
    print(f"\n{'304 polling':<48} {'seconds':>8} {'ms/src':>7} {'304s':>9} {'x base':>6}")
    for run in report["polling_304"]:
        label = f"dateline poll_due, {run['backend']}, {run['sources']} sources"
        print(
            f"{label:<48} {run['seconds']:>8} {run['ms_per_source']:>7} "
            f"{run['not_modified']:>9} {run['ratio_to_baseline']:>6}"
        )
        base = run["baseline"]
        ms = round(base["seconds"] * 1000 / max(1, run["sources"]), 2)
        print(
            f"{'  baseline: httpx.AsyncClient, same URLs':<48} {base['seconds']:>8} {ms:>7} "
            f"{base['statuses'].get('304', 0):>9} {1.0:>6}"
        )
        print(
            f"  first poll (200, one item each): {run['first_poll_s']} s, "
            f"{run['with_etag']} sources kept an ETag"
        )
    if "profile" in report:
        print_profile(report["profile"], sys.stdout, "one poll_due of the throughput step")
    for run in report["polling_304"]:
        if "profile" in run:
            print_profile(run["profile"], sys.stdout, f"one 304 poll_due ({run['backend']})")
    print("\ntargets (issue #5):")
    for t in report["targets"]:
        verdict = {True: "met", False: "MISSED", None: "n/a (fewer sources than the target's)"}[
            t["ok"]
        ]
        print(f"  {t['target']:<48} {t['limit']:<18} {t['value']:<16} {verdict}")
    for problem in report["problems"]:
        print(f"  CHECK FAILED: {problem}")


def print_profile(profile: dict[str, Any], out: Any, what: str) -> None:
    print(f"\nprofile of {what} (cProfile, {profile['total_s']} s profiled):", file=out)
    for row in profile["by_library"]:
        print(f"  {row['library']:<40} {row['own_s']:>8} s  {row['share']:>6.1%}", file=out)
    print("  main calls (cumulative):", file=out)
    for row in profile["calls"]:
        print(
            f"    {row['call']:<38} {row['cumulative_s']:>8} s  {row['calls']:>8} calls", file=out
        )


def run(args: argparse.Namespace, tmp: Path) -> dict[str, Any]:
    report: dict[str, Any] = {"machine": machine(with_sqlite=True), "params": vars(args)}
    log(f"generating {args.items} items in feeds of {args.per_feed}, and {args.sources} sources")
    started = time.perf_counter()
    writer = Writer(random.Random(args.seed))
    feeds = generate_feeds(writer, args.items, args.per_feed, args.copies)
    poll_documents = generate_poll_feeds(writer, args.sources)
    write_documents(tmp / "www", feeds.documents | poll_documents)
    report["generated"] = {
        "items": feeds.items,
        "feeds": len(feeds.documents),
        "planted_copies": len(feeds.copies),
        "feed_mib": round(sum(len(b) for b in feeds.documents.values()) / 2**20, 1),
        "bytes_per_item": round(sum(len(b) for b in feeds.documents.values()) / feeds.items),
        "seconds": round(time.perf_counter() - started, 1),
    }
    log(f"generated in {report['generated']['seconds']} s: {report['generated']}")
    backends = ["sqlite"] + (["postgresql"] if args.postgres else [])
    with feed_server(tmp / "www") as base:
        urls = [base + path for path in feeds.documents]
        log("baseline B")
        report["baseline_b"] = baseline_b(urls, tmp)
        b_run = report["baseline_b"]
        log(f"B: {b_run['items_per_s']} items/s ({b_run['items_per_cpu_s']} a CPU second)")
        runs = [dateline_throughput(feeds, base, b, tmp, args) for b in backends]
        if args.auto_publish:
            runs.append(dateline_throughput(feeds, base, "sqlite", tmp, args, auto_publish=True))
        b_cpu = report["baseline_b"]["items_per_cpu_s"]
        for one in runs:
            one["ratio_to_b"] = round(one["items_per_s"] / report["baseline_b"]["items_per_s"], 3)
            # B is one process; dateline reads (and stores) in its reader processes too
            one["cpu_ratio_to_b"] = round(one["items_per_cpu_s_with_readers"] / b_cpu, 3)
        report["throughput"] = runs
        log("stages: parse_feed, feedparser.parse and fingerprint in-process")
        report["stages"] = stages(feeds, args.stage_items, tmp)
        for one in runs:
            one["ms_per_item"] = split_ms(one, report["stages"])
        report["polling_304"] = [polling_304(poll_documents, base, b, tmp, args) for b in backends]
        if args.profile:
            log("profiling parse_feed, fingerprint and take_items in-process (cProfile)")
            profiler = cProfile.Profile()
            profiler.runcall(in_process, feeds, args.stage_items, tmp)
            report["profile"] = profile_summary(profiler)
            print_profile(report["profile"], sys.stderr, "the in-process pipeline")
    report["load_average_at_end"] = [round(v, 2) for v in os.getloadavg()]
    report["targets"] = targets(report)
    report["problems"] = checks(report)
    return report


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.ingest", description=(__doc__ or "").split("\n\n")[0]
    )
    parser.add_argument("--items", type=int, default=5000, help="items in all (5000)")
    parser.add_argument("--per-feed", type=int, default=50, help="items a feed (50)")
    parser.add_argument("--copies", type=float, default=0.05, help="share of planted copies (0.05)")
    parser.add_argument("--sources", type=int, default=1000, help="sources for 304 polling (1000)")
    parser.add_argument("--per-host", type=int, default=8, help="fetcher's per-host limit (8)")
    parser.add_argument(
        "--processes",
        type=int,
        default=2,
        help="feed reader worker processes, as DATELINE_INGEST_PROCESSES (2; 0: threads)",
    )
    parser.add_argument(
        "--fetch-timeout",
        type=float,
        default=FETCH_TIMEOUT,
        help=f"the fetcher's deadline in seconds ({FETCH_TIMEOUT:g}, its default)",
    )
    parser.add_argument("--seed", type=int, default=7, help="generator seed (7)")
    parser.add_argument("--postgres", metavar="URL", help="also run on a scratch PostgreSQL db")
    parser.add_argument(
        "--auto-publish", action="store_true", help="add a run with auto-publishing sources"
    )
    parser.add_argument(
        "--stage-items", type=int, default=2000, help="items for the in-process stages (2000)"
    )
    parser.add_argument("--profile", action="store_true", help="profile one more poll (cProfile)")
    parser.add_argument("--timeout", type=int, default=900, help="time budget in seconds (900)")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument("--serve", metavar="DIR", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.items < 10 or args.per_feed < 1 or args.sources < 1 or args.per_host < 1:
        parser.error("need --items >= 10, --per-feed >= 1, --sources >= 1, --per-host >= 1")
    if not 0 <= args.copies <= 0.5:
        parser.error("--copies is a share between 0 and 0.5")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args.serve:
        serve(Path(args.serve))
        return 0
    try:
        with (
            time_budget(max(1, args.timeout)),
            tempfile.TemporaryDirectory(prefix="dateline-ingest-") as tmp,
        ):
            report = run(args, Path(tmp))
    except OutOfTime as exc:
        log(str(exc))
        return 3
    except CheckFailed as exc:
        log(f"check failed: {exc}")
        return 1
    if args.json:
        print(json.dumps(report, indent=2, default=str))
    else:
        print_table(report)
    return 1 if report["problems"] else 0


if __name__ == "__main__":
    sys.exit(main())
