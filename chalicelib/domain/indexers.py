"""Indexers (Torznab): their typed failures and the back-off policy after failures.

Each failure carries the indexer's id and never the API key.
"""

from __future__ import annotations

from dataclasses import dataclass

from chalicelib.domain.errors import ExternalServiceError

BACKOFF_START_SECS = 60.0
BACKOFF_MAX_SECS = 24 * 3600.0


class IndexerError(ExternalServiceError):
    """An indexer failed to answer usefully."""

    kind = "error"

    def __init__(self, indexer: str, message: str, *, retryable: bool = True) -> None:
        super().__init__(f"indexer {indexer}", message, retryable=retryable)
        self.indexer = indexer
        self.reason = message


class IndexerAuthError(IndexerError):
    """The indexer refused the API key or the account (HTTP 401/403, Torznab codes 100-102)."""

    kind = "auth"

    def __init__(self, indexer: str, message: str) -> None:
        super().__init__(indexer, message, retryable=False)


class IndexerUnavailable(IndexerError):
    """The indexer could not be reached or reported a server-side failure."""

    kind = "unavailable"


class IndexerTimeout(IndexerUnavailable):
    """The indexer did not answer within the configured timeout."""

    kind = "timeout"


class IndexerResponseError(IndexerError):
    """The indexer answered something that is not a usable Torznab document."""

    kind = "response"


class RateLimited(IndexerUnavailable):
    """The indexer is backing off (our limiter or its own request limit); retry later."""

    kind = "rate_limited"

    def __init__(self, indexer: str, retry_after: float, message: str | None = None) -> None:
        super().__init__(indexer, message or f"rate limited, retry in {retry_after:.0f}s")
        self.retry_after = retry_after


class TorrentFetchError(IndexerError):
    """The .torrent behind a candidate's download link could not be fetched or read."""

    kind = "torrent"


@dataclass(frozen=True)
class IndexerHealth:
    """How an indexer has been doing, as the rate limiter sees it (epoch seconds)."""

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
