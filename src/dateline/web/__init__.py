"""The ASGI site: reader pages, the JSON API and static files.

Modules:
- ``app``: ``create_app(settings)``, the one factory; opens the store in the lifespan.
- ``routes``: the whole URL map in one table.
- ``views/``: thin handlers, one module per kind of page.
- ``contexts``: one documented dataclass per page template.
- ``templating``: the Jinja environment, filters and content-hashed static URLs.
- ``templates/``, ``static/``: the theme.

It may import everything below it; nothing below imports it.
"""
