"""The HTML sanitizer: every piece of outside HTML passes through it before it is stored.

An allowlist (nh3, i.e. ammonia) keeps what an article body needs and nothing else:

- text: ``p br a em i strong b blockquote q cite code pre sub sup abbr s small``;
- structure: ``h1``-``h6``, ``ul ol li``, ``figure figcaption img``;
- wrappers ``div section article span``, kept (bare but for the credit classes) so block parsing
  still sees where one paragraph ends and the next begins.

Attributes: ``a href title``, ``img src alt title``, ``abbr title``, and the classes
``credit``/``byline`` (on ``div span small p``), which mark a picture credit inside a
figure. Everything else goes, event handlers and ``style`` included. URLs must be
``http``, ``https`` or ``mailto`` (no ``javascript:``, no ``data:``); links get
``rel="noopener noreferrer"``. The elements in ``DROPPED_WITH_CONTENT`` (scripts, styles,
frames, embedded objects, forms, page furniture such as ``nav`` and ``aside``) vanish with
their content; any other unknown tag is removed but its text kept.

Relative URLs are resolved against ``base_url`` when one is given; without one they are
kept as written (a Markdown author's ``/2024/03/22/other-story`` is a link on this site).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache
from urllib.parse import urljoin

import nh3

ALLOWED_TAGS = frozenset(
    {
        "p",
        "br",
        "a",
        "em",
        "i",
        "strong",
        "b",
        "blockquote",
        "q",
        "cite",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "ul",
        "ol",
        "li",
        "figure",
        "figcaption",
        "img",
        "code",
        "pre",
        "sub",
        "sup",
        "abbr",
        "s",
        "small",
        "span",
        "div",
        "section",
        "article",
    }
)

CREDIT_CLASSES = frozenset({"credit", "byline"})

ALLOWED_ATTRIBUTES: dict[str, frozenset[str]] = {
    "*": frozenset(),  # no attribute on every tag (nh3 would allow lang and title)
    "a": frozenset({"href", "title"}),
    "img": frozenset({"src", "alt", "title"}),
    "abbr": frozenset({"title"}),
    "div": frozenset({"class"}),
    "span": frozenset({"class"}),
    "small": frozenset({"class"}),
    "p": frozenset({"class"}),
}

URL_SCHEMES = frozenset({"http", "https", "mailto"})

DROPPED_WITH_CONTENT = frozenset(
    {
        "script",
        "style",
        "title",
        "head",
        "iframe",
        "frame",
        "frameset",
        "object",
        "embed",
        "noscript",
        "template",
        "svg",
        "math",
        "form",
        "button",
        "select",
        "textarea",
        "audio",
        "video",
        "canvas",
        "nav",
        "aside",
    }
)


def sanitize_html(fragment: str, base_url: str = "") -> str:
    """``fragment`` with everything outside the allowlist removed, as an HTML fragment."""
    if not fragment.strip():
        return ""
    return _cleaner(base_url).clean(fragment)


@lru_cache(maxsize=64)
def _cleaner(base_url: str) -> nh3.Cleaner:
    """The allowlist cleaner, resolving relative URLs against ``base_url`` if not empty."""
    return nh3.Cleaner(
        tags=ALLOWED_TAGS,
        clean_content_tags=DROPPED_WITH_CONTENT,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        attribute_filter=_credit_class_only,
        link_rel="noopener noreferrer",
        strip_comments=True,
        url_relative=_resolver(base_url) if base_url else "pass_through",
    )


def _credit_class_only(tag: str, attribute: str, value: str) -> str | None:
    """Keep of a ``class`` attribute only the credit classes; leave other attributes be."""
    if attribute != "class":
        return value
    kept = [name for name in value.split() if name in CREDIT_CLASSES]
    return " ".join(kept) or None


def _resolver(base_url: str) -> Callable[[str], str | None]:
    """A callback for nh3 that makes a relative URL absolute against ``base_url``.

    It never raises (nh3 would only report the error): a URL that cannot be joined, or
    that joins into a scheme outside the allowlist, is dropped.
    """

    def resolve(url: str) -> str | None:
        try:
            absolute = urljoin(base_url, url)
        except ValueError:
            return None
        scheme = absolute.partition(":")[0].lower()
        return absolute if scheme in URL_SCHEMES else None

    return resolve
