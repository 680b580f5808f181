"""The feedparser corpus end to end: every feed served over HTTP, polled, stored, published,
and every page dateline then serves checked for hostile markup.

The 1,769 feeds of ``../shared/fixtures/feeds/feedparser/`` (745 of them sanitizer cases)
are each served by a real HTTP server on 127.0.0.1 and added as an auto-publishing
source; one ``poll_due`` takes them all. No poll may end in an unhandled error (a feed
that is no feed is a recorded failure, which is fine), and no script, event handler,
style, frame or dangerous URL from any of them may reach the home page or an article
page (the rendered HTML is parsed and inspected, not just the stored text).

Runs on SQLite only: the PostgreSQL store is covered by the other ingest tests, and this
one polls 1,769 sources.
"""

from __future__ import annotations

import asyncio
import json
import re
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import lxml.html
import pytest
from starlette.testclient import TestClient

from dateline.config import Settings
from dateline.ingest.fetch import Fetcher, FetchLimits
from dateline.ingest.pipeline import PollReport, poll_due
from dateline.model import FeedSource, Section
from dateline.store import Store, open_store
from dateline.web.app import create_app
from tests.conftest import shared_path
from tests.replay import ReplayServer, Reply

DANGEROUS_URL = re.compile(r"^\s*(javascript|vbscript|data|livescript|mocha)\s*:", re.IGNORECASE)
FORBIDDEN_TAGS = {"script", "style", "iframe", "frame", "frameset", "object", "embed", "applet"}
URL_ATTRIBUTES = {"href", "src", "action", "formaction", "poster", "background", "cite", "srcset"}


@pytest.fixture
def corpus_store(tmp_path: Path) -> Iterator[Store]:
    store = open_store(f"sqlite:///{tmp_path / 'corpus.db'}")
    store.save_section(Section(slug="news", name="News"))
    yield store
    store.close()


def is_inert_json_ld(element: lxml.html.HtmlElement) -> bool:
    """A JSON-LD block whose text is valid JSON with no markup in it (``<`` escaped)."""
    if (element.get("type") or "").strip().lower() != "application/ld+json":
        return False
    text = element.text or ""
    try:
        json.loads(text)
    except ValueError:
        return False
    return "<" not in text and len(element) == 0


def hostile_markup(html: str) -> list[str]:
    """What in a served page could run code or restyle it, described."""
    found: list[str] = []
    root = lxml.html.document_fromstring(html)
    for element in root.iter():
        if not isinstance(element.tag, str):
            continue
        tag = element.tag.lower()
        if tag == "script" and is_inert_json_ld(element):
            pass  # the page's own structured data: data, never run
        elif tag in FORBIDDEN_TAGS:
            found.append(f"<{tag}> {(element.text or '').strip()[:60]!r}")
        for name, value in element.attrib.items():
            lowered = name.lower()
            if lowered.startswith("on"):
                found.append(f"{tag}[{name}]")
            elif lowered == "style":
                found.append(f"{tag}[style={value[:40]!r}]")
            elif lowered in URL_ATTRIBUTES and DANGEROUS_URL.search(value):
                found.append(f"{tag}[{name}={value[:40]!r}]")
    return found


def test_every_corpus_feed_goes_through_and_nothing_hostile_is_served(
    corpus_store: Store, replay_server: ReplayServer, tmp_path: Path
) -> None:
    root = shared_path("fixtures", "feeds", "feedparser")
    files = sorted(p for p in root.rglob("*.xml") if p.is_file())
    assert len(files) >= 1700, f"expected the 1,769 feedparser fixtures under {root}"
    now = datetime.now(UTC)
    for number, path in enumerate(files):
        route = f"/corpus/{number}/{path.name}"
        replay_server.route(route, Reply(200, path.read_bytes(), {"Content-Type": "text/xml"}))
        corpus_store.add_source(
            FeedSource(
                url=f"{replay_server.url}{route}",
                name=str(path.relative_to(root)),
                section="news",
                auto_publish=True,
            ),
            now,
        )

    async def go() -> list[PollReport]:
        limits = FetchLimits(user_agent="dateline-test", allow_private=True, per_host=8)
        async with Fetcher(limits) as fetcher:
            return await poll_due(corpus_store, fetcher, owner="corpus-test", force=True)

    reports = asyncio.run(go())
    assert len(reports) == len(files)  # every source polled, none crashed the run
    failed = [r for r in reports if r.status == "failed"]
    # a failure must be a clear, recorded one: the source named, a reason given
    for report in failed:
        assert report.error.startswith(report.source.url), report.error
        assert len(report.error) > len(report.source.url) + 5
    created = sum(r.created for r in reports)
    taken = created + sum(r.alternates for r in reports)
    published = corpus_store.published_ids()
    # most corpus files test one field of an entry with no title or text: about 480 of
    # them make an article, and a few documents are no feed at all
    assert taken >= 450, (created, taken)
    assert len(published) == created
    assert len(failed) <= 10, [r.error for r in failed[:10]]

    settings = Settings(data_dir=tmp_path, site_url="https://news.example.org")
    app = create_app(settings, store=corpus_store, background=False)
    problems: dict[str, list[str]] = {}
    with TestClient(app) as client:
        # the site's own furniture (e.g. its empty favicon link), as a page without content
        # shows it, is not what the feeds brought
        own = set(hostile_markup(client.get("/no-such-page").text))
        home = client.get("/")
        assert home.status_code == 200
        if found := set(hostile_markup(home.text)) - own:
            problems["/"] = sorted(found)
        for article_id in sorted(published):
            article = corpus_store.article(article_id)
            assert article is not None
            page = client.get(article.path)
            assert page.status_code == 200, article.path
            if found := set(hostile_markup(page.text)) - own:
                problems[f"{article.path} ({article.uid})"] = sorted(found)
    assert not problems, dict(list(problems.items())[:10])
