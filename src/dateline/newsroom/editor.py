"""The editor's form: its values checked and turned into an ``Article``, and back.

The body is Markdown (CommonMark), rendered and sanitized exactly as an imported
Markdown body is, so the preview is the page. Bylines name authors already known to the
newsroom (an author's name or slug, or a newsroom user's name; several, in order, one
per line or separated by commas). The section must exist; topics are free. Every
problem is reported at once, by field (``FormErrors``), and nothing is saved.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

from dateline.ingest.formats.markdown import markdown_blocks
from dateline.ingest.structure import recognize
from dateline.model import (
    Article,
    Author,
    Block,
    BlockKind,
    DatelineError,
    Source,
    Status,
    Topic,
)
from dateline.model.limits import MAX_CREDIT_LINE, MAX_DATELINE, MAX_DECK, MAX_HEADLINE, MAX_URL
from dateline.model.slug import slugify
from dateline.store import Store

MAX_BODY = 200_000  # characters of Markdown
FIELDS = (
    "headline",
    "deck",
    "dateline",
    "body",
    "bylines",
    "credit_line",
    "section",
    "topics",
    "image_url",
    "image_caption",
    "image_credit",
    "source_publisher",
    "canonical_url",
)
_SPLIT = re.compile(r"[\n,;]+")


class FormErrors(DatelineError):
    """Problems with the editor's form, by field name."""

    def __init__(self, errors: dict[str, str]) -> None:
        self.errors = errors
        super().__init__("; ".join(f"{k}: {v}" for k, v in errors.items()))


@dataclass
class EditorForm:
    """The editor's fields as text, as a browser posts them."""

    values: dict[str, str] = field(default_factory=dict)

    @classmethod
    def of(cls, data: Any) -> EditorForm:
        """From posted form data (a mapping of field names to strings)."""
        return cls({name: str(data.get(name, "") or "") for name in FIELDS})

    def get(self, name: str) -> str:
        return self.values.get(name, "").replace("\r\n", "\n")

    def snapshot(self) -> dict[str, str]:
        return {name: self.get(name) for name in FIELDS}


def form_of(article: Article, markdown: str) -> EditorForm:
    """The form showing a stored article (its Markdown, or its blocks as HTML paragraphs)."""
    body = markdown or "\n\n".join(_block_markdown(b) for b in article.body)
    image = next((b for b in article.body[:1] if b.kind is BlockKind.IMAGE), None)
    # A dateline or credit line the Markdown itself carries stays in the body only: shown
    # in its own field as well, it would win over the body's when the body is edited.
    own_dateline, own_credit, _ = recognize(markdown_blocks(markdown)) if markdown else ("", "", ())
    return EditorForm(
        {
            "headline": article.headline,
            "deck": article.deck,
            "dateline": "" if article.dateline == own_dateline else article.dateline,
            "body": body,
            "bylines": "\n".join(a.name for a in article.bylines),
            "credit_line": "" if article.credit_line == own_credit else article.credit_line,
            "section": article.section.slug,
            "topics": ", ".join(t.name for t in article.topics),
            "image_url": image.src if image and not markdown else "",
            "image_caption": image.caption if image and not markdown else "",
            "image_credit": image.credit if image and not markdown else "",
            "source_publisher": article.source.publisher,
            "canonical_url": article.canonical_url,
        }
    )


def _block_markdown(block: Block) -> str:
    """A stored block as Markdown the editor can round-trip (inline HTML kept)."""
    if block.kind is BlockKind.HEADING:
        return "#" * block.level + " " + block.html
    if block.kind is BlockKind.QUOTE:
        return "> " + block.html
    if block.kind is BlockKind.LIST:
        marks = [f"{i + 1}." if block.ordered else "-" for i in range(len(block.items))]
        return "\n".join(f"{m} {item}" for m, item in zip(marks, block.items, strict=True))
    if block.kind is BlockKind.IMAGE:
        return ""  # the lead image has fields of its own
    return block.html


