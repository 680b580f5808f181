"""The ``dateline`` command: the one entry point for operators. Thin: it calls the layers."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import click
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from dateline import __version__
from dateline.config import SETTINGS, Settings
from dateline.model import DatelineError, Section
from dateline.model.slug import slugify
from dateline.store import Store, open_store
from dateline.web.server import DEFAULT_SERVER, SERVERS

WORKER_JOBS = ("ingest", "schedule", "related")

console = Console(stderr=True, soft_wrap=True)
SETTINGS_HELP = "\b\n" + "\n".join(
    f"{s.env}  (" + ("secret" if s.secret else f"default: {s.default!s:.40}") + ")"
    for s in SETTINGS
)


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
@click.option(
    "--workers",
    default=1,
    show_default=True,
    type=click.IntRange(1, 64),
    help="Worker processes serving requests (about one per core).",
)
@click.option(
    "--server",
    type=click.Choice(SERVERS),
    default=DEFAULT_SERVER,
    show_default=True,
    help="The ASGI server (granian measured faster: docs/benchmarks.md).",
)
@click.option("--access-log", is_flag=True, help="Log every request (off: it costs throughput).")
def serve(host: str, port: int, workers: int, server: str, access_log: bool) -> None:
    """Serve the site (migrating the database first).

    Each worker process serves requests and runs the background jobs, except the
    related-list updates, which run in one more process beside them (`dateline worker
    --only related`). On one store, from one machine or many, the publishing schedule,
    the related lists and the weather refresh run in one process at a time (the others
    take over when it stops), and each ingest source is polled by one process at a time.
    The access log is off unless --access-log is given.
    """
    from dateline.web.server import serve as run_server

    settings = load_settings()
    with opened_store(settings):  # migrated once here, before any worker starts
        pass
    console.print(
        f"dateline {__version__} serving {settings.site_name} at http://{host}:{port}"
        f" ({server}, {workers} worker{'s' if workers > 1 else ''})"
    )
    run_server(server, host, port, workers, access_log)


@cli.command(name="nginx-config")
@click.option(
    "--listen", default="80", show_default=True, help="What nginx listens on (its `listen`)."
)
@click.option(
    "--upstream",
    multiple=True,
    default=["127.0.0.1:8000"],
    show_default=True,
    help="Where `dateline serve` listens (host:port); repeat it for several on this machine.",
)
@click.option(
    "--brotli",
    is_flag=True,
    help="Send the .br files to browsers that take brotli (needs Debian's "
    "libnginx-mod-http-brotli-static); without it they get gzip.",
)
def nginx_config_command(listen: str, upstream: tuple[str, ...], brotli: bool) -> None:
    """Print the nginx configuration that sends the page files (DATELINE_PAGE_FILES).

    With DATELINE_PAGE_FILES set, each `dateline serve` process writes the public pages
    it keeps into that folder and removes them when what they show changes; nginx,
    configured with this text (a file in /etc/nginx/conf.d/), answers readers from the
    folder without asking dateline, and passes everything else on to dateline. Run
    nginx and dateline on the same machine, with the same settings. See docs/caching.md.
    """
    from dateline.web.caching import public_cache_control
    from dateline.web.nginx import nginx_config

    settings = load_settings()
    if not settings.page_files:
        raise DatelineError("set DATELINE_PAGE_FILES to the folder nginx should send pages from")
    root = Path(settings.page_files).expanduser().resolve()
    cache_control = public_cache_control(settings.cache_max_age, settings.cache_stale)
    click.echo(nginx_config(root, cache_control, listen, upstream, brotli), nl=False)


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
@click.option("--restart", is_flag=True, help="Start over instead of resuming an interrupted run.")
@click.option(
    "--workers",
    type=click.IntRange(min=1),
    default=None,
    help="Processes that compute the lists (default: the CPUs available, at most 4).",
)
def related_rebuild(restart: bool, workers: int | None) -> None:
    """Recompute the related list of every published article.

    Progress is saved as it goes: an interrupted rebuild (Ctrl-C) resumes where it
    stopped the next time it is run, unless --restart is given.
    """
    from dateline.related.refresh import default_workers, rebuild

    with opened_store(load_settings()) as store:
        total = store.count_published()
        with Progress(
            TextColumn("Ranking"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=console,
        ) as progress:
            task = progress.add_task("rank", total=total)
            written, skipped = rebuild(
                store,
                progress=lambda n: progress.advance(task, n),
                restart=restart,
                workers=workers or default_workers(),
            )
    resumed = f" (resumed: {skipped} were already done)" if skipped else ""
    click.echo(f"{written} related lists written{resumed}")


@related.command(name="evaluate")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
def related_evaluate(path: Path, as_json: bool) -> None:
    """Measure the ranking on labelled news (JSONL: id, title, body, published, cluster[, topic]).

    Loads the file into a temporary store through the normal import and publish path,
    runs the production ranking and a plain TF-IDF baseline in the same run, and prints
    nDCG@5 (graded), P@5, MRR, topic confusion@5, pair AUC and within-topic AUC.
    """
    import json

    from dateline.evaluation import evaluate

    with Progress(
        TextColumn("Evaluating"), BarColumn(), MofNCompleteColumn(), console=console
    ) as progress:
        with path.open(encoding="utf-8") as lines:
            total = sum(1 for line in lines if line.strip())
        task = progress.add_task("eval", total=total)
        result = evaluate(path, progress=lambda n: progress.advance(task, n))
    if as_json:
        click.echo(json.dumps(result, indent=2, sort_keys=True))
        return
    click.echo(f"{result['dataset']}: {result['articles']} articles")
    names = sorted(k for k in result["dateline"] if k in result["tfidf"])
    click.echo(f"{'metric':<20} {'dateline':>10} {'tfidf':>10}")
    for name in names:
        click.echo(f"{name:<20} {result['dateline'][name]:>10.4f} {result['tfidf'][name]:>10.4f}")
    for name in sorted(set(result["dateline"]) - set(names)):
        click.echo(f"{name:<20} {result['dateline'][name]:>10.4f}")


def _article_id(store: Store, ref: str) -> int:
    article = store.article(int(ref)) if ref.isdigit() else store.article_by_slug(ref)
    if article is None or article.id is None:
        raise DatelineError(f"no article {ref!r} (give an id or a slug)")
    return article.id


@related.command(name="show")
@click.argument("article")
def related_show(article: str) -> None:
    """Show ARTICLE's related list (id or slug) with each entry's score and reasons."""
    with opened_store(load_settings()) as store:
        article_id = _article_id(store, article)
        pins, excluded = store.related_overrides([article_id])[article_id]
        for link in store.related_links(article_id, limit=5):
            parts = ", ".join(f"{k} {v:.3f}" for k, v in sorted(link.reasons.items()))
            click.echo(f"{link.rank + 1}. [{link.article.id}] {link.article.headline}")
            click.echo(f"   score {link.score:.3f}: {parts}")
        if excluded:
            click.echo("excluded: " + ", ".join(str(i) for i in sorted(excluded)))


def _override(article: str, other: str, kind: str | None) -> None:
    from dateline.related.refresh import refresh

    with opened_store(load_settings()) as store:
        article_id, other_id = _article_id(store, article), _article_id(store, other)
        if article_id == other_id:
            raise DatelineError("an article cannot be related to itself")
        if kind is None:
            store.clear_related_override(article_id, other_id)
        else:
            store.set_related_override(article_id, other_id, kind, datetime.now(UTC))
        refresh(store, [article_id])


@related.command(name="pin")
@click.argument("article")
@click.argument("other")
def related_pin(article: str, other: str) -> None:
    """Pin OTHER on ARTICLE's related list (after earlier pins); survives recomputation."""
    _override(article, other, "pin")
    click.echo(f"pinned {other} on {article}")


