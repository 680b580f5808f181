"""The ``dateline`` command: the one entry point for operators. Thin: it calls the layers."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

import click
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from dateline import __version__
from dateline.config import SETTINGS, Settings
from dateline.model import DatelineError, Section
from dateline.model.slug import slugify
from dateline.store import Store, open_store

console = Console(stderr=True, soft_wrap=True)
SETTINGS_HELP = "\b\n" + "\n".join(f"{s.env}  (default: {s.default!s:.40})" for s in SETTINGS)


def load_settings() -> Settings:
    return Settings.from_env()


@contextmanager
def opened_store(settings: Settings) -> Iterator[Store]:
    store = open_store(settings.store_url)
    try:
        yield store
    finally:
        store.close()


@contextmanager
def file_progress(total: int, label: str) -> Iterator[Callable[[Path], None] | None]:
    """A progress bar when there are many files; nothing for one or two."""
    if total <= 2:
        yield None
        return
    columns = (
        TextColumn(label),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
    )
    with Progress(*columns, console=console, transient=False) as progress:
        task = progress.add_task(label, total=total)
        yield lambda _path: progress.advance(task)


@click.group(
    context_settings={"help_option_names": ["-h", "--help"]},
    epilog=f"Settings come from DATELINE_* variables (docs/configuration.md):\n\n{SETTINGS_HELP}",
)
@click.version_option(__version__, prog_name="dateline")
def cli() -> None:
    """dateline: a self-hostable news publishing engine."""


@cli.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=8000, show_default=True, type=int, help="Port to listen on.")
def serve(host: str, port: int) -> None:
    """Serve the site (migrating the database first)."""
    import uvicorn

    from dateline.web.app import create_app

    settings = load_settings()
    app = create_app(settings)
    console.print(f"dateline {__version__} serving {settings.site_name} at http://{host}:{port}")
    uvicorn.run(app, host=host, port=port, log_level="info", proxy_headers=True)


@cli.command()
def migrate() -> None:
    """Bring the database schema up to date."""
    settings = load_settings()
    store = open_store(settings.store_url, apply_migrations=False)
    try:
        applied = store.migrate()
    finally:
        store.close()
    click.echo("schema upgraded" if applied else "schema already up to date")


def _print_report_errors(problems: list[str]) -> None:
    for problem in problems:
        console.print(f"[red]error[/red] {problem}", highlight=False)


@cli.command(name="import")
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--publish", is_flag=True, help="Publish what is imported.")
@click.option(
    "--section",
    default=None,
    help="Section slug for items that name none (default: DATELINE_DEFAULT_SECTION).",
)
def import_(paths: tuple[Path, ...], publish: bool, section: str | None) -> None:
    """Import IPTC ninjs (.json) and Markdown (.md) files or folders of them.

    Importing an item again updates its article when the item is newer; it never
    duplicates it. A bad file is reported with the field at fault and nothing of it
    is written; the other files go on, and the exit code is 1.
    """
    from dateline.ingest.importer import collect_paths, import_files

    settings = load_settings()
    files, problems = collect_paths(paths)
    with opened_store(settings) as store:
        with file_progress(len(files), "Importing") as progress:
            report = import_files(
                store,
                files,
                default_section=section or settings.default_section,
                publish=publish,
                progress=progress,
            )
    for outcome in report.files:
        for message in outcome.skipped:
            console.print(f"[yellow]skipped[/yellow] {message}", highlight=False)
    _print_report_errors(problems + [f.error for f in report.failed])
    click.echo(
        f"{len(report.files) - len(report.failed)} of {len(report.files)} files imported: "
        f"{report.total('created')} created, {report.total('updated')} updated, "
        f"{report.total('unchanged')} unchanged"
        + (f", {len(report.published)} newly published" if publish else "")
        + (f"; {len(report.failed) + len(problems)} failed" if report.failed or problems else "")
    )
    if report.failed or problems:
        sys.exit(1)


@cli.command()
def demo() -> None:
    """Fill the site with the demo newsroom (safe to re-run).

    Creates the demo sections and imports and publishes the demo articles, dated so the
    newest is from today.
    """
    from dateline.demo.loader import demo_files, load_demo

    settings = load_settings()
    with opened_store(settings) as store:
        with file_progress(len(demo_files()), "Loading demo") as progress:
            report = load_demo(
                store, datetime.now(UTC), settings.default_section, progress=progress
            )
    _print_report_errors([f.error for f in report.failed])
    click.echo(
        f"demo loaded: {len(report.files)} articles "
        f"({report.total('created')} new, {report.total('updated')} updated)"
    )
    if report.failed:
        sys.exit(1)


@cli.group()
def sections() -> None:
    """List and add sections."""


@sections.command(name="list")
def sections_list() -> None:
    """List the sections in navigation order."""
    with opened_store(load_settings()) as store:
        for s in store.sections():
            click.echo(f"{s.position:>3}  {s.slug:<20} {s.name}")


@sections.command(name="add")
@click.argument("name")
@click.option("--slug", default=None, help="URL name (default: made from NAME).")
@click.option("--position", default=0, type=int, help="Place in the navigation (default: last).")
def sections_add(name: str, slug: str | None, position: int) -> None:
    """Add a section named NAME, or rename the one with the same slug."""
    with opened_store(load_settings()) as store:
        saved = store.save_section(
            Section(slug=slug or slugify(name), name=name, position=position)
        )
    click.echo(f"section {saved.slug} ({saved.name}) at position {saved.position}")


@cli.group()
def related() -> None:
    """Related-article lists."""


@related.command(name="rebuild")
def related_rebuild() -> None:
    """Recompute the related list of every published article."""
    from dateline.related.refresh import rebuild

    with opened_store(load_settings()) as store:
        total = store.count_published()
        with Progress(
            TextColumn("Ranking"), BarColumn(), MofNCompleteColumn(), console=console
        ) as progress:
            task = progress.add_task("rank", total=total)
            written = rebuild(store, progress=lambda n: progress.advance(task, n))
    click.echo(f"{written} related lists written")


def main() -> None:
    """Run the command; dateline's own errors print as one clear line, not a traceback."""
    try:
        cli.main(prog_name="dateline", standalone_mode=False)
    except click.exceptions.Abort:
        console.print("aborted")
        sys.exit(130)
    except click.ClickException as exc:
        exc.show()
        sys.exit(exc.exit_code)
    except DatelineError as exc:
        console.print(f"[red]error[/red] {exc}", highlight=False)
        sys.exit(1)
    except click.exceptions.Exit as exc:
        sys.exit(exc.exit_code)
