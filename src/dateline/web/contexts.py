"""One documented dataclass per page template: what a theme can rely on."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from dateline.model import (
    Article,
    ArticleSummary,
    Author,
    RelatedLink,
    SearchResults,
    Section,
    Topic,
)
from dateline.seo.social import MetaTag
from dateline.weather.cache import WeatherDisplay


@dataclass(frozen=True)
class SiteContext:
    """Shown on every page: the header, navigation and weather widget."""

    name: str = field(metadata={"help": "The site's name"})
    url: str = field(metadata={"help": "Public base URL, for absolute links"})
    sections: list[Section] = field(metadata={"help": "Sections for the navigation, in order"})
    weather: WeatherDisplay | None = field(
        metadata={"help": "The weather widget, or None when no fresh value may be shown"}
    )


@dataclass(frozen=True)
class Pagination:
    """Where a list page stands: page number and the neighbours' URLs."""

    page: int
    previous_url: str = ""
    next_url: str = ""


@dataclass(frozen=True)
class HomeContext:
    """The front page: the lead story, top stories, then one list per section."""

    site: SiteContext
    lead: ArticleSummary | None = field(metadata={"help": "The newest published article"})
    top: list[ArticleSummary] = field(metadata={"help": "The next newest articles"})
    fronts: list[tuple[Section, list[ArticleSummary]]] = field(
        metadata={"help": "Each section with its newest articles, sections in order"}
    )


@dataclass(frozen=True)
class ArticleContext:
    """The article page, in the order it is shown."""

    site: SiteContext
    article: Article = field(metadata={"help": "The article, with bylines and corrections"})
    related: list[RelatedLink] = field(metadata={"help": "Related articles, best first (≤5)"})
    recent: list[ArticleSummary] = field(
        metadata={"help": "Newest published articles, newest first, never this one (≤5)"}
    )
    canonical_url: str = field(metadata={"help": "Absolute canonical URL of the page"})
    news_article: dict[str, Any] = field(
        default_factory=dict,
        metadata={"help": "schema.org NewsArticle JSON-LD of the article, as a dict"},
    )
    news_article_json: str = field(
        default="",
        metadata={"help": "news_article serialised, safe inside a <script> element"},
    )
    social_tags: list[MetaTag] = field(
        default_factory=list,
        metadata={"help": "OpenGraph and Twitter card <meta> tags (attribute, key, content)"},
    )


@dataclass(frozen=True)
class ListingContext:
    """A section, author or topic page: a heading and a paginated list."""

    site: SiteContext
    kind: str = field(metadata={"help": "'section', 'author' or 'topic'"})
    title: str = field(metadata={"help": "The heading: section name, author name, topic"})
    articles: list[ArticleSummary] = field(metadata={"help": "This page's articles"})
    pagination: Pagination
    section: Section | None = None
    author: Author | None = None
    topic: Topic | None = None


@dataclass(frozen=True)
class NotFoundContext:
    """The 404 page: where to go instead."""

    site: SiteContext
    path: str = field(metadata={"help": "The path that was asked for"})
    recent: list[ArticleSummary] = field(metadata={"help": "Newest articles to offer"})


@dataclass(frozen=True)
class SearchContext:
    """The search page: the form as the reader filled it, then the results or a message."""

    site: SiteContext
    text: str = field(metadata={"help": "The words searched for, as typed ('' for none yet)"})
    section: str = field(metadata={"help": "The section filter's slug as sent, or ''"})
    since: str = field(metadata={"help": "The 'published since' date as sent (YYYY-MM-DD)"})
    until: str = field(metadata={"help": "The 'published until' date as sent (YYYY-MM-DD)"})
    results: SearchResults | None = field(
        metadata={"help": "This page of results (hits with HTML-safe snippets), or None"}
    )
    error: str = field(metadata={"help": "Why a filter cannot be used, or ''"})
    error_field: str = field(metadata={"help": "The parameter at fault: section, since, until"})
    pagination: Pagination
    first: int = field(metadata={"help": "The position of this page's first hit (from 1)"})
    bound: int = field(metadata={"help": "How many of the newest matches are ranked at most"})
