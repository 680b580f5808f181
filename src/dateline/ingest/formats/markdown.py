"""Markdown articles with YAML front matter, as docs/markdown-format.md describes them.

The front matter sits between a first line ``---`` and the next ``---`` line; the rest is
the body in CommonMark, rendered by markdown-it-py and then sanitized into blocks like any
outside HTML. ``dateline`` and ``credit_line`` given in the front matter win over what the
body says; without them a body opening with a dateline (``PORTSMOUTH, N.H. — ``) or
closing with a credit paragraph gives them, and either way the body loses that text.

The ``section`` is a slug left for the importer to resolve (empty for the default), and
the status is the importer's call: it is not a field. Unknown fields are errors.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time
from typing import Any

import yaml
from markdown_it import MarkdownIt

from dateline.ingest.blocks import html_to_blocks, single_line
from dateline.ingest.structure import recognize
from dateline.model import Article, Author, Block, InvalidItem, Section, Source, Topic
from dateline.model.limits import MAX_CREDIT_LINE, MAX_DATELINE, MAX_DECK, MAX_HEADLINE
from dateline.model.slug import slugify

FIELDS = (
    "id",
    "headline",
    "deck",
    "section",
    "authors",
    "topics",
    "published",
    "updated",
    "dateline",
    "credit_line",
    "language",
    "source",
    "canonical_url",
)
AUTHOR_KEYS = ("name", "slug", "bio")
SOURCE_KEYS = ("publisher", "url", "id")

_FRONT_MATTER = re.compile(r"\A---[ \t]*\r?\n(.*?)^---[ \t]*(?:\r?\n|\Z)", re.DOTALL | re.MULTILINE)
_LANGUAGE = re.compile(r"[A-Za-z]{2,3}(?:-[A-Za-z0-9]{1,8})*")
_RENDERER = MarkdownIt("commonmark")


def parse_markdown(text: str, source: str) -> Article:
    """The article in a Markdown file's text; ``source`` names the file in messages."""
    text = text.removeprefix("\ufeff")
    found = _FRONT_MATTER.match(text)
    if found is None:
        raise InvalidItem(
            source, "needs YAML front matter: a first line '---', the fields, then '---'"
        )
    fields = _front_matter(found.group(1), source)
    body_text = text[found.end() :]
    return _article(_Fields(fields, source), body_text)


def markdown_blocks(text: str) -> tuple[Block, ...]:
    """Body blocks of a CommonMark text, rendered and sanitized like an imported body."""
    return html_to_blocks(_RENDERER.render(text))


def _front_matter(block: str, source: str) -> dict[str, Any]:
    try:
        loaded = yaml.safe_load(block)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 2}, column {mark.column + 1}" if mark else ""
        problem = getattr(exc, "problem", None) or "cannot be read"
        raise InvalidItem(source, f"front matter is not valid YAML{where}: {problem}") from exc
    if loaded is None:
        loaded = {}
    if not isinstance(loaded, dict):
        raise InvalidItem(source, "front matter must be a mapping of fields to values")
    for key in loaded:
        if key not in FIELDS:
            raise InvalidItem(
                source, f"unknown field; the fields are {', '.join(FIELDS)}", str(key)
            )
    return {str(key): value for key, value in loaded.items()}


class _Fields:
    """The front matter's values, type-checked, each error naming its field."""

    def __init__(self, values: dict[str, Any], source: str) -> None:
        self.values = values
        self.source = source

    def error(self, name: str, message: str) -> InvalidItem:
        return InvalidItem(self.source, message, name)

    def text(self, name: str, limit: int | None = None, *, required: bool = False) -> str:
        value = self.values.get(name)
        if value is None:
            value = ""
        if not isinstance(value, str):
            raise self.error(name, f"must be text, not {_kind_of(value)}")
        value = single_line(value)
        if required and not value:
            raise self.error(name, "is required and must not be empty")
        if limit is not None and len(value) > limit:
            raise self.error(name, f"is {len(value)} characters, at most {limit}")
        return value

    def url(self, name: str, value: object) -> str:
        if value is None or value == "":
            return ""
        if not isinstance(value, str):
            raise self.error(name, f"must be a URL, not {_kind_of(value)}")
        if not value.strip().startswith(("http://", "https://")):
            raise self.error(name, f"must be an http(s) URL: {value!r}")
        return value.strip()

    def when(self, name: str) -> datetime | None:
        value = self.values.get(name)
        if value is None:
            return None
        if isinstance(value, datetime):
            moment = value
        elif isinstance(value, date):
            return datetime.combine(value, time(), tzinfo=UTC)
        elif isinstance(value, str):
            try:
                moment = datetime.fromisoformat(value.strip())
            except ValueError:
                raise self.error(name, f"is not an ISO 8601 date-time: {value!r}") from None
            if len(value.strip()) == 10:  # a date alone: midnight UTC
                return moment.replace(tzinfo=UTC)
        else:
            raise self.error(name, f"must be a date-time, not {_kind_of(value)}")
        if moment.tzinfo is None:
            raise self.error(name, "needs a UTC offset (such as 2026-11-20T09:30:00-05:00)")
        return moment.astimezone(UTC)


