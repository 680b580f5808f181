"""B2, the baseline of issue #8: a minimal Starlette and Jinja2 app rendering the same page.

The issue's B2 is "a minimal Starlette and Jinja2 app doing the same three queries and
rendering the same page without cache". This one renders dateline's article page byte for
byte (the benchmarks check it: ``servers.check_same_page``) the way a plain app would:

- per request, on one connection, with SQLAlchemy Core statements written at import: the
  article by slug with its section, then what the page shows beside it, one query each:
  its bylines, its topics, its corrections, its related list, the five newest articles,
  the navigation's sections and the weather observation of the site's city;
- one inline template, compiled at import, with the page's markup (head, social tags,
  JSON-LD, masthead with the weather widget and the sections, the story, the lists);
- the structured data built as a dict and written with ``json.dumps``.

It shows what the benchmark archive's articles have: it does not parse credit lines into
``contributor`` entries, place images in the JSON-LD, or show a syndicated article's
source; the weather widget covers a fresh observation and one gone stale (``as of``). The
site's settings come from the same variables as dateline's (``DATELINE_SITE_NAME``,
``DATELINE_SITE_URL``, ``DATELINE_TIMEZONE``, ``DATELINE_WEATHER_CITY``); the database URL
from ``BENCH_DATABASE_URL``::

    BENCH_DATABASE_URL=sqlite:////tmp/x/dateline.db python -m uvicorn benchmarks.baseline_app:app

``benchmarks.baseline_lite`` is the smaller page measured before (three queries, no
bylines, navigation, weather or structured data).
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from jinja2 import Environment
from markupsafe import Markup
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
    select,
)
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.routing import Route

# the two lists are queried as B2-lite queries them (its ``articles`` is ``listed`` here)
from benchmarks.baseline_lite import RECENT, RELATED, engine_lifespan, related, utc
from benchmarks.baseline_lite import articles as listed
from dateline.weather.conditions import LABELS

STATIC = Path(__file__).resolve().parent.parent / "src" / "dateline" / "web" / "static"
FRESH = timedelta(minutes=60)  # dateline's weather rules: shown plain, then "as of"
STALE = timedelta(hours=3)
MONTHS = (
    "January February March April May June July August September October November December"
).split()

metadata = MetaData()
sections = Table(
    "sections",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("slug", String),
    Column("name", String),
    Column("position", Integer),
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
    Column("credit_line", String),
    Column("section_id", Integer),
    Column("status", String),
    Column("language", String),
    Column("canonical_url", String),
    Column("published_at", DateTime(timezone=True)),
    Column("updated_at", DateTime(timezone=True)),
)
authors = Table(
    "authors",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("slug", String),
    Column("name", String),
)
article_authors = Table(
    "article_authors",
    metadata,
    Column("article_id", Integer),
    Column("author_id", Integer),
    Column("position", Integer),
)
topics = Table(
    "topics", metadata, Column("id", Integer), Column("slug", String), Column("name", String)
)
article_topics = Table(
    "article_topics", metadata, Column("article_id", Integer), Column("topic_id", Integer)
)
corrections = Table(
    "corrections",
    metadata,
    Column("id", Integer),
    Column("article_id", Integer),
    Column("text", String),
    Column("created_at", DateTime(timezone=True)),
)
observations = Table(
    "weather_observations",
    metadata,
    Column("location", String),
    Column("city", String),
    Column("temperature_c", Float),
    Column("condition", String),
    Column("observed_at", DateTime(timezone=True)),
    Column("attribution", String),
)

ARTICLE = (
    select(articles, sections.c.slug.label("section_slug"), sections.c.name.label("section_name"))
    .join(sections, sections.c.id == articles.c.section_id)
    .where(articles.c.status == "published")
)
BYLINES = (
    select(authors.c.slug, authors.c.name)
    .join(article_authors, article_authors.c.author_id == authors.c.id)
    .order_by(article_authors.c.position)
)
TOPICS = (
    select(topics.c.slug, topics.c.name)
    .join(article_topics, article_topics.c.topic_id == topics.c.id)
    .order_by(topics.c.name)
)
CORRECTIONS = select(corrections.c.text, corrections.c.created_at).order_by(
    corrections.c.created_at, corrections.c.id
)
SECTIONS = select(sections.c.slug, sections.c.name).order_by(sections.c.position, sections.c.name)
WEATHER = select(observations)

PAGE = """<!doctype html>
<html lang="{{ a.language }}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{ a.headline }} · {{ site.name }}</title>
<link rel="canonical" href="{{ canonical }}">
{% if a.deck %}<meta name="description" content="{{ a.deck }}">{% endif %}
{% for attribute, key, content in social %}
<meta {{ attribute }}="{{ key }}" content="{{ content }}">
{% endfor %}
<script type="application/ld+json">{{ ld|safe }}</script>
{% for file, type, label in feeds %}
<link rel="alternate" type="{{ type }}" title="{{ site.name }} ({{ label }})" \
href="{{ site.url }}/{{ file }}">
{% endfor %}
<link rel="icon" href="data:,">
<link rel="stylesheet" href="{{ site.css }}">
</head>
<body>
<a class="skip-link" href="#main">Skip to content</a>
<header class="masthead">
  <div class="masthead-bar">
    {%+ if weather %}<div class="weather" role="group" aria-label="Current weather">
  <span class="weather-temp">{{ weather.temperature }}</span>
  <span class="weather-city">{{ weather.city }}</span>
  {% if weather.as_of %}<span class="weather-asof">{{ weather.as_of }}</span>{% endif %}
  {% if weather.condition %}
