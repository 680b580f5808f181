"""The content store: one repository interface over SQLite or PostgreSQL.

Modules:
- ``schema``: the tables of record; ``types``: columns that behave alike on both databases.
- ``engine``: an engine for a URL; ``sqlite`` and ``postgres``: dialect-only code.
- ``migrate``: Alembic migrations (``migrations/``), applied at start and by the CLI.
- ``articles``, ``taxonomy``, ``related``, ``weather``, ``jobstate``, ``sources`` (ingest
  sources), ``intake`` (ingested items, alternates, fingerprints): the queries of one
  aggregate each.
- ``feeds``: the outbound feeds' one read, whole articles of a list in four queries.
- ``prepared``: SELECTs compiled once per dialect and run in one batch on the driver's
  cursor (one round trip on PostgreSQL), for the article page; ``frame``: the reads of
  every page's frame (sections, weather observations) as prepared statements.
- ``direct``: the ingest write path's statements (lookups, single-row inserts), compiled
  once per dialect and run on the driver's cursor with SQLAlchemy's own bind processing.
- ``sitemaps``: published articles for sitemaps, in keyset batches, and the newest news.
- ``search``: full-text search of published articles (FTS5 or PostgreSQL full text).
- ``leader``: the lock that lets one process at a time run a background job (PostgreSQL
  advisory lock, or a lock file beside a SQLite database).

SQL lives here and nowhere else. It imports only ``model`` of dateline's packages.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, Engine, text
from sqlalchemy.exc import OperationalError

from dateline.model import (
    Article,
    ArticleSummary,
    Author,
    FeedSource,
    Listing,
    Observation,
    ProviderState,
    RelatedLink,
    Scope,
    SearchQuery,
    SearchResults,
    Section,
    Status,
    StoreUnavailable,
    Topic,
    User,
    WeatherLocation,
)
from dateline.store import (
    articles,
    audit,
    editorial,
    feeds,
    intake,
    jobstate,
    migrate,
    purges,
    related,
    search,
    sitemaps,
    sources,
    taxonomy,
    users,
    weather,
)
from dateline.store.articles import CorpusEntry, SaveResult
from dateline.store.audit import AuditEntry
from dateline.store.editorial import EditorState, NewsroomEntry, Revision
from dateline.store.engine import make_engine
from dateline.store.frame import Frame, frame_from_rows, frame_reads
from dateline.store.intake import Alternate, Fingerprint, Incoming, TakeResult
from dateline.store.leader import JobLock, job_lock
from dateline.store.prepared import read_together
from dateline.store.purgefeed import PurgeFeed, open_feed
from dateline.store.sitemaps import NewsItem, SitemapUrl
from dateline.store.sqlite import WRITE_OPTION

__all__ = [
    "Alternate",
    "PurgeFeed",
    "ArticlePage",
    "AuditEntry",
    "EditorState",
    "NewsroomEntry",
    "Revision",
    "CorpusEntry",
    "Fingerprint",
    "Frame",
    "Incoming",
    "JobLock",
    "NewsItem",
    "SaveResult",
    "SitemapUrl",
    "Store",
    "TakeResult",
    "open_store",
]


@dataclass(frozen=True, slots=True)
class ArticlePage:
    """Everything an article page shows that comes from the store.

    ``frame`` (the sections and weather observations every page shows) is read only when
    asked for, in the same transaction.
    """

    article: Article
    related: list[RelatedLink]
    recent: list[ArticleSummary]
    frame: Frame | None = None


_OWN_TABLES = text("SELECT tablename FROM pg_tables WHERE schemaname = current_schema()")


class Store:
    """The one repository interface. Each method is one transaction."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    @property
    def shared_url(self) -> str | None:
        """The URL another process opens this store at (password included), or ``None``
        when no other process can (an in-memory SQLite database)."""
        url = self.engine.url
        if url.get_backend_name() == "sqlite" and url.database in (None, "", ":memory:"):
            return None
        return url.render_as_string(hide_password=False)

    def close(self) -> None:
        self.engine.dispose()

    def refresh_statistics(self) -> None:
        """Bring the query planner's statistics up to date after a bulk change.

        PostgreSQL plans with the statistics ``ANALYZE`` gathers. Autovacuum gathers them
        about a minute after enough rows change; until then a freshly loaded archive is
        planned as if it held a handful of articles, and an article page's two lists read
        every published article (about 12 ms at 3,000 articles instead of 0.2, growing
        with the archive). SQLite keeps no statistics unless asked to and plans from its
        indexes alone, so nothing is done there.
        """
        if self.dialect != "postgresql":
            return
        with self.engine.connect() as conn, conn.begin():
            # the store's own tables only (its schema may share a database with others)
            names = conn.execute(_OWN_TABLES).scalars().all()
            quote = self.engine.dialect.identifier_preparer.quote
            conn.execute(text("ANALYZE " + ", ".join(quote(name) for name in names)))

    @contextmanager
    def _read(self) -> Iterator[Connection]:
        with self.engine.connect() as conn:
            yield conn

    @contextmanager
    def _write(self) -> Iterator[Connection]:
        with self.engine.connect().execution_options(**{WRITE_OPTION: True}) as conn:
            with conn.begin():
                yield conn

    # schema
    def migrate(self) -> bool:
        """Apply pending migrations; True when anything was applied."""
        return migrate.upgrade(self.engine)

    # background jobs
    def job_lock(self, name: str) -> JobLock:
        """The lock that lets one process at a time run the background job ``name``.

        Not yet taken: ``acquire()`` it (never waits) and keep it while leading; it is
        freed on ``release()`` or when the process dies (see ``store.leader``).
        """
        return job_lock(self.engine, name)

    # sections, authors, topics
    def sections(self) -> list[Section]:
        with self._read() as conn:
            return taxonomy.list_sections(conn)

    def section(self, slug: str) -> Section | None:
        with self._read() as conn:
            return taxonomy.get_section(conn, slug)

    def save_section(self, section: Section) -> Section:
        with self._write() as conn:
            return taxonomy.save_section(conn, section)

    def author(self, slug: str) -> Author | None:
        with self._read() as conn:
            return taxonomy.get_author(conn, slug)

    def topic(self, slug: str) -> Topic | None:
        with self._read() as conn:
            return taxonomy.get_topic(conn, slug)

    def sections_counted(
        self, limit: int, offset: int = 0
    ) -> tuple[list[tuple[Section, int]], int]:
        """A page of sections, each with its published count, and how many sections in all."""
        with self._read() as conn:
            found = taxonomy.list_sections_counted(conn, limit, offset)
            return found, taxonomy.count_sections(conn)

    def authors_counted(self, limit: int, offset: int = 0) -> tuple[list[tuple[Author, int]], int]:
        """A page of the authors with published articles (with counts), and how many in all."""
        with self._read() as conn:
            found = taxonomy.list_authors_counted(conn, limit, offset)
            return found, taxonomy.count_authors(conn)

    def topics_counted(self, limit: int, offset: int = 0) -> tuple[list[tuple[Topic, int]], int]:
        """A page of the topics with published articles (with counts), and how many in all."""
        with self._read() as conn:
            found = taxonomy.list_topics_counted(conn, limit, offset)
            return found, taxonomy.count_topics(conn)

    # articles
    def save_articles(self, items: Sequence[Article]) -> list[SaveResult]:
        """Save several articles all or nothing (one file's items)."""
        with self._write() as conn:
            return [articles.save_article(conn, item) for item in items]

    def publish(self, article_ids: Sequence[int], now: datetime) -> list[int]:
        """Mark published; returns the ids that were not published before.

        The update of their related lists is queued in the same transaction
        (``queued_related``), so a publish never loses it.
        """
        with self._write() as conn:
            newly = articles.publish(conn, article_ids, now)
            related.queue(conn, article_ids, related.REFRESH, now)
            return newly

    def unpublish(self, article_id: int) -> None:
        """Take the article off the site; its withdrawal from related lists is queued."""
        with self._write() as conn:
            articles.unpublish(conn, article_id)
            related.queue(conn, [article_id], related.WITHDRAW, datetime.now(UTC))

    def reject(self, article_id: int) -> bool:
        """Turn down a draft waiting in review; False when it is not a draft."""
        with self._write() as conn:
            return articles.reject(conn, article_id)

    def add_correction(self, article_id: int, text: str, at: datetime) -> None:
        with self._write() as conn:
            articles.add_correction(conn, article_id, text, at)

    def article(self, article_id: int) -> Article | None:
        with self._read() as conn:
            return articles.get_article(conn, article_id)

    def article_by_slug(self, slug: str) -> Article | None:
        with self._read() as conn:
            return articles.get_article_by_slug(conn, slug)

    def article_by_uid(self, uid: str) -> Article | None:
        with self._read() as conn:
            return articles.get_article_by_uid(conn, uid)

    def article_page(
        self,
        slug: str | None = None,
        *,
        article_id: int | None = None,
        related_limit: int = 5,
        recent_limit: int = 5,
        frame_for: Sequence[str] = (),
    ) -> ArticlePage | None:
        """The article (by slug or id) with its related and recent lists.

        With ``frame_for`` (one or two weather locations: the reader's city and the
        site's), the page's frame too. One read transaction of three statements (five
        with the frame), prepared once; on PostgreSQL one round trip.
        """
        key, value = ("id", article_id) if article_id is not None else ("slug", slug or "")
        batch = articles.page_reads(key, value, related_limit, recent_limit)
        if frame_for:
            batch += frame_reads(frame_for)
        rows = read_together(self.engine, batch)
        page = articles.page_from_rows(*rows[:3])
        if page is None:
            return None
        return ArticlePage(
            article=page.article,
            related=page.related,
            recent=page.recent,
            frame=frame_from_rows(*rows[3:]) if frame_for else None,
        )

    def list_published(
        self,
        *,
        limit: int,
        offset: int = 0,
        section_slug: str | None = None,
        author_id: int | None = None,
        topic_id: int | None = None,
        exclude_id: int | None = None,
        since: datetime | None = None,
        until: datetime | None = None,
    ) -> list[ArticleSummary]:
        with self._read() as conn:
            return articles.list_published(
                conn,
                limit=limit,
                offset=offset,
                section_slug=section_slug,
                author_id=author_id,
                topic_id=topic_id,
                exclude_id=exclude_id,
                since=since,
                until=until,
            )

    def count_published(
        self,
        section_slug: str | None = None,
        *,
        author_id: int | None = None,
        topic_id: int | None = None,
        since: datetime | None = None,
        until: datetime | None = None,
    ) -> int:
        with self._read() as conn:
            return articles.count_published(
                conn,
                section_slug,
                author_id=author_id,
                topic_id=topic_id,
                since=since,
                until=until,
            )

    def section_fronts(self, per_section: int) -> dict[str, list[ArticleSummary]]:
        with self._read() as conn:
            return articles.section_fronts(conn, per_section)

    def feed_articles(
        self,
        *,
        limit: int,
        section_slug: str | None = None,
        author_id: int | None = None,
        topic_id: int | None = None,
    ) -> list[Article]:
        """The newest published articles, whole (a feed's items): four queries, not 4×n."""
        with self._read() as conn:
            return feeds.published_articles(
                conn,
                limit=limit,
                section_slug=section_slug,
                author_id=author_id,
                topic_id=topic_id,
            )

    # sitemaps
    def sitemap_urls(
        self, number: int, per_sitemap: int, batch: int = 1000
    ) -> Iterator[SitemapUrl]:
        """The published articles of URL set ``number`` (from 1), in id order.

        Read lazily in batches of ``batch``, each in its own short read, so memory stays
        constant and no transaction outlives a batch.
        """
        with self._read() as conn:
            after = sitemaps.sitemap_start(conn, number, per_sitemap)
        left = per_sitemap
        while after is not None and left > 0:
            with self._read() as conn:
                rows = sitemaps.url_batch(conn, after, min(batch, left))
            yield from rows
            left -= len(rows)
            after = rows[-1].id if rows and left > 0 else None

    def recent_news(self, since: datetime, until: datetime, limit: int) -> list[NewsItem]:
        """Articles published in ``[since, until]``, newest first, at most ``limit``."""
        with self._read() as conn:
            return sitemaps.recent_news(conn, since, until, limit)

    # related lists
    def published_ids(self) -> set[int]:
        with self._read() as conn:
            return articles.published_ids(conn)

    def published_corpus(self, ids: Sequence[int] | None = None) -> list[CorpusEntry]:
        with self._read() as conn:
            return articles.published_corpus(conn, ids)

    def related_links(self, article_id: int, limit: int = 5) -> list[RelatedLink]:
        with self._read() as conn:
            return related.related_links(conn, article_id, limit)

    def listed_in(self, related_id: int) -> list[int]:
        """The articles whose stored related list shows ``related_id``."""
        with self._read() as conn:
            return related.listed_in(conn, related_id)

    def replace_related(
        self, lists: Mapping[int, Sequence[tuple[int, float, Mapping[str, float]]]]
    ) -> None:
        """Store several related lists (id, score, reasons), in one transaction."""
        with self._write() as conn:
            for article_id, ranked in lists.items():
                related.replace_related(conn, article_id, ranked)
            purges.note(conn, Scope.RELATED, lists)

    # the related queue (migration 0009): applied by the holder of the related job's lock
    def queue_related(self, article_ids: Sequence[int], now: datetime) -> None:
        """Queue a recomputation of the related lists of ``article_ids``."""
        with self._write() as conn:
            related.queue(conn, article_ids, related.REFRESH, now)

    def queued_related(self, limit: int | None = 500) -> list[tuple[int, int, str]]:
        """The oldest queued related updates: (queue id, article id, "refresh" or
        "withdraw"); all of them when ``limit`` is None."""
        with self._read() as conn:
            return related.queued(conn, limit)

    def queued_related_articles(self) -> int:
        """How many articles the queued related updates are for."""
        with self._read() as conn:
            return related.queued_articles(conn)

    def unqueue_related(self, queue_ids: Sequence[int]) -> None:
        """Drop applied related updates from the queue."""
        with self._write() as conn:
            related.unqueue(conn, queue_ids)

    # page purges (migration 0007): what the page caches of every process must drop
    def purge_feed(self) -> PurgeFeed:
        """A feed of the purges committed from now on (``store.purgefeed``); close it after."""
        return open_feed(self.engine)

    def listings(self, article_ids: Sequence[int]) -> list[Listing]:
        """Where each of ``article_ids`` is listed (section, author and topic slugs)."""
        with self._read() as conn:
            return purges.listings(conn, article_ids)

    def prune_page_purges(self, keep: int) -> int:
        """Keep only the newest ``keep`` rows of the purge log; returns how many went."""
        with self._write() as conn:
            return purges.prune(conn, keep)

    def related_overrides(
        self, article_ids: Sequence[int]
    ) -> dict[int, tuple[list[int], set[int]]]:
        """Per article: editors' pinned ids in order, and excluded ids."""
        with self._read() as conn:
            return related.overrides(conn, article_ids)

    def set_related_override(
        self, article_id: int, related_id: int, kind: str, now: datetime
    ) -> None:
        """Pin or exclude (``kind``: "pin" or "exclude") an article on another's list."""
        if kind not in (related.PIN, related.EXCLUDE):
            raise ValueError(f"unknown override {kind!r}")
        with self._write() as conn:
            related.set_override(conn, article_id, related_id, kind, now)

    def clear_related_override(self, article_id: int, related_id: int) -> None:
        with self._write() as conn:
            related.clear_override(conn, article_id, related_id)

    # full-text search
    def search(self, query: SearchQuery, bound: int = search.RANKED_BOUND) -> SearchResults:
        """One page of published articles matching ``query``, best first.

        Only the newest ``bound`` matches are ranked (``SearchResults.capped`` says so).
        """
        with self._read() as conn:
            return search.search(conn, query, bound)

    # job state
    def job_state(self, name: str) -> dict[str, Any] | None:
        with self._read() as conn:
            return jobstate.get_state(conn, name)

    def save_job_state(self, name: str, state: dict[str, Any], now: datetime) -> None:
        with self._write() as conn:
            jobstate.save_state(conn, name, state, now)

    def clear_job_state(self, name: str) -> None:
        with self._write() as conn:
            jobstate.clear_state(conn, name)

    # weather cache
    def latest_observation(self, location: str) -> Observation | None:
        with self._read() as conn:
            return weather.latest_observation(conn, location)

    def save_observation(self, observation: Observation) -> None:
        with self._write() as conn:
            weather.save_observation(conn, observation)

    def weather_location(self, location: str) -> WeatherLocation | None:
        with self._read() as conn:
            return weather.get_location(conn, location)

    def weather_locations(self) -> list[WeatherLocation]:
        """Every location the cache keeps fresh, the site's city first."""
        with self._read() as conn:
            return weather.list_locations(conn)

    def save_default_weather_location(
        self, location: str, latitude: float | None, longitude: float | None, now: datetime
    ) -> WeatherLocation:
        with self._write() as conn:
            return weather.save_default_location(conn, location, latitude, longitude, now)

    def set_weather_coordinates(
        self, location: str, city: str, latitude: float, longitude: float
    ) -> None:
        with self._write() as conn:
            weather.set_coordinates(conn, location, city, latitude, longitude)

    def set_weather_location_error(self, location: str, message: str) -> None:
        with self._write() as conn:
            weather.set_location_error(conn, location, message)

    def choose_weather_city(self, location: str, now: datetime, keep: int) -> list[str]:
        """A reader chose ``location``; returns the cities evicted to keep ``keep``."""
        with self._write() as conn:
            return weather.choose_city(conn, location, now, keep)

    def claim_weather_location(self, location: str, now: datetime, until: datetime) -> bool:
        """Take the refresh lease: only one process refreshes a location at a time."""
        with self._write() as conn:
            return weather.claim_location(conn, location, now, until)

    def release_weather_location(self, location: str) -> None:
        with self._write() as conn:
            weather.release_location(conn, location)

    def weather_provider_state(self, location: str, provider: str) -> ProviderState:
        with self._read() as conn:
            return weather.provider_state(conn, location, provider)

    def save_weather_outcome(self, state: ProviderState, observation: Observation | None) -> None:
        """Record one provider attempt: its state and, on success, the new observation."""
        with self._write() as conn:
            weather.save_provider_state(conn, state)
            if observation is not None:
                weather.save_observation(conn, observation)

    # ingest sources
    def add_source(self, source: FeedSource, now: datetime) -> FeedSource:
        """Store a new source, due at once; ``ValueError`` when its URL is already a source."""
        with self._write() as conn:
            if sources.by_url(conn, source.url) is not None:
                raise ValueError(f"{source.url} is already a source")
            return sources.add(conn, source, now)

    def sources(self) -> list[FeedSource]:
        with self._read() as conn:
            return sources.all_sources(conn)

    def source(self, source_id: int) -> FeedSource | None:
        with self._read() as conn:
            return sources.get(conn, source_id)

    def source_by_url(self, url: str) -> FeedSource | None:
        with self._read() as conn:
            return sources.by_url(conn, url)

    def remove_source(self, source_id: int) -> bool:
        with self._write() as conn:
            return sources.remove(conn, source_id)

    def due_sources(self, now: datetime, limit: int = 1000) -> list[int]:
        with self._read() as conn:
            return sources.due(conn, now, limit)

    def claim_source(
        self, source_id: int, owner: str, now: datetime, until: datetime, force: bool = False
    ) -> FeedSource | None:
        """Lease the source for one poll; ``None`` when it is not due or another holds it."""
        with self._write() as conn:
            return sources.claim(conn, source_id, owner, now, until, force)

    def source_leases(self, now: datetime) -> list[tuple[int, str]]:
        with self._read() as conn:
            return sources.leases(conn, now)

    def release_source(self, source_id: int, owner: str) -> bool:
        """Free the lease ``owner`` holds on the source (when that process is gone)."""
        with self._write() as conn:
            return sources.release(conn, source_id, owner)

    def record_source_success(
        self,
        source_id: int,
        owner: str,
        now: datetime,
        next_poll: datetime,
        etag: str,
        last_modified: str,
        taken: int,
    ) -> None:
        with self._write() as conn:
            sources.record_success(
                conn, source_id, owner, now, next_poll, etag, last_modified, taken
            )

    def record_source_failure(
        self,
        source_id: int,
        owner: str,
        now: datetime,
        next_poll: datetime,
        message: str,
        taken: int,
    ) -> None:
        with self._write() as conn:
            sources.record_failure(conn, source_id, owner, now, next_poll, message, taken)

    # ingested items
    def take_item(
        self,
        article: Article,
        fingerprint: Fingerprint | None,
        source_id: int | None,
        now: datetime,
        same_story: Callable[[bytes, bytes], bool],
    ) -> TakeResult:
        """Store one ingested item, all or nothing (see ``intake.take``)."""
        with self._write() as conn:
            return intake.take(conn, article, fingerprint, source_id, now, same_story)

    def take_items(
        self,
        incoming: Sequence[Incoming],
        source_id: int | None,
        now: datetime,
        same_story: Callable[[bytes, bytes], bool],
    ) -> list[TakeResult | str]:
        """Store a feed's items, each all or nothing (a savepoint), in as few transactions
        as keep each one short (see ``intake.take_many``).

        Each item's result, or why it was not stored. An unexpected error is raised after
        the items before it are committed.
        """
        results: list[TakeResult | str] = []
        while len(results) < len(incoming):
            with self._write() as conn:
                taken, error = intake.take_many(
                    conn, incoming[len(results) :], source_id, now, same_story
                )
            results.extend(taken)
            if error is not None:
                raise error
        return results

    def alternates(self, article_id: int) -> list[Alternate]:
        with self._read() as conn:
            return intake.alternates(conn, article_id)

    def waiting_publication(self, source_ids: Sequence[int]) -> list[int]:
        with self._read() as conn:
            return intake.waiting_publication(conn, source_ids)

    def review_queue(self, limit: int = 100) -> list[int]:
        with self._read() as conn:
            return intake.review_queue(conn, limit)

    # newsroom accounts
    def add_user(self, user: User, now: datetime) -> User:
        """Store a new account; ``ValueError`` when the e-mail is taken."""
        with self._write() as conn:
            if users.by_email(conn, user.email) is not None:
                raise ValueError(f"{user.email} already has an account")
            return users.add(conn, user, now)

    def user(self, user_id: int) -> User | None:
        with self._read() as conn:
            return users.get(conn, user_id)

    def user_by_email(self, email: str) -> User | None:
        with self._read() as conn:
            return users.by_email(conn, email)

    def users(self) -> list[User]:
        with self._read() as conn:
            return users.all_users(conn)

    def set_user_disabled(self, user_id: int, disabled: bool, now: datetime) -> None:
        with self._write() as conn:
            users.set_disabled(conn, user_id, disabled, now)

    def set_password_hash(self, user_id: int, password_hash: str) -> None:
        with self._write() as conn:
            users.set_password_hash(conn, user_id, password_hash)

    def start_session(
        self, token_hash: str, user_id: int, csrf_token: str, now: datetime, expires_at: datetime
    ) -> None:
        with self._write() as conn:
            users.start_session(conn, token_hash, user_id, csrf_token, now, expires_at)

    def session(self, token_hash: str, now: datetime) -> tuple[User, str] | None:
        """The user signed in by this session and its CSRF token, if it is still good."""
        with self._read() as conn:
            return users.session(conn, token_hash, now)

    def end_session(self, token_hash: str) -> None:
        with self._write() as conn:
            users.end_session(conn, token_hash)

    def end_all_sessions(self, user_id: int, now: datetime) -> None:
        with self._write() as conn:
            users.end_all(conn, user_id, now)

    def record_login_failure(self, email: str, address: str, now: datetime) -> None:
        with self._write() as conn:
            users.record_failure(conn, email, address, now)

    def login_failures_since(self, email: str, address: str, since: datetime) -> list[datetime]:
        with self._read() as conn:
            return users.failures_since(conn, email, address, since)

    def clear_login_failures(self, email: str, address: str) -> None:
        with self._write() as conn:
            users.clear_failures(conn, email, address)

    # the editor
    def editor_state(self, article_id: int) -> EditorState | None:
        with self._read() as conn:
            return editorial.state(conn, article_id)

    def save_draft(
        self,
        article: Article,
        markdown: str,
        user: User,
        expected_version: int | None,
        now: datetime,
        snapshot: dict[str, Any],
        action: str,
        autosave: bool = False,
    ) -> tuple[int, int]:
        """Save from the editor, keep the revision and audit it, in one transaction.

        ``(article id, new lock version)``; ``EditConflict`` when someone saved since
        ``expected_version``.
        """
        with self._write() as conn:
            article_id, version = editorial.save_draft(
                conn, article, markdown, user.id, expected_version
            )
            editorial.add_revision(conn, article_id, user.id, now, snapshot, autosave)
            if not autosave:
                _audit(conn, now, user, action, article_id, "")
            return article_id, version

    def set_article_status(
        self, article_id: int, status: Status, user: User | None, now: datetime, detail: str = ""
    ) -> None:
        with self._write() as conn:
            editorial.set_status(conn, article_id, status)
            _audit(conn, now, user, f"status:{status.value}", article_id, detail)

    def set_schedule(
        self,
        article_id: int,
        publish_at: datetime | None,
        unpublish_at: datetime | None,
        user: User | None,
        now: datetime,
    ) -> None:
        with self._write() as conn:
            editorial.set_schedule(conn, article_id, publish_at, unpublish_at)
            detail = f"publish {publish_at or '-'}; unpublish {unpublish_at or '-'}"
            _audit(conn, now, user, "schedule", article_id, detail)

    def due_schedules(self, now: datetime) -> tuple[list[int], list[int]]:
        """``(to publish, to unpublish)`` whose scheduled time has come."""
        with self._read() as conn:
            return editorial.due(conn, now)

    def claim_due(self, article_id: int, publish: bool, now: datetime) -> bool:
        """Take one due schedule (``editorial.claim_due``); False when another process did."""
        with self._write() as conn:
            won = editorial.claim_due(conn, article_id, publish, now)
            if won:
                action = "publish (scheduled)" if publish else "unpublish (scheduled)"
                _audit(conn, now, None, action, article_id, "")
            return won

    def revisions(self, article_id: int) -> list[Revision]:
        with self._read() as conn:
            return editorial.list_revisions(conn, article_id)

    def touch_editor(self, article_id: int, user_id: int, now: datetime) -> None:
        with self._write() as conn:
            editorial.touch_editor(conn, article_id, user_id, now)

    def other_editors(self, article_id: int, user_id: int, since: datetime) -> list[int]:
        with self._read() as conn:
            return editorial.other_editors(conn, article_id, user_id, since)

    def newsroom_list(self, **filters: Any) -> tuple[list[NewsroomEntry], int]:
        """The newsroom's article list (see ``editorial.newsroom_list`` for the filters)."""
        with self._read() as conn:
            return editorial.newsroom_list(conn, **filters)

    # audit
    def audit(
        self,
        user: User | None,
        action: str,
        article_id: int | None,
        now: datetime,
        detail: str = "",
    ) -> None:
        with self._write() as conn:
            _audit(conn, now, user, action, article_id, detail)

    def audit_entries(self, article_id: int | None = None, limit: int = 200) -> list[AuditEntry]:
        with self._read() as conn:
            return audit.entries(conn, article_id, limit)


def _audit(
    conn: Connection,
    now: datetime,
    user: User | None,
    action: str,
    article_id: int | None,
    detail: str,
) -> None:
    email = user.email if user is not None else "dateline (scheduler)"
    audit.record(conn, now, user.id if user else None, email, action, article_id, detail)


def open_store(url: str, *, apply_migrations: bool = True) -> Store:
    """Open the store at ``url``, check it answers, and bring its schema up to date.

    A database that cannot be reached or is locked raises ``StoreUnavailable`` with a
    message naming the database and the reason, never a driver traceback.
    """
    engine = make_engine(url)
    store = Store(engine)
    where = engine.url.render_as_string(hide_password=True)
    try:
        if apply_migrations:
            store.migrate()
        else:
            with engine.connect() as conn:
                conn.exec_driver_sql("SELECT 1")
    except OperationalError as exc:
        engine.dispose()
        reason = str(exc.orig).strip().splitlines()[0] if exc.orig else str(exc)
        raise StoreUnavailable(f"cannot open the database {where}: {reason}") from exc
    return store
