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
Two cleaners serve every call (building one costs more than cleaning an article): one
keeps relative URLs, the other resolves them against the ``base_url`` of the call, which
it reads from a context variable (so threads sanitizing at once each see their own).
"""

from __future__ import annotations

import re
from contextvars import ContextVar
from urllib.parse import urljoin, urlsplit

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
    if not base_url:
        return _KEEPING.clean(fragment)
    token = _BASE_URL.set(base_url)
    try:
        return _RESOLVING.clean(fragment)
    finally:
        _BASE_URL.reset(token)


_BASE_URL: ContextVar[str] = ContextVar("sanitize_base_url", default="")


def _cleaner(*, resolve: bool) -> nh3.Cleaner:
    """The allowlist cleaner; ``resolve``: relative URLs made absolute (``_resolve``)."""
    return nh3.Cleaner(
        tags=ALLOWED_TAGS,
        clean_content_tags=DROPPED_WITH_CONTENT,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        attribute_filter=_credit_class_only,
        link_rel="noopener noreferrer",
        strip_comments=True,
        url_relative=_resolve if resolve else "pass_through",
    )


def _credit_class_only(tag: str, attribute: str, value: str) -> str | None:
    """Keep of a ``class`` attribute only the credit classes; leave other attributes be."""
    if attribute != "class":
        return value
    kept = [name for name in value.split() if name in CREDIT_CLASSES]
    return " ".join(kept) or None


def _resolve(url: str) -> str | None:
    """nh3's callback: a relative URL made absolute against the call's ``base_url``.

    It never raises (nh3 would only report the error): a URL that cannot be joined, or
    that joins into a scheme outside the allowlist, is dropped.
    """
    try:
        absolute = _join(_BASE_URL.get(), url)
    except ValueError:
        return None
    scheme = absolute.partition(":")[0].lower()
    return absolute if scheme in URL_SCHEMES else None


# A path from the root that ``urljoin`` leaves as it is (``_join``): no ``//`` in it, no
# segment starting with a dot (as every ``.`` and ``..`` segment does), no ``?#;`` and
# none of the tabs and newlines that ``urlsplit`` removes.
_PLAIN_PATH = re.compile(r"(?:/(?![/.])[^/?#;\t\n\r]*)+")


def _join(base: str, url: str) -> str:
    """``urljoin(base, url)``, without ``urljoin`` for a plain path against an http(s) base.

    ``urljoin`` gives such a path (``_PLAIN_PATH``) the base's scheme and host and leaves
    it as it is: nothing in it is split off (query, fragment, ``;`` parameters), removed
    (tabs, newlines) or resolved (``.`` and ``..`` segments), and it does not start with
    ``//`` (a host). Most links a feed makes to its own site (``/topics/...``) are such
    paths, and ``urljoin`` costs several times what this does.
    """
    if _PLAIN_PATH.fullmatch(url):
        parts = urlsplit(base)  # raises the ValueError that urljoin would raise
        if parts.scheme in ("http", "https"):
            return f"{parts.scheme}://{parts.netloc}{url}"
    return urljoin(base, url)


_KEEPING = _cleaner(resolve=False)
_RESOLVING = _cleaner(resolve=True)
