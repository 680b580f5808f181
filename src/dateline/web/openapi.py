"""The OpenAPI 3.1 description of the JSON API, as data, served at ``/api/openapi.json``.

Written by hand: reusable component schemas for what the views in ``web/views/api.py``
(and ``/api/search``) really answer, and one entry per operation. Tests check answers
against these schemas and run a property-based test (schemathesis) over the document.
"""

from __future__ import annotations

from typing import Any

from dateline import __version__
from dateline.model.slug import MAX_SLUG

JSON = "application/json"
MAX_LIMIT = 100
MAX_OFFSET = 10_000_000
MAX_ID = 2**31 - 1  # article ids are 32-bit integers in the store
NEWEST = 10  # articles in a section's, author's or topic's own answer
SLUG_PATTERN = "^[a-z0-9][a-z0-9-]*$"
DATE_PATTERN = r"^\d{4}-\d{2}-\d{2}$"

Schema = dict[str, Any]


def ref(name: str) -> Schema:
    return {"$ref": f"#/components/schemas/{name}"}


def obj(properties: dict[str, Schema], description: str = "") -> Schema:
    """A closed object: every property required, no others."""
    schema: Schema = {
        "type": "object",
        "properties": properties,
        "required": list(properties),
        "additionalProperties": False,
    }
    if description:
        schema["description"] = description
    return schema


def array(items: Schema) -> Schema:
    return {"type": "array", "items": items}


STRING: Schema = {"type": "string"}
INTEGER: Schema = {"type": "integer"}
PATH: Schema = {"type": "string", "description": "A path on this site, from its root."}
TIME: Schema = {"type": "string", "format": "date-time"}
MAYBE_TIME: Schema = {"type": ["string", "null"], "format": "date-time"}
SLUG: Schema = {"type": "string", "pattern": SLUG_PATTERN, "maxLength": MAX_SLUG}


def _summary_properties() -> dict[str, Schema]:
    return {
        "id": INTEGER,
        "headline": STRING,
        "url": PATH,
        "published_at": MAYBE_TIME,
        "section": {**SLUG, "description": "The slug of the article's section."},
    }


def _filed_properties(kind: str, bio: bool = False) -> dict[str, Schema]:
    properties: dict[str, Schema] = {"slug": SLUG, "name": STRING}
    if bio:
        properties["bio"] = STRING
    properties.update(
        {
            "url": {**PATH, "description": f"The {kind}'s page on the site."},
            "api_url": {**PATH, "description": f"This {kind} in the API, with its newest."},
            "articles_url": {**PATH, "description": f"The {kind}'s articles in the API, paged."},
            "article_count": {**INTEGER, "minimum": 0, "description": "Published articles."},
        }
    )
    return properties


def _page_of(item: str) -> Schema:
    return obj(
        {
            "items": array(ref(item)),
            "limit": {**INTEGER, "minimum": 1, "maximum": MAX_LIMIT},
            "offset": {**INTEGER, "minimum": 0},
            "total": {**INTEGER, "minimum": 0, "description": "Matches in all, not this page."},
        },
        f"One page of a list of {item} values.",
    )


