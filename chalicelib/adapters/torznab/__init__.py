"""Torznab (Jackett / Prowlarr) searcher: caps, searches, results, .torrent files, politeness."""

from chalicelib.adapters.torznab.caps import IndexerCaps
from chalicelib.adapters.torznab.config import Backend, TorznabConfig
from chalicelib.adapters.torznab.errors import (
    IndexerAuthError,
    IndexerError,
    IndexerResponseError,
    IndexerTimeout,
    IndexerUnavailable,
    MagnetRedirect,
    RateLimited,
    TorrentFetchError,
)
from chalicelib.adapters.torznab.limits import (
    Clock,
    IndexerHealth,
    InMemoryRateLimiter,
    InMemorySearchCache,
    RateLimiter,
    SearchCache,
    SearchCacheKey,
    SystemClock,
)
from chalicelib.adapters.torznab.outcome import IndexerSearchReport, SearchOutcome
from chalicelib.adapters.torznab.searcher import FetchedTorrent, TorznabSearcher

__all__ = [
    "Backend",
    "Clock",
    "FetchedTorrent",
    "InMemoryRateLimiter",
    "InMemorySearchCache",
    "IndexerAuthError",
    "IndexerCaps",
    "IndexerError",
    "IndexerHealth",
    "IndexerResponseError",
    "IndexerSearchReport",
    "IndexerTimeout",
    "IndexerUnavailable",
    "MagnetRedirect",
    "RateLimited",
    "RateLimiter",
    "SearchCache",
    "SearchCacheKey",
    "SearchOutcome",
    "SystemClock",
    "TorrentFetchError",
    "TorznabConfig",
    "TorznabSearcher",
]
