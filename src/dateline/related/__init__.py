"""Related articles: a ranking computed when articles are published, never on page view.

Modules:
- ``scoring``: pure ranking, TF-IDF cosine over headline, deck and body with a
  preference for articles close in time; documents in, ranked ids out.
- ``refresh``: recompute on publish (and in bulk) and write the stored lists.

It imports ``store`` and ``model``.
"""
