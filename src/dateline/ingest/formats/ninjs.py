"""IPTC ninjs (JSON news items), versions 1.x, 2.x and 3.x, into articles.

A file holds one item, a JSON array of items, or an object with an ``items`` array. Keys
are looked up case-insensitively, so 1.x/2.x ``versioncreated`` and 3.x
``versionCreated`` are the same field. The mapping:

- ``uri`` is the article's ``uid`` (required);
- the headline is 1.x ``headline`` or the 2.x/3.x ``headlines`` entry with role ``main``
  (else the first), required;
- the deck is a short (at most 600 characters) plain description: 1.x
  ``description_text``, or a 2.x/3.x ``descriptions`` entry with no role or a summary
  role (``summary``, ``text``, ``lead``...), never a caption;
- the body is the first HTML body (1.x ``body_html``/``body_xhtml``, a ``bodies`` entry
  of an HTML content type) else the plain-text one, sanitized into blocks. A text item
  without any body takes its description as its body (a brief), and the deck is then
  left empty; NITF and other XML bodies are not read. Relative links in the body resolve
  against the item's web link, else against its ``uri`` when that is an http(s) URL;
- ``byline``/``by`` give the bylines (see ``bylines``); ``located`` is the dateline when
  the body does not open with one; a closing credit paragraph becomes the credit line;
- ``subject``/``subjects`` entries with a ``name`` are the topics;
- ``firstcreated`` is ``published_at``, ``versioncreated`` both ``version_at`` and
  ``updated_at``, as aware UTC datetimes;
- a ``copyrightholder`` or provider (``provider``, an ``infosources`` entry with role
  provider) makes the article syndicated, with the first web link as its URL.

Items that are not text (pictures, video, audio, graphics, events and planning items,
composites without a body) are not articles: they are listed in ``skipped``. Anything
malformed raises ``InvalidItem`` naming the field; in a list, one bad item fails the file.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from dateline.ingest.blocks import html_to_blocks, single_line, text_to_blocks
from dateline.ingest.formats.kinds import json_kind
from dateline.ingest.structure import recognize
from dateline.model import Article, Author, Block, BlockKind, InvalidItem, Section, Source, Topic
from dateline.model.limits import MAX_CREDIT_LINE, MAX_DATELINE, MAX_DECK, MAX_HEADLINE
from dateline.model.slug import slugify
from dateline.model.text import strip_tags

AGENCIES = frozenset(
    {
        "ap",
        "afp",
        "dpa",
        "reuters",
        "ntb",
        "tt",
        "ansa",
        "efe",
        "anp",
        "apa",
        "sda",
        "ats",
        "upi",
        "pa",
        "epa",
        "kyodo",
        "xinhua",
        "tass",
        "ritzau",
        "stt",
        "belga",
        "bloomberg",
        "associated press",
        "agence france-presse",
        "press association",
        "pa media",
        "staff",
    }
)
_BY_PREFIX = re.compile(r"^(?:by|von|av|par|por)\s+", re.IGNORECASE)
_NAME_JOINERS = re.compile(r"\s*(?:,|;|&|\band\b|\bund\b|\bog\b|\boch\b|\bet\b)\s*")
_ROLE_SUFFIXES = (" writer", " correspondent", " reporter", " editor", " photographer", " staff")
_PARENTHESES = re.compile(r"\([^()]*\)")

_DECK_ROLES = frozenset(
    {"summary", "text", "lead", "abstract", "description", "teaser", "standfirst", "deck"}
)
_HTML_ROLES = frozenset({"html", "xhtml", "html5", "richhtml", "richhtml5"})
_TEXT_ROLES = frozenset({"text", "plain"})
_PLANNING_KEYS = ("eventdetails", "plannedcoverage", "planningdetails")
_NOT_ARTICLES = {
    "picture": "a picture",
    "video": "a video",
    "audio": "an audio item",
    "graphic": "a graphic",
    "event": "an event",
    "planning": "a planning item",
    "composite": "a composite without text",
}


@dataclass(frozen=True, slots=True)
class NinjsResult:
    """The articles of a ninjs file, and a message for each item skipped as no article."""

    articles: tuple[Article, ...]
    skipped: tuple[str, ...]


def parse_ninjs(data: bytes, source: str) -> NinjsResult:
    """The articles in a ninjs file's bytes; ``source`` names the file in messages."""
    document = _load(data, source)
    listed = isinstance(document, list)
    if isinstance(document, dict) and "uri" not in _lowered(document):
        wrapped = _lowered(document).get("items")
        if isinstance(wrapped, list):
            document, listed = wrapped, True
    items = document if isinstance(document, list) else [document]
    articles: list[Article] = []
    skipped: list[str] = []
    for index, raw in enumerate(items):
        try:
            if not isinstance(raw, dict):
                raise InvalidItem(source, f"must be a JSON object, not {json_kind(raw)}")
            outcome = _parse_item(_Item(raw, source), source)
        except InvalidItem as exc:
            if not listed:
                raise
            raise InvalidItem(source, f"item {index}: {exc.message}", exc.field) from exc
        if isinstance(outcome, str):
            skipped.append(outcome)
        else:
            articles.append(outcome)
    return NinjsResult(tuple(articles), tuple(skipped))