def _article(fields: _Fields, body_text: str) -> Article:
    uid = _identity(fields)
    headline = fields.text("headline", MAX_HEADLINE, required=True)
    deck = fields.text("deck", MAX_DECK)
    explicit_dateline = fields.text("dateline", MAX_DATELINE)
    explicit_credit = fields.text("credit_line", MAX_CREDIT_LINE)
    language = fields.text("language") or "en"
    if not _LANGUAGE.fullmatch(language):
        raise fields.error("language", f"is not a BCP 47 language tag: {language!r}")
    published = fields.when("published")
    updated = fields.when("updated")
    source = _source(fields)
    canonical_url = fields.url("canonical_url", fields.values.get("canonical_url"))
    blocks = markdown_blocks(body_text)
    if not blocks:
        raise InvalidItem(fields.source, "the body is empty: write it below the front matter")
    dateline, credit_line, body = recognize(blocks, credit_line=explicit_credit)
    return Article(
        uid=uid,
        slug=slugify(headline),
        headline=headline,
        section=Section(slug=fields.text("section"), name=""),
        body=body,
        deck=deck,
        dateline=explicit_dateline or dateline,
        credit_line=credit_line,
        bylines=_authors(fields),
        topics=_topics(fields),
        published_at=published,
        updated_at=updated,
        version_at=updated or published,
        language=language,
        source=source,
        canonical_url=canonical_url or source.url,
    )


def _identity(fields: _Fields) -> str:
    value = fields.values.get("id")
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    return fields.text("id", required=True)


def _authors(fields: _Fields) -> tuple[Author, ...]:
    entries = fields.values.get("authors")
    if entries is None:
        return ()
    if not isinstance(entries, list):
        raise fields.error("authors", "must be a list of names or of mappings with 'name'")
    authors: dict[str, Author] = {}
    for entry in entries:
        if isinstance(entry, str):
            entry = {"name": entry}
        if not isinstance(entry, dict):
            raise fields.error("authors", f"an entry must be a name, not {_kind_of(entry)}")
        unknown = [str(k) for k in entry if k not in AUTHOR_KEYS]
        if unknown:
            raise fields.error("authors", f"unknown key {unknown[0]!r} (use name, slug, bio)")
        values: dict[str, str] = {}
        for key in AUTHOR_KEYS:
            value = entry.get(key)
            if value is not None and not isinstance(value, str):
                raise fields.error("authors", f"'{key}' must be text, not {_kind_of(value)}")
            values[key] = single_line(value or "")
        if not values["name"]:
            raise fields.error("authors", "an entry has no name")
        slug = slugify(values["slug"] or values["name"])
        authors.setdefault(slug, Author(slug=slug, name=values["name"], bio=values["bio"]))
    return tuple(authors.values())


def _topics(fields: _Fields) -> tuple[Topic, ...]:
    names = fields.values.get("topics")
    if names is None:
        return ()
    if not isinstance(names, list) or not all(isinstance(n, str) for n in names):
        raise fields.error("topics", "must be a list of topic names")
    topics: dict[str, Topic] = {}
    for raw in names:
        name = single_line(raw)
        if name:
            topics.setdefault(slugify(name), Topic(slug=slugify(name), name=name))
    return tuple(topics.values())


def _source(fields: _Fields) -> Source:
    given = fields.values.get("source")
    if given is None:
        return Source()
    if not isinstance(given, dict):
        raise fields.error("source", "must be a mapping with publisher, url and id")
    unknown = [str(k) for k in given if k not in SOURCE_KEYS]
    if unknown:
        raise fields.error("source", f"unknown key {unknown[0]!r} (use publisher, url, id)")
    publisher = given.get("publisher")
    if not isinstance(publisher, str) or not publisher.strip():
        raise fields.error("source", "needs a 'publisher': the original publisher's name")
    item_id = given.get("id")
    if item_id is not None and not isinstance(item_id, str | int):
        raise fields.error("source", f"'id' must be text, not {_kind_of(item_id)}")
    return Source(
        kind="syndicated",
        publisher=single_line(publisher),
        url=fields.url("source", given.get("url")),
        item_id="" if item_id is None else str(item_id).strip(),
    )


def _kind_of(value: object) -> str:
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, datetime | date):
        return "a date"
    return type(value).__name__
