"""The ASGI site: reader pages, the JSON API and static files.

Modules:
- ``app``: ``create_app(settings)``, the one factory; opens the store in the lifespan.
- ``asgi``: app factories that ASGI servers import in each worker process.
- ``server``: runs the site under granian or uvicorn with N worker processes.
- ``routes``: the whole URL map in one table.
- ``views/``: thin handlers, one module per kind of page.
- ``contexts``: one documented dataclass per page template.
- ``templating``: the Jinja environment, filters and content-hashed static URLs.
- ``caching``: ETag and 304, Cache-Control, Vary and Surrogate-Key on public answers.
- ``openapi``: the OpenAPI 3.1 document of the JSON API, as data.
- ``templates/``, ``static/``: the theme.

It may import everything below it; nothing below imports it.
"""
