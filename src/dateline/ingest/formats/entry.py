"""The shape every syndication format is read into, and how one entry becomes an article.

Each feed reader (``feed`` for RSS/Atom/CDF, ``jsonfeed``, ``newsml``) turns its bytes into
a ``FeedDocument``: feed-level facts and one ``FeedEntry`` per entry, as the feed states
it, HTML still raw. ``entry_article`` then applies one set of rules to all of them:

- ``uid``: the entry id when it is globally unique (an absolute http(s) URL, a ``urn:``
  or ``tag:`` URI), else ``{feed_url}#{id}``, else the entry's http(s) link, else
  ``{feed_url}#sha256-...``: a hash of the feed URL, the title and the publication time,
  stable as long as the feed states those the same way;
- the headline is the plain, single-line title, cut at a word (with ``…``) to 300
  characters; an entry without a title takes the first words of its text, and an entry
  with neither is an ``InvalidItem`` (field ``title``);
- the body is the content (else the summary) through ``html_to_blocks`` (the sanitizer
  runs there, resolving relative URLs against ``base_url``), then ``recognize`` takes out
  its own dateline and credit line; a first heading that repeats the headline is dropped;
- the deck is the plain text of the summary, when there is both a summary and a content
  that the summary does not merely repeat or begin (cut to 600 characters);
- bylines come from ``parse_byline`` on each author statement; topics from the
  categories (slugified, deduplicated, names kept; a name with no latin letter or digit
  gives no topic, since its slug would be the placeholder ``item``);
- ``published_at`` is the publication time, else the update time; ``version_at`` and
  ``updated_at`` the update time, else the publication time;
- the language is the entry's (else ``en``) as a short lowercase tag: language and
  region only (``pt_BR`` gives ``pt-br``, ``zh-Hant-TW`` gives ``zh-tw``);
- the article is a syndicated draft: ``Source(kind="syndicated")`` names the publisher,
  the link and the entry id, and the link is also the canonical URL (http(s) links only);
- a lead image (an enclosure, ``media:content``, a JSON Feed ``image``) is put in front of
  the body as an image block unless the body already shows that picture.

Every text field is kept within ``model.limits``: long ones are cut, never refused.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from datetime import datetime
from html import escape
from urllib.parse import urljoin, urlsplit

from dateline.ingest.blocks import html_to_blocks, sanitized_to_blocks, single_line, text_to_blocks
from dateline.ingest.formats.ninjs import parse_byline
from dateline.ingest.sanitize import sanitize_html
from dateline.ingest.structure import recognize
from dateline.model import Article, Author, Block, BlockKind, InvalidItem, Section, Source, Topic
from dateline.model.limits import MAX_DATELINE, MAX_DECK, MAX_HEADLINE, MAX_NAME, MAX_URL
from dateline.model.pickling import by_fields
from dateline.model.slug import slugify
from dateline.model.text import TAG, blocks_text, strip_tags

MAX_LANGUAGE = 35
_ELLIPSIS = "…"
_TRAILING_ELLIPSIS = re.compile(r"\s*(?:\[\s*(?:…|\.\.\.)\s*\]|…|\.\.\.+)\s*$")
_PRIMARY = re.compile(r"[a-z]{2,3}")
_REGION = re.compile(r"[a-z]{2}|[0-9]{3}")
# what ``str.isspace`` calls a space (``\s`` asks it), or a control character below 32
_SPACE_OR_CONTROL = re.compile(r"[\s\x00-\x1f]")
# an absolute http(s) URL that ``urlsplit`` splits into scheme, host and path alone, and
# that ``urlunsplit`` puts back together as it was (``_joined``)
_PLAIN_HTTP_URL = re.compile(r"https?://[^/?#;]+(?:/[^?#;]*)?")


@dataclass(frozen=True, slots=True)
class FeedEntry:
    """One entry as a feed states it; ``title`` is plain text, the HTML fields are raw.

    ``published``/``updated`` are aware UTC datetimes. ``base_url`` resolves relative URLs
    in the HTML (the entry's ``xml:base``, else its link, else the feed's URL). The lead
    image comes from an enclosure, ``media:content`` or a JSON Feed ``image``;
    ``publisher`` names the feed or the item's source; ``dateline`` is a fallback place
    (NewsML ``dateline``/``located``) for a body that does not open with one.
    """

    id: str
    link: str
    title: str
    summary_html: str
    content_html: str
    published: datetime | None
    updated: datetime | None
    authors: tuple[str, ...]
    categories: tuple[str, ...]
    language: str
    base_url: str
    image_url: str = ""
    image_caption: str = ""
    publisher: str = ""
    dateline: str = ""


@by_fields  # pickled back from the feed reader processes: see model.pickling
@dataclass(frozen=True, slots=True)
class FeedItem:
    """What the ingest pipeline receives for one entry.

    ``article`` is a draft in the section passed in; ``categories`` are the raw category
    labels (for per-source section rules); ``summary_only`` tells that the entry had no
    full content, so the source may fetch the page for it.
    """

    article: Article
    categories: tuple[str, ...]
    summary_only: bool


@dataclass(frozen=True, slots=True)
class FeedDocument:
    """A feed read into entries, before any becomes an article.

    ``entries`` holds one value per entry in document order: the ``FeedEntry``, or the
    message saying why that entry was not read (not an article, or malformed).
    ``warnings`` are problems with the document as a whole that did not stop reading it.
    """

    format: str
    title: str
    link: str
    language: str
    entries: tuple[FeedEntry | str, ...]
    warnings: tuple[str, ...] = ()


def feed_item(entry: FeedEntry, *, feed_url: str, section: str) -> FeedItem:
    """The ``FeedItem`` for an entry: its article, raw categories and whether summary only."""
    labels = tuple(label for label in (single_line(c) for c in entry.categories) if label)
    return FeedItem(
        article=entry_article(entry, feed_url=feed_url, section=section),
        categories=labels,
        summary_only=not entry.content_html.strip(),
    )


def entry_article(entry: FeedEntry, *, feed_url: str, section: str) -> Article:
    """The draft article an entry makes (the rules are in the module docstring).

    Raises ``InvalidItem`` (field ``title``) for an entry with neither title nor text.
    """
    link = http_url(entry.link, entry.base_url or feed_url)
    base_url = entry.base_url or link or feed_url
    fragment = entry.content_html if entry.content_html.strip() else entry.summary_html
    clean = sanitize_html(fragment, base_url)
    body = sanitized_to_blocks(clean)
    title = shorten(single_line(entry.title), MAX_HEADLINE)
    fallback = shorten(single_line(entry.dateline), MAX_DATELINE)
    dateline, credit_line, body = recognize(_without_heading(body, title), dateline=fallback)
    headline = title or shorten(next(iter(blocks_text(body).splitlines()), ""), MAX_HEADLINE)
    if not headline:
        name = entry.id or entry.link or "an entry without id or link"
        raise InvalidItem(name, "no title or text", "title")
    body = _without_heading(body, headline)
    body = _lead_image(entry, base_url, body) + body
    published = entry.published or entry.updated
    version = entry.updated or entry.published
    return Article(
        uid=entry_uid(entry, feed_url),
        slug=slugify(headline),
        headline=headline,
        section=Section(slug=section, name=""),
        body=body,
        deck=_deck(entry, clean),
        dateline=shorten(dateline, MAX_DATELINE),
        credit_line=credit_line,
        bylines=_bylines(entry.authors),
        topics=_topics(entry.categories),
        published_at=published,
        updated_at=version,
        version_at=version,
        language=normalise_language(entry.language) or "en",
        source=Source(
            kind="syndicated",
            publisher=shorten(single_line(entry.publisher), MAX_NAME),
            url=link,
            item_id=_item_id(entry.id),
        ),
        canonical_url=link,
    )


def entry_uid(entry: FeedEntry, feed_url: str) -> str:
    """The entry's stable identity: see the module docstring for the order of the rules."""
    ident = single_line(entry.id)
    if ident and is_global_id(ident) and len(ident) <= MAX_URL:
        return ident
    if ident and feed_url and len(feed_url) + len(ident) < MAX_URL:
        return f"{feed_url}#{ident}"
    link = http_url(entry.link, entry.base_url or feed_url)
    if link:
        return link
    when = entry.published or entry.updated
    stated = "\n".join((feed_url, single_line(entry.title), when.isoformat() if when else ""))
    digest = hashlib.sha256(stated.encode()).hexdigest()[:32]
    return f"{feed_url[: MAX_URL - 50]}#sha256-{digest}"


