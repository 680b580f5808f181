"""B2, the baseline: a minimal Starlette and Jinja2 article page on dateline's database.

Per request it runs the three queries an article page cannot do without, with SQLAlchemy
Core on one connection: the article by slug with its section, its related list (one join
of ``related`` to ``articles``) and the five newest published articles. It renders an
equivalent page (headline, deck, dateline, body paragraphs, the two lists) from one inline
template compiled at import. Like dateline's view, the handler is ``async`` and queries
synchronously on the event loop, so the two servers are served the same way.

Nothing else: no bylines, topics, corrections, section navigation or weather widget, no
model objects. The database URL comes from ``BENCH_DATABASE_URL``::

    BENCH_DATABASE_URL=sqlite:////tmp/x/dateline.db python -m uvicorn benchmarks.baseline_app:app
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from typing import Any

from jinja2 import Environment
from sqlalchemy import (
    JSON,
    Column,
    DateTime,
    Engine,
    Float,
    Integer,
    MetaData,
    String,
    Table,
    create_engine,
    select,
)
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.routing import Route
from starlette.types import Lifespan

metadata = MetaData()
sections = Table(
    "sections",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("slug", String),
    Column("name", String),
)
articles = Table(
    "articles",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("slug", String),
    Column("headline", String),
    Column("deck", String),
    Column("dateline", String),
    Column("body", JSON),
    Column("section_id", Integer),
    Column("status", String),
    Column("published_at", DateTime(timezone=True)),
)
related = Table(
    "related",
    metadata,
    Column("article_id", Integer),
    Column("related_id", Integer),
    Column("rank", Integer),
    Column("score", Float),
)

PAGE = """<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{ a.headline }} · Baseline</title>
{% if a.deck %}<meta name="description" content="{{ a.deck }}">{% endif %}
</head>
<body>
<header><a href="/">Baseline</a></header>
<main>
<article>
  <p class="kicker"><a href="/section/{{ a.section_slug }}">{{ a.section_name }}</a></p>
  <h1>{{ a.headline }}</h1>
  {% if a.deck %}<p class="deck">{{ a.deck }}</p>{% endif %}
  <p class="times">Published <time datetime="{{ a.published_at.isoformat() }}">
  {{- a.published_at.strftime("%B %d, %Y") }}</time></p>
  {% for b in a.body %}
  {% if b.kind == "paragraph" %}
  <p>{% if loop.first and a.dateline %}<span class="dateline">{{ a.dateline }} — </span>{% endif %}
  {{- b.html|safe }}</p>
  {% endif %}
  {% endfor %}
</article>
{% for heading, items in lists %}
{% if items %}
<section>
  <h2>{{ heading }}</h2>
  <ul>
  {% for item in items %}
    <li><a href="{{ item.path }}">{{ item.headline }}</a>
    <time datetime="{{ item.published_at.isoformat() }}">
    {{- item.published_at.strftime("%B %d, %Y") }}</time></li>
  {% endfor %}
  </ul>
</section>
{% endif %}
{% endfor %}
</main>
</body>
</html>
"""

template = Environment(autoescape=True, trim_blocks=True, lstrip_blocks=True).from_string(PAGE)


def database_url() -> str:
    """``BENCH_DATABASE_URL``, with the psycopg 3 driver for a plain PostgreSQL URL."""
    url = os.environ.get("BENCH_DATABASE_URL", "")
    if not url:
        raise RuntimeError("set BENCH_DATABASE_URL to the benchmark's database URL")
    for prefix in ("postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def make_engine(url: str) -> Engine:
    if url.startswith("sqlite"):
        return create_engine(url)
    return create_engine(url, pool_size=10, max_overflow=5)


def utc(value: datetime) -> datetime:
    """A time read from the database, in UTC (SQLite gives it without a zone)."""
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def engine_lifespan(engines: list[Engine]) -> Lifespan[Starlette]:
    """An app's lifespan that keeps its engine in ``engines`` while it runs."""

    @asynccontextmanager
    async def lifespan(_app: Starlette) -> AsyncIterator[None]:
        engines.append(make_engine(database_url()))
        try:
            yield
        finally:
            engines.pop().dispose()

    return lifespan


def _item(row: Any) -> dict[str, Any]:
    when = utc(row.published_at)
    return {
        "headline": row.headline,
        "path": f"/{when:%Y/%m/%d}/{row.slug}",
        "published_at": when,
    }


ARTICLE = (
    select(
        articles.c.id,
        articles.c.headline,
        articles.c.deck,
        articles.c.dateline,
        articles.c.body,
        articles.c.published_at,
        sections.c.slug.label("section_slug"),
        sections.c.name.label("section_name"),
    )
    .join(sections, sections.c.id == articles.c.section_id)
    .where(articles.c.status == "published")
)
RELATED = (
    select(articles.c.headline, articles.c.slug, articles.c.published_at)
    .select_from(related)
    .join(articles, articles.c.id == related.c.related_id)
    .where(articles.c.status == "published")
    .order_by(related.c.rank)
    .limit(5)
)
RECENT = (
    select(articles.c.headline, articles.c.slug, articles.c.published_at)
    .where(articles.c.status == "published")
    .order_by(articles.c.published_at.desc(), articles.c.id.desc())
    .limit(5)
)


def build_app() -> Starlette:
    """The baseline site: one route, the article page; the engine is made at startup."""
    engines: list[Engine] = []

    async def article(request: Request) -> Response:
        with engines[0].connect() as conn:
            found = conn.execute(
                ARTICLE.where(articles.c.slug == request.path_params["slug"])
            ).first()
            if found is None:
                return HTMLResponse("<h1>Not found</h1>", status_code=404)
            page = found._asdict()
            page["published_at"] = utc(found.published_at)
            rel = conn.execute(RELATED.where(related.c.article_id == found.id))
            rec = conn.execute(RECENT.where(articles.c.id != found.id))
            lists = [
                ("Related articles", [_item(r) for r in rel]),
                ("Recent articles", [_item(r) for r in rec]),
            ]
        return HTMLResponse(template.render(a=page, lists=lists))

    return Starlette(
        routes=[Route("/{year:int}/{month:int}/{day:int}/{slug}", article)],
        lifespan=engine_lifespan(engines),
    )


app = build_app()