@related.command(name="exclude")
@click.argument("article")
@click.argument("other")
def related_exclude(article: str, other: str) -> None:
    """Never show OTHER on ARTICLE's related list; survives recomputation."""
    _override(article, other, "exclude")
    click.echo(f"excluded {other} from {article}")


@related.command(name="reset")
@click.argument("article")
@click.argument("other")
def related_reset(article: str, other: str) -> None:
    """Remove a pin or an exclusion of OTHER on ARTICLE's list."""
    _override(article, other, None)
    click.echo(f"{other} is ranked normally on {article} again")


@cli.group()
def weather() -> None:
    """The weather widget: refresh, status, and the site's coordinates."""


@weather.command(name="refresh")
@click.option("--loop", is_flag=True, help="Keep refreshing (every 30 s check) until stopped.")
def weather_refresh(loop: bool) -> None:
    """Refresh the weather cache now (what `dateline serve` does in the background).

    Only locations that are due are fetched, and each by one process at a time, so this
    can run beside servers sharing the store. Exits 1 if an attempt failed. With --loop,
    it refreshes only while no server or other loop on the store leads the weather job.
    """
    import asyncio

    from dateline.jobs import weather_forever, weather_refresher

    settings = load_settings()

    async def run() -> int:
        with opened_store(settings) as store:
            async with weather_refresher(settings, store) as refresher:
                if refresher is None:
                    click.echo("weather is off (DATELINE_WEATHER_PROVIDER=off)")
                    return 0
                if loop:
                    await weather_forever(store, refresher)
                attempts = await refresher.run_once()
        for a in attempts:
            click.echo(
                f"{a.location}: {a.provider} {a.outcome}" + (f" ({a.message})" if a.message else "")
            )
        if not attempts:
            click.echo("nothing due")
        return 1 if any(a.outcome not in ("updated", "not-modified") for a in attempts) else 0

    sys.exit(asyncio.run(run()))