def parse_byline(by: str) -> tuple[Author, ...]:
    """The authors named in a ninjs ``byline``/``by`` statement.

    ``By ``, ``Von ``, ``Av `` (and ``Par``, ``Por``) are dropped, names are split on
    ``and`` (``und``, ``og``, ``och``, ``et``), commas, ``;`` and ``&``; parenthesised
    agencies (``(AP)``), photo-agency suffixes (``Name/TT``), agency names (``dpa``,
    ``NTB``), organisations (``The ...``) and role words (``..., Staff Writer``) are not
    authors. A byline that is only an agency gives no authors.
    """
    text = _PARENTHESES.sub(" ", single_line(by)).strip()
    authors: dict[str, Author] = {}
    for part in _NAME_JOINERS.split(_BY_PREFIX.sub("", text)):
        name = _BY_PREFIX.sub("", part.split("/")[0]).strip(" .-–—")
        folded = name.casefold()
        if (
            not any(c.isalpha() for c in name)
            or len(name) > 80
            or folded in AGENCIES
            or folded.startswith("the ")
            or folded.endswith(_ROLE_SUFFIXES)
        ):
            continue
        authors.setdefault(slugify(name), Author(slug=slugify(name), name=name))
    return tuple(authors.values())


class _Item:
    """One ninjs item: case-insensitive, type-checked access to its fields."""

    def __init__(self, raw: dict[str, Any], source: str) -> None:
        self.source = source
        self.keys: dict[str, str] = {}
        self.values: dict[str, Any] = {}
        for key, value in raw.items():
            lowered = key.lower()
            if lowered not in self.values:
                self.keys[lowered] = key
                self.values[lowered] = value

    def has(self, name: str) -> bool:
        return self.values.get(name) not in (None, "", [], {})

    def error(self, name: str, message: str) -> InvalidItem:
        return InvalidItem(self.source, message, self.keys.get(name, name))

    def text(self, name: str) -> str:
        """A string field, ``""`` when absent or null; any other type is an error."""
        value = self.values.get(name)
        if value is None:
            return ""
        if not isinstance(value, str):
            raise self.error(name, f"must be a string, not {json_kind(value)}")
        return value

    def entries(self, name: str) -> list[dict[str, Any]]:
        """A list-of-objects field (an object alone counts as a list of one), keys lowered."""
        value = self.values.get(name)
        if value is None:
            return []
        if isinstance(value, dict):
            value = [value]
        if not isinstance(value, list) or not all(isinstance(e, dict) for e in value):
            raise self.error(name, f"must be a list of objects, not {json_kind(value)}")
        return [_lowered(entry) for entry in value]

    def entry_text(self, name: str, entry: dict[str, Any], key: str) -> str:
        value = entry.get(key)
        if value is None:
            return ""
        if not isinstance(value, str):
            raise self.error(name, f"'{key}' must be a string, not {json_kind(value)}")
        return value

    def when(self, name: str) -> datetime | None:
        """A date-time field as an aware UTC datetime."""
        value = self.text(name).strip()
        if not value:
            return None
        try:
            moment = datetime.fromisoformat(value)
        except ValueError:
            raise self.error(name, f"is not an ISO 8601 date-time: {value!r}") from None
        if moment.tzinfo is None:
            raise self.error(name, f"needs a UTC offset: {value!r}")
        return moment.astimezone(UTC)


