"""Torznab (Jackett / Prowlarr) searcher: caps, searches, results, .torrent files, politeness.

The failures it raises (`IndexerError`...) and what a search returns (`SearchOutcome`) are
domain types (chalicelib/domain/indexers.py, search.py): the services read them too.
"""

from chalicelib.adapters.torznab.caps import IndexerCaps
from chalicelib.adapters.torznab.config import Backend, TorznabConfig
from chalicelib.adapters.torznab.limits import InMemoryRateLimiter, InMemorySearchCache
from chalicelib.adapters.torznab.searcher import FetchedTorrent, MagnetRedirect, TorznabSearcher

__all__ = [
    "Backend",
    "FetchedTorrent",
    "InMemoryRateLimiter",
    "InMemorySearchCache",
    "IndexerCaps",
    "MagnetRedirect",
    "TorznabConfig",
    "TorznabSearcher",
]