def _age(delta_seconds: float) -> str:
    minutes = int(abs(delta_seconds) // 60)
    text = f"{minutes // 60} h {minutes % 60} min" if minutes >= 60 else f"{minutes} min"
    return text if delta_seconds >= 0 else f"in {text}"


@weather.command(name="status")
def weather_status() -> None:
    """Show each location: provider, last value, its data time and age, next refresh, errors."""
    settings = load_settings()
    now = datetime.now(UTC)
    providers = [settings.weather_provider]
    if settings.weather_fallback and settings.weather_fallback != settings.weather_provider:
        providers.append(settings.weather_fallback)
    click.echo(
        f"provider: {settings.weather_provider}"
        + (f", fallback: {settings.weather_fallback}" if settings.weather_fallback else "")
    )
    with opened_store(settings) as store:
        locations = store.weather_locations()
        if not locations:
            click.echo("no locations yet: run `dateline weather refresh` or `dateline serve`")
        for loc in locations:
            where = (
                f"{loc.latitude:.4f}, {loc.longitude:.4f}"
                if loc.latitude is not None and loc.longitude is not None
                else "no coordinates"
            )
            role = "site city" if loc.is_default else "reader city"
            click.echo(f"\n{loc.city} [{role}] ({where})")
            if loc.last_error:
                click.echo(f"  location error: {loc.last_error}")
            obs = store.latest_observation(loc.location)
            if obs is None:
                click.echo("  last value: none")
            else:
                age = (now - obs.observed_at).total_seconds()
                click.echo(
                    f"  last value: {obs.temperature_c:.1f} C from {obs.provider}, "
                    f"data time {obs.observed_at:%Y-%m-%d %H:%M} UTC ({_age(age)} old)"
                )
            for name in providers:
                state = store.weather_provider_state(loc.location, name)
                nxt = state.next_attempt_at
                next_text = (
                    "now"
                    if nxt is None or nxt <= now
                    else f"{nxt:%H:%M} UTC ({_age((now - nxt).total_seconds())})"
                )
                click.echo(
                    f"  {name}: next refresh {next_text}, consecutive failures {state.failures}"
                    + (f", last error: {state.last_error}" if state.last_error else "")
                )


@weather.command(name="locate")
@click.argument("name")
@click.option("--pick", type=int, default=None, help="Take match number N without asking.")
def weather_locate(name: str, pick: int | None) -> None:
    """Find NAME's coordinates (Open-Meteo geocoding) and store them for the site's city.

    Lists the matches to choose from. DATELINE_WEATHER_LAT and DATELINE_WEATHER_LON, when
    set, still win over what is stored here.
    """
    import asyncio

    from dateline.jobs import geocoder_client
    from dateline.weather.base import ProviderError
    from dateline.weather.open_meteo import Geocoder

    settings = load_settings()

    async def search() -> list[Any]:
        async with geocoder_client(settings) as client:
            return list(await Geocoder(client, settings.openmeteo_geocoding_url).search(name))

    try:
        matches = asyncio.run(search())
    except ProviderError as exc:
        raise DatelineError(f"geocoding failed: {exc}") from exc
    if not matches:
        raise DatelineError(f"no place matches {name!r}; try another spelling or a larger town")
    for number, match in enumerate(matches, 1):
        region = ", ".join(p for p in (match.admin1, match.country) if p)
        click.echo(
            f"{number:>2}. {match.name}"
            + (f", {region}" if region else "")
            + f"  ({match.latitude:.4f}, {match.longitude:.4f})"
        )
    if pick is None:
        if len(matches) == 1:
            pick = 1
        elif sys.stdin.isatty():
            pick = click.prompt("Which one", type=click.IntRange(1, len(matches)))
        else:
            raise DatelineError("several matches: choose one with --pick N")
    if not 1 <= pick <= len(matches):
        raise DatelineError(f"--pick must be between 1 and {len(matches)}")
    chosen = matches[pick - 1]
    with opened_store(settings) as store:
        store.save_default_weather_location(
            settings.weather_city,
            round(chosen.latitude, 4),
            round(chosen.longitude, 4),
            datetime.now(UTC),
        )
    click.echo(f"stored {chosen.latitude:.4f}, {chosen.longitude:.4f} for {settings.weather_city}")


@cli.group()
def sources() -> None:
    """Feeds and wire services that ingest polls: add, list (with health), remove."""


def _validate_url(url: str) -> str:
    if not url.startswith(("http://", "https://")) or len(url) > 2000:
        raise click.BadParameter("must be an http:// or https:// URL", param_hint="URL")
    return url


def _category_rules(values: tuple[str, ...], known: set[str]) -> dict[str, str]:
    rules: dict[str, str] = {}
    for value in values:
        category, sep, slug = value.partition("=")
        if not sep or not category.strip() or not slug.strip():
            raise click.BadParameter(
                f"{value!r} is not CATEGORY=SECTION", param_hint="--category-section"
            )
        if slug.strip() not in known:
            raise click.BadParameter(
                f"unknown section {slug.strip()!r} (known: {', '.join(sorted(known))})",
                param_hint="--category-section",
            )
        rules[category.strip()] = slug.strip()
    return rules


@sources.command(name="add")
@click.argument("url")
@click.option("--name", default=None, help="A name for the source (default: the URL's host).")
@click.option("--section", default=None, help="Section its items go to (default: the site's).")
@click.option(
    "--interval",
    default=15,
    show_default=True,
    type=click.IntRange(1, 1440),
    help="Minutes between polls.",
)
@click.option("--full-text", is_flag=True, help="Fetch the web page of summary-only entries.")
@click.option(
    "--review/--auto-publish",
    "review",
    default=True,
    show_default=True,
    help="Hold items in the review queue, or publish them as they arrive.",
)
@click.option(
    "--category-section",
    "category_sections",
    multiple=True,
    metavar="CATEGORY=SECTION",
    help="Put items with this category in that section (repeatable).",
)
def sources_add(
    url: str,
    name: str | None,
    section: str | None,
    interval: int,
    full_text: bool,
    review: bool,
    category_sections: tuple[str, ...],
) -> None:
    """Add a feed (RSS, Atom, JSON Feed) or wire endpoint (ninjs, NewsML-G2) at URL."""
    from urllib.parse import urlsplit

    from dateline.model import FeedSource

    settings = load_settings()
    _validate_url(url)
    with opened_store(settings) as store:
        known = {s.slug for s in store.sections()}
        slug = section or settings.default_section
        if slug not in known:
            if section is not None:
                raise click.BadParameter(
                    f"unknown section {slug!r} (known: {', '.join(sorted(known)) or 'none'})",
                    param_hint="--section",
                )
            store.save_section(Section(slug=slug, name=slug.title()))
            known.add(slug)
        source = FeedSource(
            url=url,
            name=name or urlsplit(url).hostname or url,
            section=slug,
            interval_minutes=interval,
            full_text=full_text,
            auto_publish=not review,
            category_sections=_category_rules(category_sections, known),
        )
        try:
            saved = store.add_source(source, datetime.now(UTC))
        except ValueError as exc:
            raise DatelineError(str(exc)) from None
    mode = "review queue" if review else "auto-publish"
    click.echo(f"added source {saved.id}: {saved.name} ({saved.url}), {mode}, every {interval} min")


def _when(value: datetime | None, now: datetime) -> str:
    if value is None:
        return "never"
    age = (now - value).total_seconds()
    return f"{value:%Y-%m-%d %H:%M} UTC ({_age(age)}{'' if age < 0 else ' ago'})"


@sources.command(name="list")
def sources_list() -> None:
    """Every source with its health: last success, last error, items taken, next poll."""
    settings = load_settings()
    now = datetime.now(UTC)
    with opened_store(settings) as store:
        found = store.sources()
    if not found:
        click.echo("no sources yet: add one with `dateline sources add URL`")
    for src in found:
        mode = "auto-publish" if src.auto_publish else "review"
        extras = ", full text" if src.full_text else ""
        click.echo(f"{src.id}  {src.name}  {src.url}")
        click.echo(f"    section {src.section}, every {src.interval_minutes} min, {mode}{extras}")
        click.echo(
            f"    last success {_when(src.last_success_at, now)}; items taken {src.items_taken}; "
            f"next poll {_when(src.next_poll_at, now)}"
        )
        if src.last_error:
            click.echo(
                f"    last error {_when(src.last_error_at, now)} "
                f"({src.failures} in a row): {src.last_error}"
            )


@sources.command(name="remove")
@click.argument("source")
def sources_remove(source: str) -> None:
    """Stop polling SOURCE (its id or URL); the articles it brought in stay."""
    settings = load_settings()
    with opened_store(settings) as store:
        found = store.source(int(source)) if source.isdigit() else store.source_by_url(source)
        if found is None or found.id is None:
            raise DatelineError(f"no source {source!r} (see `dateline sources list`)")
        store.remove_source(found.id)
    click.echo(f"removed source {found.id}: {found.url}")


def _print_poll(report: Any) -> None:
    src = report.source
    if report.status == "failed":
        click.echo(f"{src.id} {src.name}: FAILED: {report.error}")
        return
    note = " (not modified)" if report.status == "not_modified" else ""
    click.echo(
        f"{src.id} {src.name}: {report.created} new, {report.updated} updated, "
        f"{report.alternates} alternates, {report.unchanged} unchanged, "
        f"{len(report.published)} published{note}"
    )
    for problem in report.problems[:20]:
        click.echo(f"    skipped: {problem}")
    if len(report.problems) > 20:
        click.echo(f"    ... and {len(report.problems) - 20} more skipped")


@cli.command()
@click.option("--once", is_flag=True, required=True, help="Poll every due source once and exit.")
@click.option("--all", "force", is_flag=True, help="Poll every source, due or not.")
def ingest(once: bool, force: bool) -> None:
    """Poll the sources that are due now, print a summary, and exit.

    Exits 1 if any source failed. Sources another process is polling are left to it.
    """
    import asyncio

    from dateline.ingest.pipeline import poll_due, process_owner, summary
    from dateline.jobs import ingest_fetcher, ingest_reader

    settings = load_settings()

    async def run() -> list[Any]:
        with opened_store(settings) as store:
            async with ingest_fetcher(settings) as fetcher, ingest_reader(settings) as reader:
                return await poll_due(
                    store, fetcher, owner=process_owner(), force=force, reader=reader
                )

    reports = asyncio.run(run())
    for report in reports:
        _print_poll(report)
    totals = summary(reports)
    click.echo(
        f"{totals['sources']} sources polled, {totals['failed']} failed; "
        f"{totals['created']} new, {totals['updated']} updated, "
        f"{totals['alternates']} alternates, {totals['published']} published"
    )
    sys.exit(1 if totals["failed"] else 0)


@cli.command()
@click.option(
    "--every",
    default=30.0,
    show_default=True,
    type=click.FloatRange(1, 3600),
    help="Seconds between checks for due sources.",
)
@click.option(
    "--only",
    type=click.Choice(WORKER_JOBS),
    multiple=True,
    help="Run only this job (repeat for several); all of them by default.",
)
def worker(every: float, only: tuple[str, ...]) -> None:
    """Poll ingest sources, run the publishing schedule and update related lists.

    Runs until stopped (Ctrl-C, or SIGINT: also when started in the background with
    `&`); `dateline serve` does the same in the background (and runs
    `dateline worker --only related` beside its workers). Any number of workers and
    servers can share one store: each source is polled by one of them at a time, and the
    schedule and the related-list updates run in one of them at a time (another takes
    over when it stops).
    """
    import asyncio
    import signal

    from dateline.ingest.pipeline import process_owner
    from dateline.jobs import (
        ingest_fetcher,
        ingest_reader,
        poll_forever,
        related_forever,
        schedule_forever,
        until_parent_ends,
    )

    settings = load_settings()
    owner = process_owner()
    jobs = set(only or WORKER_JOBS)

    async def run() -> None:
        with opened_store(settings) as store:
            async with ingest_fetcher(settings) as fetcher, ingest_reader(settings) as reader:
                work = [until_parent_ends()]
                if "ingest" in jobs:
                    work.append(
                        poll_forever(
                            store, fetcher, owner, every, on_report=_print_poll, reader=reader
                        )
                    )
                if "schedule" in jobs:
                    work.append(schedule_forever(store))
                if "related" in jobs:
                    work.append(related_forever(store, index_file=settings.related_index_path))
                await asyncio.gather(*work)

    running = ", ".join(j for j in WORKER_JOBS if j in jobs)
    click.echo(f"dateline worker {owner}: {running} (Ctrl-C stops)")
    _log_to_console()
    # Ctrl-C (SIGINT) stops the worker cleanly however it was started: a shell starts a
    # background job with SIGINT ignored, and Python then keeps ignoring it, so that
    # `kill -INT` did nothing to a worker started with `&`
    signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        asyncio.run(run())
    except KeyboardInterrupt:
        click.echo("stopped")


def _log_to_console() -> None:
    """dateline's own log lines at INFO (which process leads a job, what failed) on stderr,
    as ``dateline serve`` prints them."""
    import logging

    handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter("[%(levelname)s] %(message)s"))
    logger = logging.getLogger("dateline")
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)


