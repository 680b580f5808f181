"""The pure sitemap writers: valid against the sitemaps.org and Google News schemas."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from dateline.seo import robots, sitemaps
from tests.seo.xml_schemas import elements, texts, valid

NOW = datetime(2026, 11, 26, 12, 0, tzinfo=UTC)
SITE = "https://news.example.org/"


@dataclass(frozen=True)
class Url:
    path: str
    lastmod: datetime | None


@dataclass(frozen=True)
class News:
    path: str
    headline: str
    published_at: datetime
    language: str = "en"


def test_production_limits_are_the_protocols() -> None:
    assert sitemaps.MAX_URLS == 50_000
    assert sitemaps.MAX_NEWS == 1_000
    assert sitemaps.NEWS_WINDOW == timedelta(hours=48)
    assert sitemaps.article_sitemap_count(0) == 0
    assert sitemaps.article_sitemap_count(1) == 1
    assert sitemaps.article_sitemap_count(50_000) == 1
    assert sitemaps.article_sitemap_count(50_001) == 2
    assert sitemaps.article_sitemap_count(1_000_000) == 20


def test_url_set_is_valid_with_lastmod_and_stops_at_its_limit() -> None:
    entries = [Url(f"/2026/11/26/story-{i}", NOW - timedelta(minutes=i)) for i in range(5)]
    entries.append(Url("/section/world", None))
    body = b"".join(sitemaps.url_set(SITE, entries, limit=3))
    root = valid(body, "sitemap.xsd")
    locs = texts(root, "//s:loc/text()")
    assert locs == [f"https://news.example.org/2026/11/26/story-{i}" for i in range(3)]
    assert texts(root, "//s:lastmod/text()")[1] == "2026-11-26T11:59:00+00:00"
    everything = valid(b"".join(sitemaps.url_set(SITE, entries)), "sitemap.xsd")
    assert len(elements(everything, "//s:url")) == 6
    assert len(elements(everything, "//s:url[not(s:lastmod)]")) == 1


def test_url_set_is_streamed_in_chunks() -> None:
    entries = (Url(f"/article/story-number-{i}", NOW) for i in range(5000))
    chunks = list(sitemaps.url_set(SITE, entries))
    assert len(chunks) > 1
    assert all(len(c) <= sitemaps.CHUNK + 1000 for c in chunks)
    root = valid(b"".join(chunks), "sitemap.xsd")
    assert len(root) == 5000


def test_index_splits_by_the_given_size() -> None:
    per = 3
    count = sitemaps.article_sitemap_count(7, per_sitemap=per)
    assert count == 3
    paths = [f"/sitemaps/articles-{n}.xml" for n in range(1, count + 1)]
    root = valid(b"".join(sitemaps.sitemap_index(SITE, paths)), "siteindex.xsd")
    assert texts(root, "//s:loc/text()") == [
        f"https://news.example.org/sitemaps/articles-{n}.xml" for n in (1, 2, 3)
    ]


def test_news_sitemap_keeps_the_last_48_hours_at_most_the_limit_and_escapes() -> None:
    entries = [
        News(
            "/2026/11/26/a", "Fish & chips <b>cheaper</b> \x0b", NOW - timedelta(hours=1), "en-GB"
        ),
        News("/2026/11/25/b", "Second", NOW - timedelta(hours=47)),
        News("/2026/11/24/c", "Too old", NOW - timedelta(hours=49)),
        News("/2026/11/26/d", "From the future", NOW + timedelta(hours=1)),
        News("/2026/11/26/e", "Chinese", NOW - timedelta(hours=2), "zh-Hant"),
    ]
    body = b"".join(sitemaps.news_sitemap(SITE, "The Test & Dateline", entries, NOW))
    root = valid(body, "news-urlset.xsd")
    assert texts(root, "//s:loc/text()") == [
        "https://news.example.org/2026/11/26/a",
        "https://news.example.org/2026/11/25/b",
        "https://news.example.org/2026/11/26/e",
    ]
    titles = texts(root, "//news:title/text()")
    assert titles[0] == "Fish & chips <b>cheaper</b> "
    assert b"Fish &amp; chips &lt;b&gt;" in body
    assert texts(root, "//news:name/text()") == ["The Test & Dateline"] * 3
    assert texts(root, "//news:language/text()") == ["en", "en", "zh-tw"]
    assert texts(root, "//news:publication_date/text()")[0] == ("2026-11-26T11:00:00+00:00")
    capped = b"".join(sitemaps.news_sitemap(SITE, "T", entries, NOW, limit=2))
    assert len(valid(capped, "news-urlset.xsd")) == 2


def test_robots_txt() -> None:
    text = robots.robots_txt("https://news.example.org/")
    lines = text.splitlines()
    assert lines[0] == "User-agent: *"
    assert "Disallow: /newsroom/" in lines and "Disallow: /api/" in lines
    assert "Allow: /" in lines
    assert "Sitemap: https://news.example.org/sitemap.xml" in lines
    assert "Sitemap: https://news.example.org/news-sitemap.xml" in lines