def build_article(store: Store, form: EditorForm, existing: Article | None) -> tuple[Article, str]:
    """The article the form describes, and its Markdown; ``FormErrors`` when it cannot be."""
    errors: dict[str, str] = {}
    headline = " ".join(form.get("headline").split())
    if not headline:
        errors["headline"] = "a headline is required"
    elif len(headline) > MAX_HEADLINE:
        errors["headline"] = f"at most {MAX_HEADLINE} characters ({len(headline)} now)"
    deck = " ".join(form.get("deck").split())
    if len(deck) > MAX_DECK:
        errors["deck"] = f"at most {MAX_DECK} characters ({len(deck)} now)"
    dateline = " ".join(form.get("dateline").split())
    if len(dateline) > MAX_DATELINE:
        errors["dateline"] = f"at most {MAX_DATELINE} characters"
    credit = " ".join(form.get("credit_line").split())
    if len(credit) > MAX_CREDIT_LINE:
        errors["credit_line"] = f"at most {MAX_CREDIT_LINE} characters"
    markdown = form.get("body").strip()
    if len(markdown) > MAX_BODY:
        errors["body"] = f"the body is over the limit of {MAX_BODY:,} characters"
    section = store.section(form.get("section").strip())
    if section is None:
        known = ", ".join(s.slug for s in store.sections())
        errors["section"] = f"unknown section {form.get('section')!r} (known: {known})"
    bylines = _bylines(store, form.get("bylines"), errors)
    topics = tuple(
        {slugify(t): Topic(slug=slugify(t), name=t) for t in _names(form.get("topics"))}.values()
    )
    image = _image(form, errors)
    canonical = form.get("canonical_url").strip()
    if canonical and (
        not canonical.startswith(("http://", "https://")) or len(canonical) > MAX_URL
    ):
        errors["canonical_url"] = "must be an http:// or https:// URL"
    blocks = markdown_blocks(markdown) if "body" not in errors else ()
    if not errors and not blocks and not image:
        errors["body"] = "the body is empty"
    if errors:
        raise FormErrors(errors)
    assert section is not None
    found_dateline, found_credit, body = recognize(blocks, credit_line=credit)
    publisher = " ".join(form.get("source_publisher").split())
    source = (
        Source(kind="syndicated", publisher=publisher, url=canonical)
        if publisher or canonical
        else Source()
    )
    base = existing or Article(
        uid=f"urn:dateline:article:{uuid.uuid4()}",
        slug=slugify(headline),
        headline=headline,
        section=section,
        status=Status.DRAFT,
    )
    return (
        replace(
            base,
            headline=headline,
            deck=deck,
            dateline=dateline or found_dateline,
            credit_line=found_credit,
            body=(*image, *body),
            bylines=bylines,
            topics=topics,
            section=section,
            source=source,
            canonical_url=canonical,
        ),
        markdown,
    )


def _names(text: str) -> list[str]:
    return [n for n in (" ".join(p.split()) for p in _SPLIT.split(text)) if n]


def _bylines(store: Store, text: str, errors: dict[str, str]) -> tuple[Author, ...]:
    people = {u.name.casefold(): u.name for u in store.users() if not u.disabled}
    found: list[Author] = []
    unknown: list[str] = []
    for name in _names(text):
        author = store.author(slugify(name))
        if author is not None:
            found.append(author)
        elif name.casefold() in people:
            found.append(Author(slug=slugify(name), name=people[name.casefold()]))
        else:
            unknown.append(name)
    if unknown:
        errors["bylines"] = "unknown author: " + ", ".join(unknown)
    return tuple({a.slug: a for a in found}.values())


def _image(form: EditorForm, errors: dict[str, str]) -> tuple[Block, ...]:
    url = form.get("image_url").strip()
    if not url:
        return ()
    if not url.startswith(("http://", "https://", "/")) or len(url) > MAX_URL:
        errors["image_url"] = "must be an http(s) URL or a path on this site"
        return ()
    return (
        Block(
            BlockKind.IMAGE,
            src=url,
            alt=" ".join(form.get("image_caption").split())[:300],
            caption=" ".join(form.get("image_caption").split()),
            credit=" ".join(form.get("image_credit").split()),
        ),
    )


def parse_when(text: str, tz: Any) -> datetime | None:
    """A ``datetime-local`` form value in the site's time zone, as aware UTC; ``None`` empty."""
    text = text.strip()
    if not text:
        return None
    try:
        value = datetime.fromisoformat(text)
    except ValueError:
        raise DatelineError(f"{text!r} is not a date and time (YYYY-MM-DDTHH:MM)") from None
    if value.tzinfo is None:
        value = value.replace(tzinfo=tz)
    return value