@cli.group()
def review() -> None:
    """Ingested items held for an editor: list, approve (publish) or reject."""


@review.command(name="list")
@click.option("--limit", default=50, show_default=True, type=click.IntRange(1, 1000))
def review_list(limit: int) -> None:
    """The items waiting in the review queue, newest first."""
    settings = load_settings()
    with opened_store(settings) as store:
        waiting = [store.article(i) for i in store.review_queue(limit)]
        for article in waiting:
            if article is None or article.id is None:
                continue
            copies = len(store.alternates(article.id))
            source = article.source.publisher or article.source.url or "unknown source"
            extra = f", {copies} other publishers" if copies else ""
            click.echo(f"{article.id}  {article.headline}")
            click.echo(f"    {source}{extra}; section {article.section.slug}")
    if not waiting:
        click.echo("the review queue is empty")


def _review_target(store: Store, ref: str) -> int:
    if not ref.isdigit() or int(ref) not in store.review_queue(1000):
        raise DatelineError(f"no item {ref!r} in the review queue (see `dateline review list`)")
    return int(ref)


@review.command(name="approve")
@click.argument("article_ids", nargs=-1, required=True)
def review_approve(article_ids: tuple[str, ...]) -> None:
    """Publish the items ARTICLE_IDS as they are."""
    from dateline import publish as publishing

    settings = load_settings()
    with opened_store(settings) as store:
        ids = [_review_target(store, ref) for ref in article_ids]
        published = publishing.publish(store, ids)
    click.echo(f"published {len(published)}: {', '.join(str(i) for i in published)}")


