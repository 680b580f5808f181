"""Full-text search of published articles: SQLite FTS5, or PostgreSQL full text.

The index itself is kept by the database (migration 0006): triggers on ``articles`` on
SQLite, a generated ``search_vector`` column on PostgreSQL, so every path that saves,
publishes, corrects or unpublishes an article keeps it right.

On SQLite a search costs three queries: the ranked page, the snippets of that page's
rows only, and the count of matches (bounded), which a short page (the last one) makes
needless. Only the newest ``bound`` matching articles (by id, that is by arrival) are
ranked, so a word found in half the archive costs no more than ``bound`` rankings; the
results then say ``capped``.

On PostgreSQL the newest ``bound + 1`` matching ids are found first, by walking windows
of ids from the newest down (see ``_newest_matches``); they give the count, and the page
ranks exactly those ids. Left to itself, PostgreSQL's planner either walks the primary
key backwards testing every row (slow for a word in a few percent of the archive) or
fetches every GIN match before sorting by id (slow for a word in half of it).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from functools import cache
from typing import Any

from sqlalchemy import (
    ARRAY,
    ColumnElement,
    Compiled,
    Connection,
    Dialect,
    FromClause,
    Integer,
    RowMapping,
    Select,
    Text,
    any_,
    bindparam,
    column,
    func,
    literal_column,
    select,
    table,
    text,
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
# least twice the last (WINDOW_EMPTY_GROWTH times after a window without matches)
WINDOW_MARGIN = 1.3
WINDOW_EMPTY_GROWTH = 16
# during the walk (SET LOCAL, undone after) only bitmap scans: a plain index scan of the
# primary key filtering on ``@@`` (which the planner prefers, not counting that most
# vectors are TOASTed, so each test decompresses one) or a sequential scan reads every
# row of the window; and a plan for each window's own bounds, never a generic plan of
# the prepared statement (psycopg prepares a statement run five times)
_WALK_SETTINGS = {
    "enable_indexscan": "off",
    "enable_seqscan": "off",
    "plan_cache_mode": "force_custom_plan",
}
# one round trip each way: the lowest and highest article id and the settings' values
# before (read first: OFFSET 0 keeps the subquery a plan node of its own), then the
# walk's; afterwards the values before again
_WALK_SET = text(
    "SELECT before.*, "
    + ", ".join(f"set_config('{k}', '{v}', true)" for k, v in _WALK_SETTINGS.items())
    + " FROM (SELECT (SELECT min(id) FROM articles) AS lowest,"
    " (SELECT max(id) FROM articles) AS highest, "
    + ", ".join(f"current_setting('{k}') AS {k}" for k in _WALK_SETTINGS)
    + " OFFSET 0) AS before"
)
_WALK_RESET = text("SELECT " + ", ".join(f"set_config('{k}', :{k}, true)" for k in _WALK_SETTINGS))

_fts = table("articles_search", column("rowid", Integer))
_vector: ColumnElement[Any] = literal_column("articles.search_vector")
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
class _Statements:
    """The statements of one dialect and one combination of filters.

    ``window`` (PostgreSQL only) finds the newest matches among ids in ``(low, high]``;
    there ``ranked`` ranks the given ``ids`` and ``count`` is not used.
    """

    count: Select[Any]
    ranked: Select[Any]
    snippets: Select[Any]
    window: Select[Any] | None = None


def _unindexed(name: str, dialect: str) -> ColumnElement[Any]:
    """``articles.<name>``; on SQLite as ``+articles.<name>``, which no index serves.

    So SQLite's planner always leads with the FTS5 index and looks each match up by
    rowid; given an indexed filter on ``articles`` it would rather walk that index and
    probe the FTS5 table once per row, hundreds of times slower for a common filter.
    """
    stored = articles.c[name]
    if dialect != "sqlite":
        return stored
    return type_coerce(literal_column(f"+articles.{name}"), stored.type)


def _conditions(dialect: str, section: bool, since: bool, until: bool) -> list[ColumnElement[bool]]:
    """The filters on ``articles``.

    On SQLite the index holds published articles only (its triggers see to it), so
    without filters no ``articles`` row is read at all.
    """
    published = _unindexed("published_at", dialect)
    conditions: list[ColumnElement[bool]] = []
    if dialect != "sqlite" or section or since or until:
        conditions.append(_unindexed("status", dialect) == Status.PUBLISHED.value)
    if section:
        section_id = select(sections.c.id).where(sections.c.slug == bindparam("section"))
        conditions.append(_unindexed("section_id", dialect) == section_id.scalar_subquery())
    if since:
        conditions.append(published >= bindparam("since"))
    if until:
        conditions.append(published < bindparam("until"))
    return conditions


@cache
def _statements(dialect: str, section: bool, since: bool, until: bool) -> _Statements:
    """Built once per process: a search then only binds its values."""
    conditions = _conditions(dialect, section, since, until)
    if dialect == "sqlite":
        matches: FromClause = (
            _fts.join(articles, articles.c.id == _fts.c.rowid) if conditions else _fts
        )
        match: ColumnElement[Any] = text("articles_search MATCH :match")  # type: ignore[assignment]
        newest = _fts.c.rowid.desc()
        matching_id = _fts.c.rowid
        score: ColumnElement[Any] = -func.bm25(
            literal_column("articles_search"), HEADLINE_WEIGHT, DECK_WEIGHT, BODY_WEIGHT
        )
        snippet = func.snippet(
            literal_column("articles_search"), 2, MARK_START, MARK_END, "…", SNIPPET_WORDS
        )
        snippets = select(_fts.c.rowid, snippet).where(
            match, _fts.c.rowid.in_(bindparam("ids", expanding=True))
        )
    else:
        tsquery = func.websearch_to_tsquery(
            literal_column("'english'::regconfig"), bindparam("match", type_=Text())
        )
        matches = articles
        match = _vector.op("@@")(tsquery)
        newest = articles.c.id.desc()
        matching_id = articles.c.id
        score = func.ts_rank_cd(_vector, tsquery, 1)
        headline = func.ts_headline(
            literal_column("'english'::regconfig"), articles.c.body_text, tsquery, _HEADLINE_OPTIONS
        )
        snippets = select(articles.c.id, headline).where(
            articles.c.id.in_(bindparam("ids", expanding=True))
        )
    window: Select[Any] | None = None
    if dialect != "sqlite":
        window = (
            select(articles.c.id)
            .where(
                articles.c.id > bindparam("low"),
                articles.c.id <= bindparam("high"),
                match,
                *conditions,
            )
            .order_by(articles.c.id.desc())
            .limit(bindparam("wanted"))
        )
    count = select(func.count()).select_from(
        select(matching_id)
        .select_from(matches)
        .where(match, *conditions)
        .limit(bindparam("counted"))
        .subquery()
    )
    if dialect == "sqlite":
        candidates = (
            select(matching_id.label("id"), score.label("score"))
            .select_from(matches)
            .where(match, *conditions)
            .order_by(newest)
            .limit(bindparam("bound"))
            .subquery()
        )
    else:  # the ids are the window walk's; status again, in case one was unpublished since
        candidates = (
            select(articles.c.id.label("id"), score.label("score"))
            .where(
                articles.c.id == any_(bindparam("ids", type_=ARRAY(Integer()))),
                articles.c.status == Status.PUBLISHED.value,
            )
            .subquery()
        )
    page = (
        select(candidates.c.id, candidates.c.score)
        .order_by(candidates.c.score.desc(), candidates.c.id.desc())
        .limit(bindparam("limit"))
        .offset(bindparam("offset"))
        .subquery()
    )
    ranked = (
        select(page.c.score, *SUMMARY_COLUMNS)
        .select_from(
            page.join(articles, articles.c.id == page.c.id).join(
                sections, sections.c.id == articles.c.section_id
            )
        )
        .order_by(page.c.score.desc(), page.c.id.desc())
    )
    return _Statements(count=count, ranked=ranked, snippets=snippets, window=window)


@cache
def _compiled(statement: Select[Any], dialect: Dialect) -> Compiled:
    return statement.compile(dialect=dialect)


def _estimated_rows(conn: Connection, statement: Select[Any], params: dict[str, Any]) -> float:
    """The planner's estimate of the rows of ``statement`` (EXPLAIN, not run)."""
    compiled = _compiled(statement, conn.dialect)
    plan = conn.exec_driver_sql(
        f"EXPLAIN (FORMAT JSON) {compiled}", compiled.construct_params(params)
    ).scalar_one()
    return float(plan[0]["Plan"]["Plan Rows"])