def schemas() -> dict[str, Schema]:
    """The component schemas, by name."""
    block = {
        "type": "object",
        "description": "One block of the body; fields at their default are left out.",
        "properties": {
            "kind": {"enum": ["paragraph", "quote", "heading", "list", "image"]},
            "html": {**STRING, "description": "Sanitized inline HTML."},
            "items": array(STRING),
            "level": {**INTEGER, "minimum": 2, "maximum": 6},
            "ordered": {"type": "boolean"},
            "src": STRING,
            "alt": STRING,
            "caption": STRING,
            "credit": STRING,
        },
        "required": ["kind"],
        "additionalProperties": False,
    }
    summary = _summary_properties()
    return {
        "ArticleSummary": obj(summary, "An article as an entry of a list."),
        "RelatedArticle": obj(
            {
                **summary,
                "score": {"type": "number"},
                "reasons": {
                    "type": "object",
                    "additionalProperties": {"type": "number"},
                    "description": "The parts of the score, or pinned: 1 for an editor's pick.",
                },
            },
            "An entry of an article's related list.",
        ),
        "Block": block,
        "Article": obj(
            {
                "id": INTEGER,
                "uid": STRING,
                "url": PATH,
                "absolute_url": {**STRING, "format": "uri"},
                "headline": STRING,
                "deck": STRING,
                "dateline": STRING,
                "body": array(ref("Block")),
                "credit_line": STRING,
                "bylines": array(obj({"name": STRING, "url": PATH})),
                "section": obj({"slug": SLUG, "name": STRING}),
                "topics": array(obj({"slug": SLUG, "name": STRING})),
                "status": {"const": "published"},
                "published_at": MAYBE_TIME,
                "updated_at": MAYBE_TIME,
                "language": STRING,
                "source": obj(
                    {"kind": STRING, "publisher": STRING, "url": STRING, "item_id": STRING}
                ),
                "canonical_url": {**STRING, "description": "Set when the original is elsewhere."},
                "corrections": array(obj({"text": STRING, "created_at": TIME})),
                "related": array(ref("RelatedArticle")),
                "recent": array(ref("ArticleSummary")),
            },
            "One published article, whole, with its related and recent lists.",
        ),
        "ArticleList": _page_of("ArticleSummary"),
        "Section": obj(_filed_properties("section"), "A section with its links."),
        "Author": obj(_filed_properties("author", bio=True), "An author with their links."),
        "Topic": obj(_filed_properties("topic"), "A topic with its links."),
        "SectionList": _page_of("Section"),
        "AuthorList": _page_of("Author"),
        "TopicList": _page_of("Topic"),
        "SectionDetail": _detail("section"),
        "AuthorDetail": _detail("author", bio=True),
        "TopicDetail": _detail("topic"),
        "SearchHit": {
            "type": "object",
            "properties": {
                **summary,
                "snippet": {**STRING, "description": "Matching text, terms in <mark>."},
                "rank": {"type": "number"},
            },
            "required": [*summary, "snippet", "rank"],
        },
        "SearchResults": {
            "type": "object",
            "properties": {
                "query": STRING,
                "items": array(ref("SearchHit")),
                "page": {**INTEGER, "minimum": 1},
                "per_page": {**INTEGER, "minimum": 1},
                "total": {**INTEGER, "minimum": 0},
                "capped": {
                    "type": "boolean",
                    "description": "True when total stops at the search's ceiling.",
                },
            },
            "required": ["query", "items", "page", "per_page", "total", "capped"],
        },
        "Error": obj(
            {"error": STRING, "field": {**STRING, "description": "The parameter at fault."}},
            "A request the API cannot answer as asked.",
        ),
        "NotFound": obj({"error": STRING, "path": STRING}, "Nothing is published at this path."),
    }


def _detail(kind: str, bio: bool = False) -> Schema:
    return obj(
        {**_filed_properties(kind, bio), "articles": array(ref("ArticleSummary"))},
        f"A {kind} with its newest published articles ({NEWEST} at most).",
    )


def _query(name: str, schema: Schema, description: str, required: bool = False) -> Schema:
    return {
        "name": name,
        "in": "query",
        "required": required,
        "description": description,
        "schema": schema,
    }


def parameters() -> dict[str, Schema]:
    """The reusable parameters, by name."""
    date: Schema = {"type": "string", "format": "date", "pattern": DATE_PATTERN}
    return {
        "limit": _query(
            "limit",
            {**INTEGER, "minimum": 1, "maximum": MAX_LIMIT, "default": 20},
            "How many items at most.",
        ),
        "offset": _query(
            "offset",
            {**INTEGER, "minimum": 0, "maximum": MAX_OFFSET, "default": 0},
            "How many items to skip.",
        ),
        "since": _query("since", date, "Published on or after this day (UTC), YYYY-MM-DD."),
        "until": _query("until", date, "Published on or before this day (UTC), YYYY-MM-DD."),
        "slug": {
            "name": "slug",
            "in": "path",
            "required": True,
            "schema": SLUG,
            "description": "The slug, as in the site's URLs.",
        },
    }


def _param(name: str) -> Schema:
    return {"$ref": f"#/components/parameters/{name}"}


def _json(schema: Schema, description: str, cached: bool = True) -> Schema:
    response: Schema = {"description": description, "content": {JSON: {"schema": schema}}}
    if cached:
        response["headers"] = {
            name: {"$ref": f"#/components/headers/{name}"}
            for name in ("ETag", "Cache-Control", "Surrogate-Key")
        }
    return response


def headers() -> dict[str, Schema]:
    return {
        "ETag": {
            "description": "Strong validator of the body; send it back in If-None-Match.",
            "schema": STRING,
        },
        "Cache-Control": {
            "description": "public, max-age and stale-while-revalidate, for browsers and CDNs.",
            "schema": STRING,
        },
        "Surrogate-Key": {
            "description": "Space-separated names of what the answer shows, for CDN purges.",
            "schema": STRING,
        },
    }


