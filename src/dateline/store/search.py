"""Full-text search of published articles: SQLite FTS5, or PostgreSQL full text.

The index itself is kept by the database, so every path that saves, publishes, corrects
or unpublishes an article keeps it right: on SQLite triggers on ``articles`` keep the
FTS5 table (migration 0006); on PostgreSQL a trigger keeps the narrow table
``article_search`` of published articles' weighted vectors (migration 0008).

On SQLite a search costs two queries: the ranked page with the count of matches, and
the snippets of that page's rows only. The newest ``bound + 1`` matches (by id, that is
by arrival) are walked once: their number is the count (bounded), and only the first
``bound`` are ranked, so a word found in half the archive costs no more than ``bound``
rankings; the results then say ``capped``.

On PostgreSQL a search is one statement (``_postgres_statement``): the database
function ``dateline_search_newest`` (migrations 0008, 0014, 0015) finds the newest
``bound + 1`` matches by walking windows of ids from the newest down over
``article_search`` (whole blocks of ids, found in its word index since 0015), ranking
each as its row is read; they give the count, the page is the best of the first
``bound``, and only that page's articles and snippets are read. Left to itself,
PostgreSQL's planner either walks the primary key backwards testing every row (slow for
a rare word) or fetches every GIN match before sorting by id (slow for a word in half
the archive); docs/search.md says how the walk avoids both.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from functools import cache
from typing import Any

from sqlalchemy import (
    TIMESTAMP,
    ColumnElement,
    Connection,
    Float,
    FromClause,
    Integer,
    Select,
    Text,
    and_,
    bindparam,
    cast,
    column,
    func,
    literal_column,
    select,
    table,
    text,
    true,
    type_coerce,
)

from dateline.model import SearchHit, SearchQuery, SearchResults, Status
from dateline.model.search import MARK_END, MARK_START, SearchTerms, parse_terms, snippet_html
from dateline.store.articles import SUMMARY_COLUMNS, summary_from_row
from dateline.store.schema import articles, sections

RANKED_BOUND = 2000
# bm25 column weights on SQLite (headline, deck, body); PostgreSQL's ts_rank_cd weighs
# its A (headline), B (deck) and C (body) labels 1.0, 0.4 and 0.2 (its defaults)
HEADLINE_WEIGHT = 10.0
DECK_WEIGHT = 4.0
BODY_WEIGHT = 1.0
SNIPPET_WORDS = 24
# PostgreSQL: the first window of ids searched is as wide as the planner's estimate of
# the matches says it takes to find them all, times WINDOW_MARGIN; the next as wide as
# the matches found so far say it takes to find the rest, times WINDOW_MARGIN, and at
# least twice the last (WINDOW_EMPTY_GROWTH times after a window without matches); the
# walk itself is the function ``dateline_search_newest`` of migration 0008
WINDOW_MARGIN = 1.3
WINDOW_EMPTY_GROWTH = 16
# PostgreSQL: the first window walks down the primary key, testing each row, instead of
# decoding the GIN index into a bitmap, when the planner's estimate of the matches times
# their share of the archive reaches ``wanted`` times ROW_COST (migration 0014): walking
# reads about wanted / share rows, a bitmap decodes every match, and a row tested costs
# about what ROW_COST entries decoded cost. At 100,000 articles that walks from a fifth of
# the archive (measured cheaper from there), at a million from about 6 %.
ROW_COST = 2.0

_fts = table("articles_search", column("rowid", Integer))
# the narrow table of published articles (PostgreSQL: migration 0008, with the vectors;
# SQLite: migration 0011, the filters only, the text being in ``articles_search``)
_index = table(
    "article_search",
    column("article_id", Integer),
    column("section_id", Integer),
    column("published_at", articles.c.published_at.type),
    column("search_vector"),
)
_HEADLINE_OPTIONS = (
    f'StartSel="{MARK_START}", StopSel="{MARK_END}", MaxWords=35, MinWords=15, '
    'MaxFragments=2, FragmentDelimiter=" … "'
)


def fts5_query(terms: SearchTerms) -> str:
    """``terms`` as an FTS5 query: every word a quoted string, so nothing is an operator."""

    def phrase(words: tuple[str, ...]) -> str:
        return '"' + " ".join(words) + '"'

    groups = [
        phrase(g[0]) if len(g) == 1 else "(" + " OR ".join(phrase(p) for p in g) + ")"
        for g in terms.required
    ]
    expression = " AND ".join(groups)
    for words in terms.excluded:
        expression = f"({expression}) NOT {phrase(words)}"
    return expression


def websearch_text(terms: SearchTerms) -> str:
    """``terms`` as text for ``websearch_to_tsquery``: quoted phrases, ``or``, ``-``."""

    def phrase(words: tuple[str, ...]) -> str:
        return '"' + " ".join(words) + '"'

    parts = [" or ".join(phrase(p) for p in group) for group in terms.required]
    parts += ["-" + phrase(words) for words in terms.excluded]
    return " ".join(parts)


def _time_span(query: SearchQuery) -> tuple[datetime | None, datetime | None]:
    """``since`` from its first instant, ``until`` to its last (UTC days)."""
    since = datetime.combine(query.since, time(), UTC) if query.since else None
    until = datetime.combine(query.until + timedelta(days=1), time(), UTC) if query.until else None
    return since, until


@dataclass(frozen=True, slots=True)
class _SqliteStatements:
    """SQLite's statements for one combination of filters."""

    ranked: Select[Any]
    snippets: Select[Any]