def _newest_matches(
    conn: Connection, statements: _Statements, params: dict[str, Any], wanted: int
) -> list[int]:
    """The newest ``wanted`` matching ids (PostgreSQL), newest first.

    Windows of ids from the newest down until ``wanted`` matches are found or the ids
    run out: the first as wide as the planner's estimate of the matches says, then as
    wide as the density of the matches found says the rest needs (``WINDOW_MARGIN``). Each
    window is a bitmap AND of the GIN index and the primary key range (the planner is
    held to bitmap scans meanwhile: ``_WALK_SETTINGS``), so a common word
    stops in the first window having read a few thousand rows, and a rare word costs a
    GIN lookup or two instead of a walk over every row.
    """
    assert statements.window is not None
    before = conn.execute(_WALK_SET).one()
    lowest, highest = before[0], before[1]
    found: list[int] = []
    try:
        if highest is None:
            return found
        high, span = int(highest), int(highest) - int(lowest) + 1
        everything = {**params, "low": lowest - 1, "high": high, "wanted": span}
        estimated = _estimated_rows(conn, statements.window, everything)
        width = max(wanted, int(wanted * span / max(estimated, 1.0) * WINDOW_MARGIN))
        while high >= lowest and len(found) < wanted:
            low = high - width
            window_params = {**params, "low": low, "high": high, "wanted": wanted - len(found)}
            matched = [int(r[0]) for r in conn.execute(statements.window, window_params)]
            found += matched
            if matched:
                needed = (wanted - len(found)) * width / len(matched) * WINDOW_MARGIN
                width = max(2 * width, int(needed) + 1)
            else:
                width *= WINDOW_EMPTY_GROWTH
            high = low
    finally:
        conn.execute(_WALK_RESET, {k: before[2 + i] for i, k in enumerate(_WALK_SETTINGS)})
    return found