@review.command(name="reject")
@click.argument("article_ids", nargs=-1, required=True)
def review_reject(article_ids: tuple[str, ...]) -> None:
    """Turn down the items ARTICLE_IDS: never published, and not taken again on later polls."""
    settings = load_settings()
    with opened_store(settings) as store:
        ids = [_review_target(store, ref) for ref in article_ids]
        for article_id in ids:
            store.reject(article_id)
    click.echo(f"rejected {len(ids)}: {', '.join(str(i) for i in ids)}")


@cli.group()
def users() -> None:
    """Newsroom accounts: add, list, disable."""


@users.command(name="add")
@click.argument("email")
@click.option(
    "--role",
    required=True,
    type=click.Choice(["contributor", "editor", "admin"]),
    help="What the account may do.",
)
@click.option("--name", default="", help="The name shown in the newsroom and in bylines.")
@click.option(
    "--password-file",
    type=click.File("r"),
    default=None,
    help="Read the password from this file's first line ('-': standard input) instead of asking.",
)
def users_add(email: str, role: str, name: str, password_file: Any) -> None:
    """Create an account for EMAIL (asks for the password unless --password-file is given)."""
    from dateline.model import Role
    from dateline.newsroom.accounts import MIN_PASSWORD, create_user

    if password_file is not None:
        password = password_file.readline().rstrip("\r\n")
    else:
        password = click.prompt(
            f"Password (at least {MIN_PASSWORD} characters)",
            hide_input=True,
            confirmation_prompt=True,
        )
    settings = load_settings()
    with opened_store(settings) as store:
        user = create_user(store, email, name, Role(role), password, datetime.now(UTC))
    click.echo(f"added {user.role.value} {user.email} ({user.name})")


@users.command(name="list")
def users_list() -> None:
    """Every account: e-mail, name, role, and whether it is disabled."""
    settings = load_settings()
    with opened_store(settings) as store:
        found = store.users()
    if not found:
        click.echo("no accounts yet: add one with `dateline users add EMAIL --role admin`")
    for user in found:
        state = "  DISABLED" if user.disabled else ""
        click.echo(f"{user.email}  {user.name}  {user.role.value}{state}")


@users.command(name="disable")
@click.argument("email")
@click.option("--enable", is_flag=True, help="Enable the account again instead.")
def users_disable(email: str, enable: bool) -> None:
    """Disable the account EMAIL: it can no longer sign in, and its sessions end."""
    settings = load_settings()
    with opened_store(settings) as store:
        user = store.user_by_email(email)
        if user is None or user.id is None:
            raise DatelineError(f"no account {email!r} (see `dateline users list`)")
        store.set_user_disabled(user.id, not enable, datetime.now(UTC))
    click.echo(f"{'enabled' if enable else 'disabled'} {user.email}")


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
