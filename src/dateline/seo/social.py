"""OpenGraph and Twitter card tags, as ``MetaTag`` values a template prints one per line.

``article_tags`` gives an article page its ``og:type article`` card (title, description,
URL, site name, image, times, section, topics as ``article:tag``, the author pages as
``article:author``) and its Twitter card: ``summary_large_image`` when the article has an
image, ``summary`` otherwise. Other pages get the basics (``og:type website``) from the
``_seo_head.html`` template itself.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True, slots=True)
class MetaTag:
    """One ``<meta>`` element: ``attribute`` is ``property`` (OpenGraph) or ``name``."""

    attribute: str
    key: str
    content: str


def article_tags(news_article: dict[str, Any], site_name: str) -> list[MetaTag]:
    """The social tags of an article page, from its ``NewsArticle`` JSON-LD."""
    title = str(news_article["headline"])
    description = str(news_article.get("description", ""))
    images = [str(i) for i in news_article.get("image", [])]
    tags = [
        MetaTag("property", "og:type", "article"),
        MetaTag("property", "og:title", title),
        MetaTag("property", "og:url", str(news_article["url"])),
        MetaTag("property", "og:site_name", site_name),
    ]
    if description:
        tags.append(MetaTag("property", "og:description", description))
    tags.extend(MetaTag("property", "og:image", i) for i in images[:1])
    if "inLanguage" in news_article:
        tags.append(MetaTag("property", "og:locale", _locale(str(news_article["inLanguage"]))))
    for key, field in (
        ("article:published_time", "datePublished"),
        ("article:modified_time", "dateModified"),
        ("article:section", "articleSection"),
    ):
        if field in news_article:
            tags.append(MetaTag("property", key, str(news_article[field])))
    tags.extend(
        MetaTag("property", "article:tag", str(k)) for k in news_article.get("keywords", [])
    )
    tags.extend(
        MetaTag("property", "article:author", str(a["url"]))
        for a in news_article.get("author", [])
        if a.get("@type") == "Person" and a.get("url")
    )
    tags.append(MetaTag("name", "twitter:card", "summary_large_image" if images else "summary"))
    tags.append(MetaTag("name", "twitter:title", title))
    if description:
        tags.append(MetaTag("name", "twitter:description", description))
    tags.extend(MetaTag("name", "twitter:image", i) for i in images[:1])
    return tags


def _locale(language: str) -> str:
    """``en`` or ``en-US`` as OpenGraph writes a locale: ``en`` or ``en_US``."""
    return language.replace("-", "_")
