"""One documented dataclass per page template: what a theme can rely on."""

from __future__ import annotations

from dataclasses import dataclass, field

from dateline.model import Article, ArticleSummary, Author, RelatedLink, Section, Topic
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
