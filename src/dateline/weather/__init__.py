"""The weather widget's data: a cache kept in the store, read by pages.

Modules:
- ``cache``: read the latest observation for a city and decide what the widget shows,
  by the data's own age. Pages only ever read this; they never call a provider.

Providers and the background refresh that fill the cache arrive as adapters beside
``cache`` (see docs/architecture.md, "The weather seam"). It imports ``store``, ``model``.
"""
