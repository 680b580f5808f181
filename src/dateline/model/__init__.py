"""The content model: plain typed objects and pure rules, with no I/O.

Modules:
- ``article``: ``Article``, ``Block``, ``Author``, ``Section``, ``Topic``, ``Correction``,
  ``Source``, ``Status`` and the list entries ``ArticleSummary`` and ``RelatedLink``.
- ``slug``: slugs and unique slugs.
- ``text``: plain text out of sanitized block HTML.
- ``weather``: ``Observation`` (the weather cache's value), ``WeatherLocation``, ``ProviderState``.
- ``user``: ``User``, ``Role``, ``Permission``: newsroom accounts and what each role may do.
- ``feed_source``: ``FeedSource``, a feed or wire endpoint ingest polls, and its backoff.
- ``search``: ``SearchQuery``, ``SearchHit``, ``SearchResults`` and reading a reader's terms.
- ``purge``: ``PagePurge``, one change to what the site shows, for the page caches.
- ``errors``: the errors dateline raises on purpose.
- ``pickling``: ``by_fields``, cheaper pickling of the dataclasses that cross between
  processes (ingest's feed readers send parsed articles back).

It imports nothing of dateline's: everything else depends on it.
"""

from dateline.model.article import (
    Article,
    ArticleSummary,
    Author,
    Block,
    BlockKind,
    Correction,
    RelatedLink,
    Section,
    Source,
    Status,
    Topic,
)
from dateline.model.errors import (
    DatelineError,
    EditConflict,
    InvalidItem,
    NotAllowed,
    NotFound,
    StoreUnavailable,
)
from dateline.model.feed_source import FeedSource
from dateline.model.purge import Listing, PagePurge, Scope
from dateline.model.search import SearchHit, SearchQuery, SearchResults
from dateline.model.user import Permission, Role, User, allowed_roles
from dateline.model.weather import Observation, ProviderState, WeatherLocation

__all__ = [
    "Article",
    "ArticleSummary",
    "Author",
    "Block",
    "BlockKind",
    "Correction",
    "DatelineError",
    "EditConflict",
    "FeedSource",
    "InvalidItem",
    "Listing",
    "NotAllowed",
    "NotFound",
    "Permission",
    "Observation",
    "PagePurge",
    "ProviderState",
    "RelatedLink",
    "Role",
    "Scope",
    "SearchHit",
    "SearchQuery",
    "SearchResults",
    "Section",
    "Source",
    "Status",
    "StoreUnavailable",
    "Topic",
    "User",
    "WeatherLocation",
    "allowed_roles",
]