<svg class="weather-icon" role="img" aria-label="{{ weather.label }}" viewBox="0 0 32 32" \
width="28" height="28" fill="none" stroke="currentColor" stroke-width="2" \
stroke-linecap="round" stroke-linejoin="round">
{% set key = weather.condition %}
{% if key == "clear" %}<g transform="translate(4 4)">{{ sun }}</g>
{% elif key == "partly-cloudy" %}<g transform="scale(.8)">{{ sun }}</g>{{ cloud }}
{% elif key == "cloudy" %}{{ cloud }}
{% elif key == "fog" %}<path d="M5 11h22M3 16h26M5 21h22M9 26h14"/>
{% elif key in ("drizzle", "rain", "showers") %}{{ low_cloud }}<path d="M11 24l-1 4M17 24l-1 4\
{% if key != "drizzle" %}M23 24l-1 4{% endif %}"/>
{% elif key in ("snow", "sleet") %}{{ low_cloud }}\
<path d="M11 25v3M9.5 26.5h3M19 25v3M17.5 26.5h3"/>\
{% if key == "sleet" %}<path d="M24 24l-1 4"/>{% endif %}
{% elif key == "thunder" %}{{ low_cloud }}<path d="M17 21l-3 5h4l-3 5"/>
{% endif %}
</svg>
  {% endif %}
</div>
{% endif %}

    <a class="site-name" href="/">{{ site.name }}</a>
    <form class="masthead-search" role="search" aria-label="Site" method="get" action="/search">
      <label for="masthead-q">Search</label>
      <input id="masthead-q" name="q" type="search">
      <button type="submit">Go</button>
    </form>
  </div>
  <nav class="sections" aria-label="Sections">
    <ul>
      <li><a href="/">Home</a></li>
      {% for s in nav %}
      <li><a href="/section/{{ s.slug }}">{{ s.name }}</a></li>
      {% endfor %}
    </ul>
  </nav>