def _unindexed(name: str) -> ColumnElement[Any]:
    """``+article_search.<name>`` (SQLite), which no index serves.

    So SQLite's planner always leads with the FTS5 index and looks each match up by
    rowid in the narrow table of filters (migration 0011); given an indexed filter it
    would rather walk that index and probe the FTS5 table once per row, hundreds of
    times slower for a common filter.
    """
    return type_coerce(literal_column(f"+article_search.{name}"), articles.c[name].type)


def _section_id() -> ColumnElement[Any]:
    section_id = select(sections.c.id).where(sections.c.slug == bindparam("section"))
    return section_id.scalar_subquery()


@cache
def _sqlite_statements(section: bool, since: bool, until: bool) -> _SqliteStatements:
    """Built once per process: a search then only binds its values.

    The FTS5 index holds published articles only (its triggers see to it), so without
    filters no other row is read at all; filters are tested on ``article_search``, the
    narrow table of published articles' section and publication time (migration 0011),
    never on the wide ``articles`` rows.
    """
    published = _unindexed("published_at")
    conditions: list[ColumnElement[bool]] = []
    if section:
        conditions.append(_unindexed("section_id") == _section_id())
    if since:
        conditions.append(published >= bindparam("since"))
    if until:
        conditions.append(published < bindparam("until"))
    matches: FromClause = (
        _fts.join(_index, _index.c.article_id == _fts.c.rowid) if conditions else _fts
    )
    match = text("articles_search MATCH :match")
    score = -func.bm25(literal_column("articles_search"), HEADLINE_WEIGHT, DECK_WEIGHT, BODY_WEIGHT)
    snippet = func.snippet(
        literal_column("articles_search"), 2, MARK_START, MARK_END, "…", SNIPPET_WORDS
    )
    snippets = select(_fts.c.rowid, snippet).where(
        match, _fts.c.rowid.in_(bindparam("ids", expanding=True))
    )
    # the newest ``bound + 1`` matches, walked once: their number is the count, the
    # page is the best of the first ``bound``
    found = (
        select(_fts.c.rowid.label("id"), score.label("score"))
        .select_from(matches)
        .where(match, *conditions)
        .order_by(_fts.c.rowid.desc())
        .limit(bindparam("wanted"))
        .cte("found")
        .prefix_with("MATERIALIZED", dialect="sqlite")
    )
    newest = (
        select(found.c.id, found.c.score)
        .order_by(found.c.id.desc())
        .limit(bindparam("bound"))
        .subquery("newest")
    )
    page = (
        select(newest.c.id, newest.c.score)
        .order_by(newest.c.score.desc(), newest.c.id.desc())
        .limit(bindparam("limit"))
        .offset(bindparam("offset"))
        .subquery("page")
    )
    counted = select(func.count().label("matches")).select_from(found).subquery("counted")
    shown = page.join(articles, articles.c.id == page.c.id).join(
        sections, sections.c.id == articles.c.section_id
    )
    ranked = (
        select(counted.c.matches, page.c.score, *SUMMARY_COLUMNS)
        .select_from(counted.outerjoin(shown, true()))
        .order_by(page.c.score.desc(), page.c.id.desc())
    )
    return _SqliteStatements(ranked=ranked, snippets=snippets)