def _parse_item(item: _Item, source: str) -> Article | str:
    """The article an item makes, or the message saying why it is skipped."""
    uid = item.text("uri").strip()
    if not uid:
        raise item.error("uri", "is missing or empty: every ninjs item needs a uri")
    kind = _item_kind(item)
    if kind not in ("text", "composite"):
        what = _NOT_ARTICLES.get(kind, f"of type {kind!r}")
        return f"{source}: item {uid} is {what}, not a text article; skipped"
    headline = _headline(item)
    web_link = _web_link(item)
    base_url = web_link or (uid if uid.startswith(("http://", "https://")) else "")
    deck = _deck(item)
    body = _body(item, base_url)
    if not body and kind == "text" and deck:
        body, deck = text_to_blocks(deck), ""
    if not body:
        what = "a composite without text" if kind == "composite" else "a text item with no body"
        return f"{source}: item {uid} is {what}; skipped"
    if body[0].kind is BlockKind.HEADING and _same_text(body[0].html, headline):
        body = body[1:]
    located = single_line(item.text("located"))
    if len(located) > MAX_DATELINE:
        raise item.error("located", f"is {len(located)} characters, at most {MAX_DATELINE}")
    dateline, credit_line, body = recognize(body, dateline=located)
    if len(credit_line) > MAX_CREDIT_LINE:
        raise item.error("body", f"credit line longer than {MAX_CREDIT_LINE} characters")
    source_info = _source(item, uid, web_link)
    version_at = item.when("versioncreated")
    language = item.text("language").strip().replace("_", "-")
    return Article(
        uid=uid,
        slug=slugify(headline),
        headline=headline,
        section=Section(slug="", name=""),
        body=body,
        deck=deck,
        dateline=dateline,
        credit_line=credit_line,
        bylines=parse_byline(item.text("byline") or item.text("by")),
        topics=_topics(item),
        published_at=item.when("firstcreated"),
        updated_at=version_at,
        version_at=version_at,
        language=language or "en",
        source=source_info,
        canonical_url=source_info.url,
    )


def _item_kind(item: _Item) -> str:
    declared = item.text("type").strip().lower()
    if declared:
        return declared
    if any(item.has(key) for key in _PLANNING_KEYS):
        return "event"
    return "text"


def _headline(item: _Item) -> str:
    if "headline" in item.values:
        field, headline = "headline", item.text("headline")
    else:
        field, headline = "headlines", ""
        entries = item.entries("headlines")
        chosen = next((e for e in entries if str(e.get("role", "")).lower() == "main"), None)
        chosen = chosen or next(iter(entries), None)
        if chosen is not None:
            headline = item.entry_text("headlines", chosen, "value")
            if "html" in str(chosen.get("contenttype", "")).lower():
                headline = strip_tags(headline)
        elif "headlines" not in item.values:
            field = "headline"
    headline = single_line(headline)
    if not headline:
        raise item.error(field, "is missing or empty: a text item needs a headline")
    if len(headline) > MAX_HEADLINE:
        raise item.error(field, f"is {len(headline)} characters, at most {MAX_HEADLINE}")
    return headline


def _deck(item: _Item) -> str:
    """The first plain description, if short enough to stand under the headline."""
    candidates: list[str] = []
    if item.text("description_text"):
        candidates.append(item.text("description_text"))
    for key in ("description_html", "description_xhtml"):
        if item.text(key):
            candidates.append(strip_tags(item.text(key)))
    for entry in item.entries("descriptions"):
        role = str(entry.get("role") or "").lower()
        if role and role not in _DECK_ROLES:
            continue
        value = item.entry_text("descriptions", entry, "value")
        if "html" in str(entry.get("contenttype", "")).lower():
            value = strip_tags(value)
        candidates.append(value)
    for candidate in candidates:
        deck = single_line(candidate)
        if deck:
            return deck if len(deck) <= MAX_DECK else ""
    return ""