</header>
<main id="main" tabindex="-1">
<article class="story">
  <header class="story-header">
    <p class="kicker"><a href="/section/{{ a.section_slug }}">{{ a.section_name }}</a></p>
    <h1 class="headline">{{ a.headline }}</h1>
    {% if a.deck %}<p class="deck">{{ a.deck }}</p>{% endif %}
    <div class="byline">
      {% if bylines %}
      <p class="authors">By {% for b in bylines %}{% if not loop.first %}\
{% if loop.last %} and {% else %}, {% endif %}{% endif %}\
<a href="/author/{{ b.slug }}">{{ b.name }}</a>{% endfor %}</p>
      {% endif %}
      <p class="times">
        {% if a.published_iso %}Published <time datetime="{{ a.published_iso }}">\
{{ a.published_text }}</time>{% endif %}
        {% if a.updated_text %}<br>Updated <time datetime="{{ a.updated_iso }}">\
{{ a.updated_text }}</time>{% endif %}
      </p>
    </div>
  </header>
  <div class="story-body">
    {% for b in a.body %}
    {% if loop.first and a.dateline %}
    <p><span class="dateline">{{ a.dateline }} — </span>{{ b.html|safe }}</p>
    {% else %}
    {{ "<p>"|safe }}{{ b.html|safe }}{{ "</p>\n"|safe }}
    {% endif %}
    {% endfor %}
  </div>
  {% if a.credit_line %}
  <p class="credit-line">{{ a.credit_line }}</p>
  {% endif %}
  {% if fixes %}
  <section class="corrections" aria-labelledby="corrections-heading">
    <h2 id="corrections-heading">Corrections</h2>
    <ul>
      {% for c in fixes %}
      <li><time datetime="{{ c.iso }}">{{ c.when }}</time>: {{ c.text }}</li>
      {% endfor %}
    </ul>
  </section>
  {% endif %}
  {% if subjects %}
  <p class="topics">Topics: {% for t in subjects %}<a href="/topic/{{ t.slug }}">\
{{ t.name }}</a>{% if not loop.last %}, {% endif %}{% endfor %}</p>
  {% endif %}
</article>
<div class="more">
{% for heading, anchor, items in lists %}
  {% if items %}
  <section class="story-list" aria-labelledby="{{ anchor }}">
  <h2 id="{{ anchor }}">{{ heading }}</h2>
  <ul>
    {% for item in items %}
    <li>
      <a href="{{ item.path }}">{{ item.headline }}</a>
<time datetime="{{ item.iso }}">{{ item.date }}</time>    </li>
    {% endfor %}
  </ul>
</section>

  {% endif %}
{% endfor %}
</div>
</main>
<footer class="site-footer">
  <p>{{ site.name }} · Powered by dateline</p>
{% if weather and weather.attribution %}<p class="attribution">{{ weather.attribution }}</p>\
{% endif %}
  <form class="weather-city-form" method="post" action="/weather/city">
    <input type="hidden" name="next" value="{{ path }}">
    <label for="weather-city">Weather for another city</label>
    <input id="weather-city" name="city" type="text" maxlength="80" \
autocomplete="address-level2" placeholder="City name">
    <button type="submit">Show</button>
  </form>
