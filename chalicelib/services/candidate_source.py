"""The acquisition stage's view of the indexers and the blocklist (adapters to its ports)."""

from __future__ import annotations

from chalicelib.adapters.aws.blocklist import DynamoBlocklist
from chalicelib.adapters.torznab import MagnetRedirect, TorrentFetchError, TorznabSearcher
from chalicelib.domain.candidate import SearchQuery, TorrentCandidate, TorrentFile
from chalicelib.domain.errors import ExternalServiceError
from chalicelib.services.searching import SearchService


class IndexerCandidateSource:
    """Searches through the SearchService (audited, rate-limited, cached)."""

    def __init__(self, search: SearchService, torznab: TorznabSearcher) -> None:
        self._search = search
        self._torznab = torznab

    def search(self, query: SearchQuery, ticket_id: str) -> list[TorrentCandidate]:
        found = self._search.search(query, actor="acquisition", ticket_id=ticket_id)
        return [r.candidate for r in found.results]

    def files(self, candidate: TorrentCandidate) -> list[TorrentFile] | None:
        if not candidate.download_url or candidate.download_url.startswith("magnet:"):
            return None
        try:
            return self._torznab.get_files(candidate)
        except (MagnetRedirect, TorrentFetchError):
            return None


class NoIndexers:
    """Used when no [searcher] is configured: every search says so."""

    def search(self, query: SearchQuery, ticket_id: str) -> list[TorrentCandidate]:
        raise ExternalServiceError("searcher", "no indexer is configured ([searcher] url)",
                                   retryable=False)

    def files(self, candidate: TorrentCandidate) -> list[TorrentFile] | None:
        return None


class BlocklistPort:
    """The ReleaseBlocklist port over the DynamoDB blocklist."""

    def __init__(self, blocklist: DynamoBlocklist) -> None:
        self._blocklist = blocklist

    def block(self, candidate: TorrentCandidate, reason: str, actor: str) -> None:
        self._blocklist.block(candidate.info_hash, candidate.title, reason, actor)

    def blocked_reason(self, candidate: TorrentCandidate) -> str | None:
        entry = self._blocklist.is_blocked(candidate)
        return entry.reason if entry else None
