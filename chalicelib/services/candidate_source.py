"""The acquisition stage's view of the indexers: audited searches, file lists when known."""

from __future__ import annotations

from chalicelib.domain.candidate import SearchQuery, TorrentCandidate, TorrentFile
from chalicelib.domain.errors import ExternalServiceError
from chalicelib.services.searching import SearchService


class IndexerCandidateSource:
    """Searches through the SearchService (audited, rate-limited, cached)."""

    def __init__(self, search: SearchService) -> None:
        self._search = search

    def search(self, query: SearchQuery, ticket_id: str) -> list[TorrentCandidate]:
        found = self._search.search(query, actor="acquisition", ticket_id=ticket_id)
        return [r.candidate for r in found.results]

    def files(self, candidate: TorrentCandidate) -> list[TorrentFile] | None:
        return self._search.searcher.files(candidate)


class NoIndexers:
    """Used when no [searcher] is configured: every search says so."""

    def search(self, query: SearchQuery, ticket_id: str) -> list[TorrentCandidate]:
        raise ExternalServiceError("searcher", "no indexer is configured ([searcher] url)",
                                   retryable=False)

    def files(self, candidate: TorrentCandidate) -> list[TorrentFile] | None:
        return None