def search(conn: Connection, query: SearchQuery, bound: int = RANKED_BOUND) -> SearchResults:
    """One page of ``query``'s results, best first; ``bound`` newest matches are ranked."""
    terms = parse_terms(query.text)
    if terms.empty:
        return SearchResults(query=query, hits=(), total=0, capped=False)
    dialect = conn.dialect.name
    since, until = _time_span(query)
    statements = _statements(dialect, query.section is not None, bool(since), bool(until))
    params: dict[str, Any] = {
        "match": fts5_query(terms) if dialect == "sqlite" else websearch_text(terms),
        **({"section": query.section} if query.section is not None else {}),
        **({"since": since} if since else {}),
        **({"until": until} if until else {}),
    }
    offset = (query.page - 1) * query.per_page
    limit = max(0, min(query.per_page, bound - offset))
    if statements.window is not None:
        newest = _newest_matches(conn, statements, params, bound + 1)
        return _search_postgres(conn, query, statements, params, newest, bound, offset, limit)
    rows: Sequence[RowMapping] = []
    if limit:
        page = {"bound": bound, "limit": limit, "offset": offset}
        rows = conn.execute(statements.ranked, {**params, **page}).mappings().all()
    if 0 < len(rows) < limit or (offset == 0 and not rows):
        # a short page is the last: the matches are counted, and fewer than the bound
        total, capped = offset + len(rows), False
    else:
        found = int(conn.execute(statements.count, {**params, "counted": bound + 1}).scalar_one())
        total, capped = min(found, bound), found > bound
    return _results(conn, query, statements, params, rows, total, capped)


def _search_postgres(
    conn: Connection,
    query: SearchQuery,
    statements: _Statements,
    params: dict[str, Any],
    newest: list[int],
    bound: int,
    offset: int,
    limit: int,
) -> SearchResults:
    """``newest`` (up to ``bound + 1`` matches) is the count; the page ranks ``bound``."""
    candidates = newest[:bound]
    rows: Sequence[RowMapping] = []
    if limit and candidates:
        page = {"ids": candidates, "match": params["match"], "limit": limit, "offset": offset}
        rows = conn.execute(statements.ranked, page).mappings().all()
    return _results(conn, query, statements, params, rows, len(candidates), len(newest) > bound)


def _results(
    conn: Connection,
    query: SearchQuery,
    statements: _Statements,
    params: dict[str, Any],
    rows: Sequence[RowMapping],
    total: int,
    capped: bool,
) -> SearchResults:
    """``rows`` (one ranked page) with their snippets."""
    if not rows:
        return SearchResults(query=query, hits=(), total=total, capped=capped)
    ids = [r["id"] for r in rows]
    marked = {
        int(row[0]): str(row[1] or "")
        for row in conn.execute(statements.snippets, {"match": params["match"], "ids": ids})
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
