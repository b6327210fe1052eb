"""Typed failures of a Torznab indexer; each carries the indexer's id and never the API key."""

from __future__ import annotations

from chalicelib.domain.errors import ExternalServiceError


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


class MagnetRedirect(Exception):
    """The download link leads to a magnet URI, so the file list is not known yet."""

    def __init__(self, magnet_uri: str, info_hash: str | None) -> None:
        super().__init__(f"download link redirects to a magnet (info hash {info_hash})")
        self.magnet_uri = magnet_uri
        self.info_hash = info_hash
