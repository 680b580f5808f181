"""Load the demo newsroom through the normal import path, dated as if written this week."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import datetime, timedelta
from pathlib import Path

import yaml

from dateline.ingest.importer import ImportReport, import_files, parse_file
from dateline.model import Article, Section
from dateline.store import Store

HERE = Path(__file__).parent
ARTICLES = HERE / "articles"
SECTIONS = HERE / "sections.yaml"


def demo_files() -> list[Path]:
    return sorted(ARTICLES.glob("*.md"))


def load_sections(store: Store) -> list[Section]:
    entries = yaml.safe_load(SECTIONS.read_text(encoding="utf-8"))
    return [
        store.save_section(Section(slug=e["slug"], name=e["name"], position=int(e["position"])))
        for e in entries
    ]


def date_shift(files: list[Path], now: datetime) -> timedelta:
    """Whole days that bring the newest demo article to today, never into the future."""
    newest = max(
        (a.published_at for f in files for a in parse_file(f)[0] if a.published_at),
        default=now,
    )
    days = (now.date() - newest.date()).days
    if newest + timedelta(days=days) > now:
        days -= 1
    return timedelta(days=days)


def shifted(delta: timedelta) -> Callable[[Article], Article]:
    def move(article: Article) -> Article:
        def add(value: datetime | None) -> datetime | None:
            return value + delta if value is not None else None

        return replace(
            article,
            published_at=add(article.published_at),
            updated_at=add(article.updated_at),
            version_at=add(article.version_at),
        )

    return move


def load_demo(
    store: Store,
    now: datetime,
    default_section: str,
    progress: Callable[[Path], None] | None = None,
) -> ImportReport:
    """Create the demo sections and import and publish the demo articles."""
    load_sections(store)
    files = demo_files()
    return import_files(
        store,
        files,
        default_section=default_section,
        publish=True,
        now=now,
        progress=progress,
        transform=shifted(date_shift(files, now)),
    )
