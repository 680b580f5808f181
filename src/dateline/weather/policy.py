"""When to ask a provider again: pure rules for success, revalidation and each failure kind.

- A success or a 304 waits until the provider's ``Expires`` (MET Norway forbids asking
  earlier) or, without one, ``REFRESH``.
- 429 honours ``Retry-After`` (capped at a day); without it, backs off as a 5xx does.
- 5xx, timeouts and unusable data back off exponentially, one minute doubling per
  consecutive failure, with jitter, up to ``MAX_BACKOFF`` (60 minutes).
- 400 and 403 are configuration errors: logged loudly and retried slowly (``CONFIG_RETRY``).
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta

from dateline.weather.base import FailureKind

REFRESH = timedelta(minutes=10)
MIN_WAIT = timedelta(minutes=1)
BASE_BACKOFF = timedelta(minutes=1)
MAX_BACKOFF = timedelta(minutes=60)
CONFIG_RETRY = timedelta(hours=6)
MAX_RETRY_AFTER = timedelta(days=1)
FALLBACK_AFTER_FAILURES = 3


def after_success(now: datetime, expires: datetime | None) -> datetime:
    """Next request time after a 200 or 304: the provider's Expires, or the refresh interval."""
    if expires is not None:
        return max(expires, now + MIN_WAIT)
    return now + REFRESH


def backoff(failures: int, rng: random.Random) -> timedelta:
    """Exponential backoff with jitter: between half and all of min(1 min × 2ⁿ⁻¹, 60 min)."""
    ceiling: timedelta = min(MAX_BACKOFF, BASE_BACKOFF * 2 ** max(0, failures - 1))
    return ceiling * rng.uniform(0.5, 1.0)


def after_failure(
    now: datetime,
    kind: FailureKind,
    failures: int,
    retry_after: timedelta | None,
    rng: random.Random,
) -> datetime:
    """Next request time after the ``failures``-th consecutive failure of this ``kind``."""
    if kind is FailureKind.CONFIG:
        return now + CONFIG_RETRY
    if kind is FailureKind.RATE_LIMITED and retry_after is not None:
        return now + min(max(retry_after, timedelta(0)), MAX_RETRY_AFTER)
    return now + backoff(failures, rng)
