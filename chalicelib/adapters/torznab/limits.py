"""In-memory politeness towards indexers: request spacing, back-off, and a search cache.

They implement the `RateLimiter` and `SearchCache` ports for one process and the tests; the
DynamoDB ones (adapters/aws/) are shared by every Lambda. Times are epoch seconds read from
the injected `Clock`, so tests advance a fake clock instead of sleeping.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence

from chalicelib.domain.candidate import TorrentCandidate
from chalicelib.domain.indexers import IndexerHealth, RateLimited, backoff_secs
from chalicelib.domain.search import SearchCacheKey
from chalicelib.ports import Clock


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
            now = self._clock.now().timestamp()
            health = self._health.get(indexer, IndexerHealth(indexer))
            if health.blocked_until is not None and now < health.blocked_until:
                raise RateLimited(indexer, health.blocked_until - now)
            slot = max(now, self._next_slot.get(indexer, now))
            self._next_slot[indexer] = slot + self._interval
            return slot - now

    def record_success(self, indexer: str) -> None:
        with self._lock:
            now = self._clock.now().timestamp()
            self._health[indexer] = IndexerHealth(indexer, last_success_at=now)

    def record_failure(self, indexer: str) -> None:
        with self._lock:
            now = self._clock.now().timestamp()
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
            if self._clock.now().timestamp() >= expires_at:
                del self._entries[key]
                return None
            return list(candidates)

    def put(self, key: SearchCacheKey, candidates: Sequence[TorrentCandidate]) -> None:
        with self._lock:
            self._entries[key] = (self._clock.now().timestamp() + self._ttl, tuple(candidates))
