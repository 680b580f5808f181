"""SEO through the real app, on each database: head tags, JSON-LD, robots.txt, sitemaps."""

from __future__ import annotations

import dataclasses
import json
import re
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

from lxml import etree
from starlette.testclient import TestClient

from dateline import publish
from dateline.config import Settings
from dateline.model import Article, Author, Block, BlockKind, Section, Source
from dateline.store import Store
from dateline.testing import build_fixture_newsroom
from dateline.web.app import create_app
from tests.seo.schemaorg import google_problems, problems
from tests.seo.xml_schemas import NS, elements, schema, texts, valid

SITE = "https://news.example.org"


def add_article(store: Store, slug: str, published: datetime | None, **changes: Any) -> int:
    """Save one article in the World section; publish it at ``published`` unless None."""
    section = store.section("world") or store.save_section(Section("world", "World", 1))
    article = Article(
        uid=f"test:{slug}",
        slug=slug,
        headline=f"Headline of {slug}",
        section=section,
        body=(Block(BlockKind.PARAGRAPH, html=f"Text of {slug}."),),
        bylines=(Author("ana-silva", "Ana Silva"),),
        version_at=published or datetime.now(UTC),
    )
    saved = store.save_articles([replace(article, **changes)])[0].article_id
    if published is not None:
        publish.publish(store, [saved], published)
    return saved


def head(html: str) -> str:
    return html[html.index("<head>") : html.index("</head>")]


def json_ld(html: str) -> dict[str, Any]:
    found = re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    assert len(found) == 1
    data: dict[str, Any] = json.loads(found[0])
    return data


def meta(html: str) -> dict[str, list[str]]:
    tags: dict[str, list[str]] = {}
    for key, content in re.findall(
        r'<meta (?:property|name)="([^"]+)" content="([^"]*)">', head(html)
    ):
        tags.setdefault(key, []).append(content)
    return tags


def test_article_page_has_valid_news_article_and_social_tags(
    client: TestClient, store: Store
) -> None:
    ids = build_fixture_newsroom(store)
    article = store.article(ids[1])
    assert article is not None
    html = client.get(article.path).text
    data = json_ld(html)
    assert problems(data) == []
    assert google_problems(data) == []
    url = SITE + article.path
    assert data["url"] == url and data["headline"] == article.headline
    assert data["locationCreated"] == {"@type": "Place", "name": "Doha, Qatar"}
    assert data["publisher"]["logo"]["url"].startswith(f"{SITE}/static/")
    assert client.get(data["publisher"]["logo"]["url"]).status_code == 200
    tags = meta(html)
    assert tags["og:type"] == ["article"]
    assert tags["og:title"] == [article.headline]
    assert tags["og:url"] == [url]
    assert tags["og:site_name"] == ["The Test Dateline"]
    assert tags["og:description"] == [article.deck.replace("'", "&#39;")]
    assert tags["article:author"] == [f"{SITE}/author/nadia-farouk", f"{SITE}/author/tom-reyes"]
    assert tags["twitter:card"] == ["summary"]
    assert tags["twitter:title"] == [article.headline]
    assert head(html).count('rel="canonical"') == 1
    assert f'<link rel="canonical" href="{url}">' in html


def test_syndicated_article_canonical_is_the_original(client: TestClient, store: Store) -> None:
    original = "https://wire.example.com/2026/11/story-1"
    now = datetime.now(UTC)
    article_id = add_article(
        store,
        "wire-story",
        now,
        source=Source("syndicated", "Wire Service", original, "story-1"),
        canonical_url=original,
        bylines=(),
    )
    article = store.article(article_id)
    assert article is not None
    html = client.get(article.path).text
    assert head(html).count('rel="canonical"') == 1
    assert f'<link rel="canonical" href="{original}">' in html
    data = json_ld(html)
    assert data["mainEntityOfPage"] == {"@type": "WebPage", "@id": original}
    assert data["isBasedOn"] == original
    assert data["author"] == [{"@type": "Organization", "name": "Wire Service"}]
    assert problems(data) == []
    assert meta(html)["og:url"] == [original]


def test_script_in_headline_does_not_break_out(client: TestClient, store: Store) -> None:
    headline = 'Evil </script><script>alert("x")</script> headline'
    article_id = add_article(store, "evil", datetime.now(UTC), headline=headline)
    article = store.article(article_id)
    assert article is not None
    html = client.get(article.path).text
    assert "<script>alert" not in html
    assert json_ld(html)["headline"] == headline


def test_other_pages_get_opengraph_basics(client: TestClient, store: Store) -> None:
    build_fixture_newsroom(store)
    tags = meta(client.get("/section/world").text)
    assert tags["og:type"] == ["website"]
    assert tags["og:url"] == [f"{SITE}/section/world"]
    assert tags["og:site_name"] == ["The Test Dateline"]
    assert tags["og:title"] and "World" in tags["og:title"][0]
    home = meta(client.get("/").text)
    assert home["og:url"] == [f"{SITE}/"] and home["og:type"] == ["website"]


def test_robots_txt_served(client: TestClient) -> None:
    response = client.get("/robots.txt")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain")
    assert "Disallow: /newsroom/" in response.text
    assert f"Sitemap: {SITE}/sitemap.xml" in response.text
    assert f"Sitemap: {SITE}/news-sitemap.xml" in response.text


