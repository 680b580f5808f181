"""Import files into the store: IPTC ninjs (``.json``) and Markdown (``.md``), each all or nothing.

A file is parsed completely, its sections are resolved, and all its articles are saved in
one transaction; a bad file is reported with its name and field and nothing of it is
written, while the other files go on. Publishing, when asked, goes through ``publish``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path

from dateline import publish as publishing
from dateline.ingest.formats.markdown import parse_markdown
from dateline.ingest.formats.ninjs import parse_ninjs
from dateline.model import Article, InvalidItem, Section
from dateline.store import Store

SUFFIXES = {".json": "ninjs", ".md": "markdown", ".markdown": "markdown"}
# an import writing this many articles refreshes the planner's statistics (PostgreSQL)
ANALYZE_AFTER = 1000


@dataclass
class FileOutcome:
    """What became of one file: counts of articles, skipped items, or the error."""

    path: Path
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped: list[str] = field(default_factory=list)
    error: str = ""
    article_ids: list[int] = field(default_factory=list)


@dataclass
class ImportReport:
    """The outcome of one import run."""

    files: list[FileOutcome] = field(default_factory=list)
    published: list[int] = field(default_factory=list)

    @property
    def failed(self) -> list[FileOutcome]:
        return [f for f in self.files if f.error]

    def total(self, name: str) -> int:
        return sum(int(getattr(f, name)) for f in self.files)


def collect_paths(paths: Iterable[Path]) -> tuple[list[Path], list[str]]:
    """The importable files named by ``paths`` (folders searched recursively), sorted.

    Also returns messages for paths that do not exist or have an unknown suffix.
    """
    found: list[Path] = []
    problems: list[str] = []
    for path in paths:
        if path.is_dir():
            found.extend(
                sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in SUFFIXES)
            )
        elif path.is_file():
            if path.suffix.lower() in SUFFIXES:
                found.append(path)
            else:
                problems.append(f"{path}: not a .json (ninjs) or .md (Markdown) file")
        else:
            problems.append(f"{path}: no such file or folder")
    return found, problems


def parse_file(path: Path) -> tuple[list[Article], list[str]]:
    """Parse one file into articles (and messages for items skipped as not articles)."""
    name = str(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InvalidItem(name, f"cannot be read: {exc.strerror}") from exc
    if SUFFIXES.get(path.suffix.lower()) == "markdown":
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise InvalidItem(name, f"is not UTF-8 text (byte {exc.start})") from exc
        return [parse_markdown(text, name)], []
    result = parse_ninjs(data, name)
    return list(result.articles), list(result.skipped)


class SectionResolver:
    """Finds stored sections by slug, once each; the default is created when missing."""

    def __init__(self, store: Store, default_slug: str) -> None:
        self.store = store
        self.default_slug = default_slug
        self.known: dict[str, Section] = {}

    def resolve(self, source: str, slug: str) -> Section:
        wanted = slug or self.default_slug
        if wanted in self.known:
            return self.known[wanted]
        section = self.store.section(wanted)
        if section is None and wanted == self.default_slug:
            section = self.store.save_section(Section(slug=wanted, name=wanted.title()))
        if section is None:
            known = ", ".join(s.slug for s in self.store.sections()) or "none yet"
            raise InvalidItem(source, f"unknown section {wanted!r} (known: {known})", "section")
        self.known[wanted] = section
        return section


def store_file(
    store: Store,
    path: Path,
    sections: SectionResolver,
    transform: Callable[[Article], Article] | None = None,
) -> FileOutcome:
    """Parse and save one file, all or nothing; errors are recorded, never raised."""
    outcome = FileOutcome(path=path)
    try:
        parsed, outcome.skipped = parse_file(path)
        ready = []
        for article in parsed:
            article = replace(article, section=sections.resolve(str(path), article.section.slug))
            ready.append(transform(article) if transform else article)
        results = store.save_articles(ready)
    except InvalidItem as exc:
        outcome.error = str(exc)
        return outcome
    for result in results:
        setattr(outcome, result.outcome, getattr(outcome, result.outcome) + 1)
        outcome.article_ids.append(result.article_id)
    return outcome


def import_files(
    store: Store,
    files: Sequence[Path],
    *,
    default_section: str,
    publish: bool = False,
    now: datetime | None = None,
    progress: Callable[[Path], None] | None = None,
    transform: Callable[[Article], Article] | None = None,
    analyze_after: int = ANALYZE_AFTER,
) -> ImportReport:
    """Import ``files`` one by one; with ``publish``, publish everything imported.

    An import that creates or updates at least ``analyze_after`` articles has the
    store's planner statistics brought up to date (``Store.refresh_statistics``) before
    anything is published or served from it.
    """
    report = ImportReport()
    sections = SectionResolver(store, default_section)
    for path in files:
        report.files.append(store_file(store, path, sections, transform))
        if progress is not None:
            progress(path)
    if report.total("created") + report.total("updated") >= analyze_after:
        store.refresh_statistics()
    if publish:
        ids = [i for f in report.files for i in f.article_ids]
        report.published = publishing.publish(store, ids, now)
    return report


__all__ = [
    "FileOutcome",
    "ImportReport",
    "collect_paths",
    "import_files",
    "parse_file",
]
