"""dateline: a self-hostable news publishing engine.

Packages, from the center out: ``model`` (plain typed objects), ``store`` (SQLite or
PostgreSQL behind one interface), ``related`` and ``weather`` (ranking and the weather
cache), ``publish`` (the one publish path), ``ingest`` (wire and Markdown import),
``demo`` (the demo newsroom), ``web`` (the ASGI site) and ``cli`` (the ``dateline``
command). ``config`` declares the settings; ``testing`` holds helpers for tests and
benchmarks.
"""

from dateline.model import (
    Article,
    ArticleSummary,
    Author,
    Block,
    BlockKind,
    Correction,
    Observation,
    Section,
    Source,
    Status,
    Topic,
)

__version__ = "0.1.0"

__all__ = [
    "Article",
    "ArticleSummary",
    "Author",
    "Block",
    "BlockKind",
    "Correction",
    "Observation",
    "Section",
    "Source",
    "Status",
    "Topic",
    "__version__",
]