def test_sitemaps_list_published_articles_only(client: TestClient, store: Store) -> None:
    ids = build_fixture_newsroom(store)
    draft = add_article(store, "a-draft", None)
    pulled = add_article(store, "pulled", datetime.now(UTC) - timedelta(hours=1))
    store.unpublish(pulled)
    index = client.get("/sitemap.xml")
    assert index.status_code == 200
    assert index.headers["content-type"] == "application/xml; charset=utf-8"
    assert "sitemaps" in index.headers["surrogate-key"].split()
    root = valid(index.content, "siteindex.xsd")
    assert texts(root, "//s:loc/text()") == [
        f"{SITE}/sitemaps/pages.xml",
        f"{SITE}/sitemaps/articles-1.xml",
    ]
    pages = valid(client.get("/sitemaps/pages.xml").content, "sitemap.xsd")
    assert f"{SITE}/section/world" in texts(pages, "//s:loc/text()")
    body = client.get("/sitemaps/articles-1.xml")
    assert body.headers["content-type"] == "application/xml; charset=utf-8"
    urls = valid(body.content, "sitemap.xsd")
    listed = {
        u.findtext("s:loc", namespaces=NS): u.findtext("s:lastmod", namespaces=NS)
        for u in elements(urls, "//s:url")
    }
    expected = {}
    for article_id in ids:
        article = store.article(article_id)
        assert article is not None and article.published_at is not None
        changed = max(t for t in (article.published_at, article.updated_at) if t is not None)
        expected[SITE + article.path] = changed.replace(microsecond=0).isoformat()
    assert listed == expected
    for hidden in (draft, pulled):
        article = store.article(hidden)
        assert article is not None and SITE + article.path not in listed
    assert client.get("/sitemaps/articles-2.xml").status_code == 404
    assert client.get("/sitemaps/articles-0.xml").status_code == 404


def test_correction_moves_lastmod(client: TestClient, store: Store) -> None:
    when = datetime.now(UTC) - timedelta(hours=3)
    article_id = add_article(store, "corrected", when)
    corrected_at = (when + timedelta(hours=1)).replace(microsecond=0)
    store.add_correction(article_id, "A name was misspelled.", corrected_at)
    urls = valid(client.get("/sitemaps/articles-1.xml").content, "sitemap.xsd")
    assert texts(urls, "//s:lastmod/text()") == [corrected_at.isoformat()]
    article = store.article(article_id)
    assert article is not None
    data = json_ld(client.get(article.path).text)
    assert data["dateModified"] == corrected_at.isoformat()
    assert data["correction"] == [
        {
            "@type": "CorrectionComment",
            "text": "A name was misspelled.",
            "datePublished": corrected_at.isoformat(),
        }
    ]
    assert problems(data) == []


def test_store_splits_article_sitemaps_by_the_given_size(store: Store) -> None:
    now = datetime.now(UTC)
    ids = [add_article(store, f"story-{i}", now - timedelta(minutes=i)) for i in range(8)]
    add_article(store, "never-published", None)
    store.unpublish(ids[4])
    listed = ids[:4] + ids[5:]
    sets = [[u.id for u in store.sitemap_urls(n, 3, batch=2)] for n in (1, 2, 3, 4)]
    assert sets == [listed[0:3], listed[3:6], listed[6:7], []]


def test_news_sitemap_has_last_48_hours_only(client: TestClient, store: Store) -> None:
    now = datetime.now(UTC)
    fresh = add_article(store, "fresh", now - timedelta(hours=2), headline="Fish & <chips>")
    old = add_article(store, "old", now - timedelta(hours=50))
    add_article(store, "draft", None)
    response = client.get("/news-sitemap.xml")
    assert response.headers["content-type"] == "application/xml; charset=utf-8"
    keys = response.headers["surrogate-key"].split()
    assert {"sitemaps", "recent", f"article-{fresh}"} <= set(keys)
    assert f"article-{old}" not in keys
    root = valid(response.content, "news-urlset.xsd")
    article = store.article(fresh)
    assert article is not None
    assert texts(root, "//s:loc/text()") == [SITE + article.path]
    assert texts(root, "//news:title/text()") == ["Fish & <chips>"]
    assert texts(root, "//news:name/text()") == ["The Test Dateline"]


def test_news_schema_rejects_a_news_entry_without_title() -> None:
    broken = (
        f'<urlset xmlns="{NS["s"]}" xmlns:news="{NS["news"]}"><url><loc>{SITE}/a</loc>'
        "<news:news><news:publication><news:name>X</news:name>"
        "<news:language>en</news:language></news:publication>"
        "<news:publication_date>2026-11-26</news:publication_date></news:news></url></urlset>"
    )
    assert not schema("news-urlset.xsd").validate(etree.fromstring(broken.encode()))
    assert not schema("sitemap.xsd").validate(
        etree.fromstring(
            f'<urlset xmlns="{NS["s"]}"><url><loc>relative</loc></url></urlset>'.encode()
        )
    )


def test_logo_setting_names_the_publisher_logo(settings: Settings, store: Store) -> None:
    logo = "https://cdn.example.org/brand/logo-600x60.png"
    configured = dataclasses.replace(settings, site_logo_url=logo)
    article = store.article(build_fixture_newsroom(store)[0])
    assert article is not None
    with TestClient(create_app(configured, store=store, background=False)) as client:
        data = json_ld(client.get(article.path).text)
    assert data["publisher"]["logo"] == {"@type": "ImageObject", "url": logo}
    assert problems(data) == []
