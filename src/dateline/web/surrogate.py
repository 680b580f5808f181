"""Surrogate keys: the names of what a response shows, for a CDN or a page cache to purge.

A view calls ``tag(request, ...)`` with the keys of everything it shows; the response
carries them in one ``Surrogate-Key`` header. The names:

- ``article-<id>``: an article shown whole or as a link in a list;
- ``related-<id>``: the article's related list (on its page and its API answer), so a
  new list purges those two and not every list linking to the article;
- ``section-<slug>``, ``author-<slug>``, ``topic-<slug>``: a list page or feed of one;
- ``home``: the front page; ``recent``: any page showing the newest-articles list;
- ``sections``: any page showing the section navigation;
- ``feeds``, ``sitemaps``, ``search``: the site-wide feeds, sitemaps and search results;
- ``robots``: robots.txt, which changes only with the settings;
- ``weather``: any page with the weather widget (it also says until when it is right,
  ``fresh_until``).

Publishing, updating, correcting or unpublishing an article purges ``article-<id>`` plus
the keys of its section, authors and topics, ``home``, ``recent``, ``feeds``,
``sitemaps`` and ``search`` (see ``keys_for_article``); ``keys_for_purges`` turns the
store's purge log into keys for the page cache (``dateline.web.pagecache``).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime

from starlette.requests import Request

from dateline.model import Listing, PagePurge, Scope

HEADER = "Surrogate-Key"
# What a newly listed (or delisted) article changes besides its own pages and its section's,
# authors' and topics' lists.
LISTS = ("home", "recent", "feeds", "sitemaps", "search")


def tag(request: Request, *keys: str) -> None:
    """Record that the response to ``request`` shows ``keys``."""
    seen: set[str] = getattr(request.state, "surrogate_keys", set())
    seen.update(k for k in keys if k)
    request.state.surrogate_keys = seen


def fresh_until(request: Request, when: datetime) -> None:
    """Record that the response to ``request`` is wrong from ``when`` on (the earliest wins)."""
    current: datetime | None = getattr(request.state, "fresh_until", None)
    if current is None or when < current:
        request.state.fresh_until = when


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
        f"related-{article_id}",
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
    keys = {f"article-{article_id}", f"section-{section}", *LISTS}
    keys.update(f"author-{a}" for a in authors)
    keys.update(f"topic-{t}" for t in topics)
    return sorted(keys)


def keys_for_purges(
    purges: Iterable[PagePurge], listings: Mapping[int, Listing]
) -> set[str] | None:
    """The keys a batch of purges makes wrong, or None when every page is.

    ``listings`` says where each article of a ``listing`` purge is listed; an article it
    does not name (deleted since) purges its own key and the site-wide lists, which is
    enough: every list that showed it was tagged with its key.
    """
    keys: set[str] = set()
    for purge in purges:
        article = f"article-{purge.article_id}"
        if purge.scope is Scope.ALL:
            return None
        if purge.scope is Scope.WEATHER:
            keys.add("weather")
        elif purge.scope is Scope.RELATED:
            keys.add(f"related-{purge.article_id}")
        elif purge.scope is Scope.CONTENT:
            keys.update((article, "search"))
        elif purge.article_id is not None:
            where = listings.get(purge.article_id)
            if where is None:
                keys.update((article, *LISTS))
            else:
                keys.update(
                    keys_for_article(where.article_id, where.section, where.authors, where.topics)
                )
    return keys
