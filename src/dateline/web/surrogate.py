"""Surrogate keys: the names of what a response shows, for a CDN or a page cache to purge.

A view calls ``tag(request, ...)`` with the keys of everything it shows; the response
carries them in one ``Surrogate-Key`` header. The names:

- ``article-<id>``: an article shown whole or as a link in a list;
- ``section-<slug>``, ``author-<slug>``, ``topic-<slug>``: a list page or feed of one;
- ``home``: the front page; ``recent``: any page showing the newest-articles list;
- ``sections``: any page showing the section navigation;
- ``feeds``, ``sitemaps``, ``search``: the site-wide feeds, sitemaps and search results;
- ``robots``: robots.txt, which changes only with the settings.

Publishing, updating, correcting or unpublishing an article purges ``article-<id>`` plus
the keys of its section, authors and topics, ``home``, ``recent``, ``feeds`` and
``sitemaps`` (see ``keys_for_article``).
"""

from __future__ import annotations

from collections.abc import Iterable

from starlette.requests import Request

HEADER = "Surrogate-Key"


def tag(request: Request, *keys: str) -> None:
    """Record that the response to ``request`` shows ``keys``."""
    seen: set[str] = getattr(request.state, "surrogate_keys", set())
    seen.update(k for k in keys if k)
    request.state.surrogate_keys = seen


def article_keys(ids: Iterable[int | None]) -> list[str]:
    return [f"article-{i}" for i in ids]


def article_page_keys(
    article_id: int | None,
    section: str,
    related: Iterable[int | None],
    recent: Iterable[int | None],
) -> list[str]:
    """What an article with its related and recent lists shows (page or API answer)."""
    return [
        f"article-{article_id}",
        *article_keys(related),
        *article_keys(recent),
        f"section-{section}",
        "recent",
    ]


def keys_of(request: Request) -> list[str]:
    """The keys recorded for ``request``, sorted so the header is stable."""
    return sorted(getattr(request.state, "surrogate_keys", set()))


def header_value(keys: Iterable[str]) -> str:
    return " ".join(keys)


def keys_for_article(
    article_id: int, section: str, authors: Iterable[str], topics: Iterable[str]
) -> list[str]:
    """Everything a change to one article can alter, as keys to purge."""
    keys = {f"article-{article_id}", f"section-{section}", "home", "recent", "feeds", "sitemaps"}
    keys.update(f"author-{a}" for a in authors)
    keys.update(f"topic-{t}" for t in topics)
    return sorted(keys)