def is_global_id(ident: str) -> bool:
    """Whether an id is unique on its own: an absolute http(s) URL, a ``urn:``/``tag:`` URI."""
    if ident.lower().startswith(("urn:", "tag:")):
        return True
    try:
        parts = urlsplit(ident)
    except ValueError:
        return False
    return parts.scheme.lower() in ("http", "https") and bool(parts.netloc)


def http_url(url: str, base_url: str = "") -> str:
    """``url`` made absolute against ``base_url`` when it is an http(s) URL, else ``""``."""
    url = url.strip()
    if not url or _SPACE_OR_CONTROL.search(url):
        return ""
    try:
        absolute = _joined(base_url, url) if base_url else url
        parts = urlsplit(absolute)
    except ValueError:
        return ""
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        return ""
    return absolute if len(absolute) <= MAX_URL else ""


def _joined(base_url: str, url: str) -> str:
    """``urljoin(base_url, url)`` for ``http_url``, without the join for a plain URL.

    ``urljoin`` returns an absolute URL as it is when its scheme is not the base's, and
    else takes it apart and puts it back together: the same URL again when it is plain
    (``_PLAIN_HTTP_URL``, and free of the spaces and control characters that
    ``urlsplit`` strips or removes, which ``http_url`` refuses first). Most entry links
    are plain, and ``urljoin`` costs several times what this does.
    """
    if _PLAIN_HTTP_URL.fullmatch(url):
        urlsplit(base_url)  # for the ValueError that urljoin would raise
        return url
    return urljoin(base_url, url)


