"""RateLimiter on DynamoDB: one politeness budget per indexer, shared by every process.

Each indexer has one row. Every change reads the row, decides, and writes it back on the
condition that its version is unchanged (PynamoDB's VersionAttribute), so when two processes
race for the same request slot only one write lands; the loser re-reads and takes the next
slot. Times are epoch seconds from an injectable `Clock`.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any, TypeVar

from pynamodb.exceptions import DoesNotExist, PutError

from chalicelib.adapters.aws.searcher_models import SearcherModels
from chalicelib.domain.indexers import IndexerHealth, RateLimited, backoff_secs
from chalicelib.ports import Clock

log = logging.getLogger(__name__)
T = TypeVar("T")

DEFAULT_MIN_INTERVAL_SECS = 2.0
# Each lost race means another process got a slot, so this bounds the wait, not correctness.
DEFAULT_MAX_ATTEMPTS = 50


class DynamoRateLimiter:
    """Minimum spacing between requests per indexer plus escalating back-off after failures.

    Back-off: 1 min after the first failure in a row, doubling up to 24 h; a success clears it.
    """

    def __init__(
        self,
        models: SearcherModels,
        clock: Clock,
        min_interval_secs: float = DEFAULT_MIN_INTERVAL_SECS,
        *,
        max_attempts: int = DEFAULT_MAX_ATTEMPTS,
    ) -> None:
        if min_interval_secs < 0:
            raise ValueError("min_interval_secs must not be negative")
        if max_attempts < 1:
            raise ValueError("max_attempts must be at least 1")
        self._model = models.rate_limit
        self._clock = clock
        self._interval = min_interval_secs
        self._max_attempts = max_attempts

    def acquire(self, indexer: str) -> float:
        """Reserve the next request slot; seconds to wait before sending.

        Raises RateLimited(retry_after) while the indexer is backing off.
        """

        def take_slot(row: Any, now: float) -> float:
            if row.blocked_until is not None and now < row.blocked_until:
                raise RateLimited(indexer, row.blocked_until - now)
            slot = max(now, float(row.next_allowed_at or 0))
            row.next_allowed_at = slot + self._interval
            return slot - now

        return self._change(indexer, take_slot)

    def record_success(self, indexer: str) -> None:
        def succeed(row: Any, now: float) -> None:
            row.consecutive_failures = 0
            row.blocked_until = None
            row.last_success_at = now

        self._change(indexer, succeed)

    def record_failure(self, indexer: str) -> None:
        def fail(row: Any, now: float) -> None:
            failures = int(row.consecutive_failures or 0) + 1
            row.consecutive_failures = failures
            row.blocked_until = now + backoff_secs(failures)
            row.last_failure_at = now

        self._change(indexer, fail)
        log.info("indexer backing off", extra={"indexer": indexer})

    def status(self, indexer: str) -> IndexerHealth:
        row = self._read(indexer)
        return IndexerHealth(
            indexer=indexer,
            consecutive_failures=int(row.consecutive_failures or 0),
            blocked_until=_float_or_none(row.blocked_until),
            last_success_at=_float_or_none(row.last_success_at),
            last_failure_at=_float_or_none(row.last_failure_at),
        )

    def _read(self, indexer: str) -> Any:
        if not indexer:
            raise ValueError("indexer must not be empty")
        try:
            return self._model.get(indexer, consistent_read=True)
        except DoesNotExist:
            return self._model(indexer)

    def _change(self, indexer: str, decide: Callable[[Any, float], T]) -> T:
        """Read, decide, write-if-unchanged; on a lost race start over with the winner's row."""
        for _ in range(self._max_attempts):
            row = self._read(indexer)
            result = decide(row, self._clock.now().timestamp())
            try:
                row.save()  # VersionAttribute: condition on the version read, then +1
            except PutError as e:
                if getattr(e, "cause_response_code", None) == "ConditionalCheckFailedException":
                    continue
                raise
            return result
        raise RateLimited(
            indexer,
            self._interval,
            f"rate limiter contended: {self._max_attempts} processes got in first",
        )


def _float_or_none(value: Any) -> float | None:
    return None if value is None else float(value)