def responses() -> dict[str, Schema]:
    return {
        "BadRequest": _json(ref("Error"), "A parameter is wrong; field names it.", cached=False),
        "NotFound": _json(ref("NotFound"), "No such published thing.", cached=False),
        "NotModified": {"description": "The copy named by If-None-Match is still current."},
    }


def _operation(
    operation_id: str,
    summary: str,
    tag: str,
    params: list[Schema],
    ok: Schema,
    ok_description: str,
    errors: tuple[str, ...],
) -> Schema:
    answers: dict[str, Schema] = {"200": _json(ok, ok_description)}
    answers["304"] = {"$ref": "#/components/responses/NotModified"}
    for status, name in (("400", "BadRequest"), ("404", "NotFound")):
        if name in errors:
            answers[status] = {"$ref": f"#/components/responses/{name}"}
    return {
        "get": {
            "operationId": operation_id,
            "summary": summary,
            "tags": [tag],
            "parameters": params,
            "responses": answers,
        }
    }


def _filter(kind: str) -> Schema:
    return _query(kind, SLUG, f"Only articles of this {kind} (its slug).")


def paths() -> dict[str, Schema]:
    paging = [_param("limit"), _param("offset")]
    slug = [_param("slug")]
    found = ("NotFound",)
    bad = ("BadRequest",)
    article_id = {
        "name": "id",
        "in": "path",
        "required": True,
        "schema": {**INTEGER, "minimum": 1, "maximum": MAX_ID},
    }
    search_params = [
        _query("q", {**STRING, "minLength": 1}, "The words to find.", required=True),
        _filter("section"),
        _param("since"),
        _param("until"),
        _query("page", {**INTEGER, "minimum": 1, "default": 1}, "Which page of results."),
        _query("per_page", {**INTEGER, "minimum": 1}, "Results per page."),
    ]
    return {
        "/api/articles": _operation(
            "listArticles",
            "Published articles, newest first, filtered and paged",
            "articles",
            [*paging, _filter("section"), _filter("author"), _filter("topic")]
            + [_param("since"), _param("until")],
            ref("ArticleList"),
            "A page of article summaries.",
            bad,
        ),
        "/api/articles/{id}": _operation(
            "getArticle",
            "One published article, whole, with its related and recent lists",
            "articles",
            [article_id],
            ref("Article"),
            "The article.",
            found,
        ),
        "/api/sections": _operation(
            "listSections",
            "The sections, in navigation order",
            "sections",
            paging,
            ref("SectionList"),
            "A page of sections.",
            bad,
        ),
        "/api/sections/{slug}": _operation(
            "getSection",
            "One section and its newest articles",
            "sections",
            slug,
            ref("SectionDetail"),
            "The section.",
            found,
        ),
        "/api/authors": _operation(
            "listAuthors",
            "Authors with published articles, by name",
            "authors",
            paging,
            ref("AuthorList"),
            "A page of authors.",
            bad,
        ),
        "/api/authors/{slug}": _operation(
            "getAuthor",
            "One author and their newest articles",
            "authors",
            slug,
            ref("AuthorDetail"),
            "The author.",
            found,
        ),
        "/api/topics": _operation(
            "listTopics",
            "Topics with published articles, by name",
            "topics",
            paging,
            ref("TopicList"),
            "A page of topics.",
            bad,
        ),
        "/api/topics/{slug}": _operation(
            "getTopic",
            "One topic and its newest articles",
            "topics",
            slug,
            ref("TopicDetail"),
            "The topic.",
            found,
        ),
        "/api/search": _operation(
            "search",
            "Full-text search of published articles, best match first",
            "search",
            search_params,
            ref("SearchResults"),
            "A page of results.",
            bad,
        ),
    }


def document() -> Schema:
    """The whole OpenAPI 3.1 document."""
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "dateline JSON API",
            "version": __version__,
            "description": (
                "Read-only access to what a dateline site publishes. Lists are paged with "
                "limit and offset and say their total; answers carry an ETag (send it back "
                "in If-None-Match for a 304), Cache-Control and Surrogate-Key."
            ),
        },
        "paths": paths(),
        "components": {
            "schemas": schemas(),
            "parameters": parameters(),
            "headers": headers(),
            "responses": responses(),
        },
    }