def normalise_language(tag: str) -> str:
    """A language tag as a short lowercase BCP 47 form (``de``, ``pt-br``), ``""`` if unusable.

    Only the primary language (two or three letters) and a region are kept: a script, a
    variant or an extension is dropped, and ``x-``/``i-`` tags are not usable.
    """
    parts = tag.strip().replace("_", "-").lower().split("-")
    if not _PRIMARY.fullmatch(parts[0]):
        return ""
    region = next((p for p in parts[1:3] if _REGION.fullmatch(p)), "")
    return f"{parts[0]}-{region}" if region else parts[0]


def shorten(text: str, limit: int) -> str:
    """``text`` cut at a word boundary to at most ``limit`` characters, ``…`` marking a cut."""
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    if " " in cut[limit // 2 :]:
        cut = cut.rsplit(" ", 1)[0]
    return cut.rstrip(" ,;:-–—") + _ELLIPSIS


def html_text(fragment: str) -> str:
    """The plain text of outside HTML, sanitized first (so script text never shows)."""
    return strip_tags(sanitize_html(fragment)) if fragment.strip() else ""


def text_html(text: str) -> str:
    """Plain text as escaped HTML paragraphs (see ``text_to_blocks`` for the splitting)."""
    return "".join(f"<p>{block.html}</p>" for block in text_to_blocks(text))


def _without_heading(body: tuple[Block, ...], headline: str) -> tuple[Block, ...]:
    """``body`` without a first heading that only repeats the headline."""
    if headline and body and body[0].kind is BlockKind.HEADING:
        if strip_tags(body[0].html).casefold() == headline.casefold():
            return body[1:]
    return body


def _deck(entry: FeedEntry, clean: str) -> str:
    """The summary's text, when the entry also has a content it does not merely begin
    (``clean``: the sanitized content)."""
    if not entry.summary_html.strip() or not entry.content_html.strip():
        return ""
    summary = html_text(entry.summary_html)
    if not summary:
        return ""
    opening = _TRAILING_ELLIPSIS.sub("", summary).casefold()
    if not opening or _text_begins_with(clean, opening):
        return ""
    return shorten(summary, MAX_DECK)


def _text_begins_with(clean: str, opening: str) -> bool:
    """``strip_tags(clean).casefold().startswith(opening)``, reading no more of ``clean``
    than it takes (a summary opens a body of thousands of characters).

    ``clean`` is cut where a tag starts, in the scan ``strip_tags`` itself makes of it
    (``TAG``): the text of that part is then the beginning of the whole text (a tag
    becomes a space, which no entity runs into, and spaces collapse the same way), so
    once it is as long as ``opening`` it decides. Only the casefolded text is compared,
    and casefolding maps each character on its own.
    """
    enough = len(opening) + 64
    for tag in TAG.finditer(clean):
        if tag.start() < enough:
            continue
        text = strip_tags(clean[: tag.start()]).casefold()
        if len(text) >= len(opening):
            return text.startswith(opening)
        enough = 2 * tag.start()
    return strip_tags(clean).casefold().startswith(opening)


def _item_id(ident: str) -> str:
    """The entry id as the source's item id, if it fits."""
    ident = single_line(ident)
    return ident if len(ident) <= MAX_URL else ""


def _bylines(statements: tuple[str, ...]) -> tuple[Author, ...]:
    authors: dict[str, Author] = {}
    for statement in statements:
        for author in parse_byline(statement):
            authors.setdefault(author.slug, author)
    return tuple(authors.values())


def _topics(categories: tuple[str, ...]) -> tuple[Topic, ...]:
    topics: dict[str, Topic] = {}
    for label in categories:
        name = shorten(single_line(label), MAX_NAME)
        slug = slugify(name)
        if not name or (slug == "item" and name.casefold() != "item"):
            continue
        topics.setdefault(slug, Topic(slug=slug, name=name))
    return tuple(topics.values())


def _lead_image(entry: FeedEntry, base_url: str, body: tuple[Block, ...]) -> tuple[Block, ...]:
    """The entry's lead image as a block, unless it is not http(s) or the body shows it."""
    src = http_url(entry.image_url, base_url)
    if not src or any(b.kind is BlockKind.IMAGE and b.src == src for b in body):
        return ()
    caption = single_line(entry.image_caption)
    figure = f'<figure><img src="{escape(src)}" alt="">'
    if caption:
        figure += f"<figcaption>{escape(caption, quote=False)}</figcaption>"
    blocks = html_to_blocks(figure + "</figure>", base_url)
    return tuple(block for block in blocks if block.kind is BlockKind.IMAGE)