</footer>
</body>
</html>
"""
FEEDS = (
    ("rss.xml", "application/rss+xml", "RSS"),
    ("atom.xml", "application/atom+xml", "Atom"),
    ("feed.json", "application/feed+json", "JSON Feed"),
)
ICONS = {
    "sun": '<circle cx="12" cy="12" r="5"/><path d="M12 2v2M12 20v2M2 12h2M20 12h2M4.9 4.9l1.4 '
    '1.4M17.7 17.7l1.4 1.4M4.9 19.1l1.4-1.4M17.7 6.3l1.4-1.4"/>',
    "cloud": '<path d="M9 25h15a5 5 0 0 0 0-10 7 7 0 0 0-13.5 1.5A4.3 4.3 0 0 0 9 25z"/>',
    "low_cloud": '<path d="M9 20h15a5 5 0 0 0 0-10 7 7 0 0 0-13.5 1.5A4.3 4.3 0 0 0 9 20z"/>',
}
template = Environment(autoescape=True, trim_blocks=True, lstrip_blocks=True).from_string(PAGE)
template.globals.update({k: Markup(v) for k, v in ICONS.items()})
_UNSAFE = {"<": "\\u003c", ">": "\\u003e", "&": "\\u0026", "\u2028": "\\u2028", "\u2029": "\\u2029"}
_UNSAFE_RE = re.compile("[<>&\u2028\u2029]")


def _site() -> dict[str, Any]:
    """The site's settings, from dateline's variables (with dateline's defaults)."""
    url = os.environ.get("DATELINE_SITE_URL", "http://127.0.0.1:8000").rstrip("/")
    css = hashlib.sha256((STATIC / "site.css").read_bytes()).hexdigest()[:12]
    logo = hashlib.sha256((STATIC / "logo.svg").read_bytes()).hexdigest()[:12]
    return {
        "name": os.environ.get("DATELINE_SITE_NAME", "The Dateline"),
        "url": url,
        "css": f"/static/{css}/site.css",
        "logo": f"{url}/static/{logo}/logo.svg",
        "tz": ZoneInfo(os.environ.get("DATELINE_TIMEZONE", "UTC")),
        "city": os.environ.get("DATELINE_WEATHER_CITY", "New York"),
    }


def _date(value: datetime, tz: ZoneInfo) -> str:
    when = value.astimezone(tz)
    return f"{MONTHS[when.month - 1]} {when.day}, {when.year}"


def _date_time(value: datetime, tz: ZoneInfo) -> str:
    when = value.astimezone(tz)
    hour = when.hour % 12 or 12
    meridiem = "a.m." if when.hour < 12 else "p.m."
    return f"{_date(value, tz)} at {hour}:{when.minute:02d} {meridiem} {when.tzname()}"


def _iso(value: datetime) -> str:
    return value.isoformat(timespec="seconds")


def _item(row: Any, tz: ZoneInfo) -> dict[str, Any]:
    when = utc(row.published_at)
    return {
        "headline": row.headline,
        "path": f"/{when:%Y/%m/%d}/{row.slug}",
        "iso": _iso(when),
        "date": _date(when, tz),
    }


def _place(dateline: str) -> str:
    """The dateline as a place name (``TEL AVIV`` as ``Tel Aviv``), as dateline writes it."""
    text = " ".join(dateline.split())
    city, comma, rest = text.partition(",")
    if city.isupper():
        city = re.sub(r"[^\W\d_][^\s\-]*", lambda m: m.group()[0] + m.group()[1:].lower(), city)
    return f"{city.strip()}{comma}{rest}" if comma else city


def _printed_dateline(dateline: str) -> str:
    text = " ".join(dateline.split())
    city, comma, rest = text.partition(",")
    return f"{city.strip().upper()},{rest}" if comma else city.upper()


def _shorten(text: str, limit: int) -> str:
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    if " " in cut:
        cut = cut.rsplit(" ", 1)[0]
    return cut.rstrip(" ,;:.") + "…"


def _structured(
    page: dict[str, Any],
    bylines: Sequence[Any],
    subjects: Sequence[Any],
    fixes: list[Any],
    site: Any,
) -> dict[str, Any]:
    """The page's schema.org ``NewsArticle``."""
    url = page["canonical"]
    data: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "mainEntityOfPage": {"@type": "WebPage", "@id": url},
        "url": url,
        "headline": _shorten(page["headline"], 110),
    }
    if page["deck"]:
        data["description"] = page["deck"]
    data["datePublished"] = page["published_at"].isoformat()
    times = [page["published_at"], page["updated_at"], *(f["at"] for f in fixes)]
    data["dateModified"] = max(t for t in times if t is not None).isoformat()
    data["author"] = [
        {"@type": "Person", "name": b.name, "url": f"{site['url']}/author/{b.slug}"}
        for b in bylines
    ] or [{"@type": "NewsMediaOrganization", "name": site["name"], "url": site["url"] + "/"}]
    if page["dateline"]:
        data["locationCreated"] = {"@type": "Place", "name": _place(page["dateline"])}
    data["publisher"] = {
        "@type": "NewsMediaOrganization",
        "name": site["name"],
        "url": site["url"] + "/",
        "logo": {"@type": "ImageObject", "url": site["logo"]},
    }
    data["isAccessibleForFree"] = True
    data["articleSection"] = page["section_name"]
    if subjects:
        data["keywords"] = [t.name for t in subjects]
    data["inLanguage"] = page["language"]
    if fixes:
        data["correction"] = [
            {"@type": "CorrectionComment", "text": f["text"], "datePublished": f["at"].isoformat()}
            for f in fixes
        ]
    return data