@cache
def _postgres_statement() -> Select[Any]:
    """The whole search in one statement (one round trip), built once per process.

    ``dateline_search_newest`` (migration 0008) walks ``article_search`` for the newest
    ``bound + 1`` matches, ranking each as its row is read; their number is the count,
    the page is the best of the first ``bound`` (ties: newest first), and only the
    page's ``articles`` rows are read, with their snippets. A row with an empty page
    still carries the count. The function's arguments are cast, so the driver's choice
    of integer width or of a NULL's type never picks another function.
    """
    tsquery = func.websearch_to_tsquery(
        literal_column("'english'::regconfig"), bindparam("match", type_=Text())
    )
    newest = (
        func.dateline_search_newest(
            tsquery,
            cast(bindparam("wanted"), Integer()),
            cast(bindparam("section"), Text()),
            cast(bindparam("since", type_=articles.c.published_at.type), TIMESTAMP(True)),
            cast(bindparam("until", type_=articles.c.published_at.type), TIMESTAMP(True)),
            select(func.min(_index.c.article_id)).scalar_subquery(),
            select(func.max(_index.c.article_id)).scalar_subquery(),
            cast(bindparam("margin"), Float()),
            cast(bindparam("growth"), Integer()),
            cast(bindparam("row_cost"), Float()),
        )
        .table_valued(
            column("found_id", Integer), column("found_score", Float), with_ordinality="n"
        )
        .render_derived()
    )
    found = select(newest.c.found_id, newest.c.found_score, newest.c.n).cte("found")
    page = (
        select(found.c.found_id, found.c.found_score)
        .where(found.c.n <= bindparam("bound"))
        .order_by(found.c.found_score.desc(), found.c.found_id.desc())
        .limit(bindparam("limit"))
        .offset(bindparam("offset"))
        .subquery("page")
    )
    counted = select(func.count().label("matches")).select_from(found).subquery("counted")
    headline = func.ts_headline(
        literal_column("'english'::regconfig"), articles.c.body_text, tsquery, _HEADLINE_OPTIONS
    )
    # status again: the walk's windows read with snapshots of their own
    shown = page.join(
        articles,
        and_(articles.c.id == page.c.found_id, articles.c.status == Status.PUBLISHED.value),
    ).join(sections, sections.c.id == articles.c.section_id)
    return (
        select(
            counted.c.matches,
            page.c.found_score.label("score"),
            *SUMMARY_COLUMNS,
            headline.label("snippet"),
        )
        .select_from(counted.outerjoin(shown, true()))
        .order_by(page.c.found_score.desc(), page.c.found_id.desc())
    )


def search(conn: Connection, query: SearchQuery, bound: int = RANKED_BOUND) -> SearchResults:
    """One page of ``query``'s results, best first; ``bound`` newest matches are ranked."""
    terms = parse_terms(query.text)
    if terms.empty:
        return SearchResults(query=query, hits=(), total=0, capped=False)
    since, until = _time_span(query)
    if conn.dialect.name != "sqlite":
        return _search_postgres(conn, query, websearch_text(terms), since, until, bound)
    params: dict[str, Any] = {
        "match": fts5_query(terms),
        **({"section": query.section} if query.section is not None else {}),
        **({"since": since} if since else {}),
        **({"until": until} if until else {}),
    }
    statements = _sqlite_statements(query.section is not None, bool(since), bool(until))
    return _search_sqlite(conn, query, statements, params, bound)


def _page_span(query: SearchQuery, bound: int) -> tuple[int, int]:
    """The page's offset and how many results it holds at most within ``bound``."""
    offset = (query.page - 1) * query.per_page
    return offset, max(0, min(query.per_page, bound - offset))


def _search_sqlite(
    conn: Connection,
    query: SearchQuery,
    statements: _SqliteStatements,
    params: dict[str, Any],
    bound: int,
) -> SearchResults:
    """The ranked page with the count of matches (bounded), then the page's snippets."""
    offset, limit = _page_span(query, bound)
    page = {"wanted": bound + 1, "bound": bound, "limit": limit, "offset": offset}
    found = conn.execute(statements.ranked, {**params, **page}).mappings().all()
    matches = int(found[0]["matches"])
    total, capped = min(matches, bound), matches > bound
    rows = [row for row in found if row["id"] is not None]
    if not rows:
        return SearchResults(query=query, hits=(), total=total, capped=capped)
    marked = {
        int(row[0]): str(row[1] or "")
        for row in conn.execute(
            statements.snippets, {"match": params["match"], "ids": [r["id"] for r in rows]}
        )
    }
    hits = tuple(
        SearchHit(
            article=summary_from_row(r),
            snippet=snippet_html(marked.get(r["id"], "")),
            rank=round(float(r["score"]), 6),
        )
        for r in rows
    )
    return SearchResults(query=query, hits=hits, total=total, capped=capped)


def _search_postgres(
    conn: Connection,
    query: SearchQuery,
    match: str,
    since: datetime | None,
    until: datetime | None,
    bound: int,
) -> SearchResults:
    """The newest ``bound + 1`` matches are the count; the page is the best ``bound``."""
    offset, limit = _page_span(query, bound)
    params = {
        "match": match,
        "wanted": bound + 1,
        "section": query.section,
        "since": since,
        "until": until,
        "margin": WINDOW_MARGIN,
        "growth": WINDOW_EMPTY_GROWTH,
        "row_cost": ROW_COST,
        "bound": bound,
        "limit": limit,
        "offset": offset,
    }
    rows = conn.execute(_postgres_statement(), params).mappings().all()
    found = int(rows[0]["matches"])
    hits = tuple(
        SearchHit(
            article=summary_from_row(r),
            snippet=snippet_html(str(r["snippet"] or "")),
            rank=round(float(r["score"]), 6),
        )
        for r in rows
        if r["id"] is not None
    )
    return SearchResults(query=query, hits=hits, total=min(found, bound), capped=found > bound)
