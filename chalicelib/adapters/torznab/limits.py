"""Politeness towards indexers: request spacing, back-off after failures, and a search cache.

The protocols are small so that a DynamoDB implementation (shared by every Lambda) can
satisfy them; the in-memory ones here serve one process and the tests. Times are epoch
seconds from an injectable `Clock`, so tests advance a fake clock instead of sleeping.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from chalicelib.adapters.torznab.errors import RateLimited
from chalicelib.domain.candidate import TorrentCandidate

BACKOFF_START_SECS = 60.0
BACKOFF_MAX_SECS = 24 * 3600.0


class Clock(Protocol):
    """Wall-clock time and waiting."""

    def now(self) -> float:
        """Seconds since the epoch."""
        ...

    def sleep(self, seconds: float) -> None:
        """Wait `seconds`."""
        ...


class SystemClock:
    """The real clock."""

    def now(self) -> float:
        return time.time()

    def sleep(self, seconds: float) -> None:
        if seconds > 0:
            time.sleep(seconds)


@dataclass(frozen=True)
class IndexerHealth:
    """How an indexer has been doing, as the limiter sees it."""

    indexer: str
    consecutive_failures: int = 0
    blocked_until: float | None = None
    last_success_at: float | None = None
    last_failure_at: float | None = None

    def is_blocked(self, now: float) -> bool:
        return self.blocked_until is not None and now < self.blocked_until


def backoff_secs(consecutive_failures: int) -> float:
    """Back-off after the n-th failure in a row: 1 min, doubling, at most 24 h."""
    if consecutive_failures <= 0:
        return 0.0
    doublings = min(consecutive_failures - 1, 30)
    return min(BACKOFF_START_SECS * float(2**doublings), BACKOFF_MAX_SECS)


class RateLimiter(Protocol):
    """Decides when the next request to an indexer may go out."""

    def acquire(self, indexer: str) -> float:
        """Reserve the next request slot: seconds to wait before sending.

        Raises RateLimited(retry_after) while the indexer is backing off after failures.
        """
        ...

    def record_success(self, indexer: str) -> None:
        """The indexer answered; clears any back-off."""
        ...

    def record_failure(self, indexer: str) -> None:
        """The indexer failed; starts or lengthens the back-off."""
        ...

    def status(self, indexer: str) -> IndexerHealth:
        """The indexer's current health."""
        ...


class InMemoryRateLimiter:
    """RateLimiter for one process: minimum spacing plus escalating back-off."""

    def __init__(self, clock: Clock, min_interval_secs: float = 2.0) -> None:
        self._clock = clock
        self._interval = min_interval_secs
        self._lock = threading.Lock()
        self._next_slot: dict[str, float] = {}
        self._health: dict[str, IndexerHealth] = {}

    def acquire(self, indexer: str) -> float:
        with self._lock:
            now = self._clock.now()
            health = self._health.get(indexer, IndexerHealth(indexer))
            if health.blocked_until is not None and now < health.blocked_until:
                raise RateLimited(indexer, health.blocked_until - now)
            slot = max(now, self._next_slot.get(indexer, now))
            self._next_slot[indexer] = slot + self._interval
            return slot - now

    def record_success(self, indexer: str) -> None:
        with self._lock:
            self._health[indexer] = IndexerHealth(indexer, last_success_at=self._clock.now())

    def record_failure(self, indexer: str) -> None:
        with self._lock:
            now = self._clock.now()
            old = self._health.get(indexer, IndexerHealth(indexer))
            failures = old.consecutive_failures + 1
            self._health[indexer] = IndexerHealth(
                indexer,
                consecutive_failures=failures,
                blocked_until=now + backoff_secs(failures),
                last_success_at=old.last_success_at,
                last_failure_at=now,
            )

    def status(self, indexer: str) -> IndexerHealth:
        with self._lock:
            return self._health.get(indexer, IndexerHealth(indexer))


@dataclass(frozen=True)
class SearchCacheKey:
    """What makes two searches the same: indexer, search function, normalised params, cats.

    Build it from the request actually sent (after the caps decided the function).
    """

    indexer: str
    function: str
    params: tuple[tuple[str, str], ...]
    categories: tuple[int, ...]

    def __str__(self) -> str:
        params = "&".join(f"{k}={v}" for k, v in self.params)
        cats = ",".join(str(c) for c in self.categories)
        return f"{self.indexer}|{self.function}|{params}|{cats}"


class SearchCache(Protocol):
    """Recent search results per indexer and query."""

    def get(self, key: SearchCacheKey) -> list[TorrentCandidate] | None:
        """The cached results, or None when absent or expired."""
        ...

    def put(self, key: SearchCacheKey, candidates: Sequence[TorrentCandidate]) -> None:
        """Remember `candidates` for the cache's time to live."""
        ...


class InMemorySearchCache:
    """SearchCache for one process, entries expiring `ttl_secs` after they were put."""

    def __init__(self, clock: Clock, ttl_secs: float = 1800.0) -> None:
        self._clock = clock
        self._ttl = ttl_secs
        self._lock = threading.Lock()
        self._entries: dict[SearchCacheKey, tuple[float, tuple[TorrentCandidate, ...]]] = {}

    def get(self, key: SearchCacheKey) -> list[TorrentCandidate] | None:
        with self._lock:
            entry = self._entries.get(key)
            if entry is None:
                return None
            expires_at, candidates = entry
            if self._clock.now() >= expires_at:
                del self._entries[key]
                return None
            return list(candidates)

    def put(self, key: SearchCacheKey, candidates: Sequence[TorrentCandidate]) -> None:
        with self._lock:
            self._entries[key] = (self._clock.now() + self._ttl, tuple(candidates))