def _social(data: dict[str, Any], site_name: str) -> list[tuple[str, str, str]]:
    """The OpenGraph and Twitter tags, from the structured data."""
    tags = [
        ("property", "og:type", "article"),
        ("property", "og:title", data["headline"]),
        ("property", "og:url", data["url"]),
        ("property", "og:site_name", site_name),
    ]
    if "description" in data:
        tags.append(("property", "og:description", data["description"]))
    tags.append(("property", "og:locale", data["inLanguage"].replace("-", "_")))
    tags.append(("property", "article:published_time", data["datePublished"]))
    tags.append(("property", "article:modified_time", data["dateModified"]))
    tags.append(("property", "article:section", data["articleSection"]))
    tags.extend(("property", "article:tag", k) for k in data.get("keywords", []))
    tags.extend(
        ("property", "article:author", a["url"]) for a in data["author"] if a["@type"] == "Person"
    )
    tags.append(("name", "twitter:card", "summary"))
    tags.append(("name", "twitter:title", data["headline"]))
    if "description" in data:
        tags.append(("name", "twitter:description", data["description"]))
    return tags


def _weather(row: Any, now: datetime, tz: ZoneInfo) -> dict[str, str] | None:
    """The widget for the city's observation: none once stale, "as of" after an hour."""
    if row is None:
        return None
    observed = utc(row.observed_at)
    age = now - observed
    if age > STALE or age < -timedelta(minutes=10):
        return None
    as_of = f"as of {observed.astimezone(tz):%H:%M}" if age > FRESH else ""
    return {
        "temperature": f"{row.temperature_c:.1f} C",
        "city": row.city,
        "as_of": as_of,
        "condition": row.condition,
        "label": LABELS.get(row.condition, ""),
        "attribution": row.attribution,
    }


def build_app() -> Starlette:
    """The baseline site: one route, the article page; the engine is made at startup."""
    engines: list[Engine] = []
    site = _site()
    tz = site["tz"]

    async def article(request: Request) -> Response:
        with engines[0].connect() as conn:
            found = conn.execute(
                ARTICLE.where(articles.c.slug == request.path_params["slug"])
            ).first()
            if found is None:
                return HTMLResponse("<h1>Not found</h1>", status_code=404)
            bylines = conn.execute(BYLINES.where(article_authors.c.article_id == found.id)).all()
            subjects = conn.execute(TOPICS.where(article_topics.c.article_id == found.id)).all()
            fixes = [
                {"text": r.text, "at": utc(r.created_at)}
                for r in conn.execute(CORRECTIONS.where(corrections.c.article_id == found.id))
            ]
            rel = conn.execute(RELATED.where(related.c.article_id == found.id)).all()
            rec = conn.execute(RECENT.where(listed.c.id != found.id)).all()
            nav = conn.execute(SECTIONS).all()
            observed = conn.execute(WEATHER.where(observations.c.location == site["city"])).first()
        page = found._asdict()
        published = page["published_at"] = utc(found.published_at)
        updated = page["updated_at"] = utc(found.updated_at) if found.updated_at else None
        path = f"/{published:%Y/%m/%d}/{found.slug}"
        page["canonical"] = found.canonical_url or site["url"] + path
        page["dateline"] = _printed_dateline(found.dateline)
        page["published_iso"] = _iso(published)
        page["published_text"] = _date_time(published, tz)
        later = updated is not None and updated > published
        page["updated_iso"] = _iso(updated) if later and updated else ""
        page["updated_text"] = _date_time(updated, tz) if later and updated else ""
        data = _structured(page, bylines, subjects, fixes, site)
        ld = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
        ld = _UNSAFE_RE.sub(lambda m: _UNSAFE[m.group()], ld)
        html = template.render(
            a=page,
            site=site,
            path=path,
            canonical=page["canonical"],
            social=_social(data, site["name"]),
            ld=ld,
            feeds=FEEDS,
            weather=_weather(observed, datetime.now(UTC), tz),
            nav=nav,
            bylines=bylines,
            subjects=subjects,
            fixes=[
                {"iso": _iso(f["at"]), "when": _date_time(f["at"], tz), "text": f["text"]}
                for f in fixes
            ],
            lists=[
                ("Related articles", "related-heading", [_item(r, tz) for r in rel]),
                ("Recent articles", "recent-heading", [_item(r, tz) for r in rec]),
            ],
        )
        return HTMLResponse(html)

    return Starlette(
        routes=[Route("/{year:int}/{month:int}/{day:int}/{slug}", article)],
        lifespan=engine_lifespan(engines),
    )


app = build_app()