def _body(item: _Item, base_url: str) -> tuple[Block, ...]:
    """The body blocks: the first HTML body that gives any, else the first plain one."""
    html_bodies: list[str] = []
    text_bodies: list[str] = []
    for key in ("body_html", "body_xhtml"):
        html_bodies.append(item.text(key))
    text_bodies.append(item.text("body_text"))
    for entry in item.entries("bodies"):
        value = item.entry_text("bodies", entry, "value")
        content_type = str(entry.get("contenttype") or "").lower()
        role = str(entry.get("role") or "").lower()
        if "html" in content_type or (not content_type and role in _HTML_ROLES):
            html_bodies.append(value)
        elif content_type == "text/plain" or (not content_type and role in _TEXT_ROLES):
            text_bodies.append(value)
        elif not content_type and not role:
            (html_bodies if value.lstrip().startswith("<") else text_bodies).append(value)
    for fragment in html_bodies:
        blocks = html_to_blocks(fragment, base_url) if fragment.strip() else ()
        if blocks:
            return blocks
    for text in text_bodies:
        blocks = text_to_blocks(text) if text.strip() else ()
        if blocks:
            return blocks
    return ()


def _topics(item: _Item) -> tuple[Topic, ...]:
    topics: dict[str, Topic] = {}
    for name in ("subject", "subjects"):
        for entry in item.entries(name):
            label = single_line(item.entry_text(name, entry, "name"))
            if label:
                topics.setdefault(slugify(label), Topic(slug=slugify(label), name=label))
    return tuple(topics.values())


def _source(item: _Item, uid: str, web_link: str) -> Source:
    """Syndicated when a copyright holder or provider is named, else the newsroom's own."""
    publisher = item.text("copyrightholder").strip()
    if not publisher:
        provider = item.values.get("provider")
        if isinstance(provider, dict):
            provider = _lowered(provider).get("name")
        publisher = provider.strip() if isinstance(provider, str) else ""
    if not publisher:
        for name in ("infosource", "infosources"):
            for entry in item.entries(name):
                if "provider" in str(entry.get("role") or "").lower():
                    publisher = publisher or item.entry_text(name, entry, "name").strip()
    if not publisher:
        return Source()
    return Source(kind="syndicated", publisher=publisher, url=web_link, item_id=uid)


def _web_link(item: _Item) -> str:
    """The first http(s) link of the item: ``links``, else an info source's web contact."""
    for entry in item.entries("links"):
        href = entry.get("href")
        if isinstance(href, str) and href.startswith(("http://", "https://")):
            return href
    for name in ("infosource", "infosources"):
        for entry in item.entries(name):
            contacts = entry.get("contactinfo")
            for contact in contacts if isinstance(contacts, list) else []:
                if not isinstance(contact, dict):
                    continue
                contact = _lowered(contact)
                value = contact.get("value") or contact.get("href")
                if str(contact.get("type", "")).lower() in ("web", "url") and isinstance(
                    value, str
                ):
                    if value.startswith(("http://", "https://")):
                        return value
    return ""


def _load(data: bytes, source: str) -> Any:
    try:
        return json.loads(data)
    except UnicodeDecodeError as exc:
        raise InvalidItem(source, f"is not UTF-8 text (byte {exc.start})") from exc
    except json.JSONDecodeError as exc:
        raise InvalidItem(
            source, f"is not valid JSON: {exc.msg} at line {exc.lineno}, column {exc.colno}"
        ) from exc
    except RecursionError as exc:
        raise InvalidItem(source, "is not usable JSON: nested too deeply") from exc


def _lowered(mapping: dict[str, Any]) -> dict[str, Any]:
    lowered: dict[str, Any] = {}
    for key, value in mapping.items():
        lowered.setdefault(key.lower(), value)
    return lowered


def _same_text(inline: str, text: str) -> bool:
    return strip_tags(inline).casefold() == text.casefold()
