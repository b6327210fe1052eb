"""A search across indexers: what makes two searches the same, and what one returns."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from chalicelib.domain.candidate import SearchQuery, TorrentCandidate
from chalicelib.domain.indexers import IndexerError


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


@dataclass(frozen=True)
class IndexerSearchReport:
    """How one indexer's part of a search went; the caller records it as `SearchExecuted`."""

    indexer: str
    function: str | None
    params: tuple[tuple[str, str], ...]
    categories: tuple[int, ...]
    result_count: int
    dropped_count: int
    duration_ms: int
    cached: bool
    error: IndexerError | None = None

    def to_audit(self) -> dict[str, Any]:
        """JSON-ready fields for the audit event (no API key ever reaches here)."""
        return {
            "indexer": self.indexer,
            "function": self.function,
            "params": dict(self.params),
            "categories": list(self.categories),
            "result_count": self.result_count,
            "dropped_count": self.dropped_count,
            "duration_ms": self.duration_ms,
            "cached": self.cached,
            "error": None
            if self.error is None
            else {"kind": self.error.kind, "message": self.error.reason},
        }


@dataclass(frozen=True)
class SearchOutcome:
    """Candidates from every indexer that answered, and a report for each indexer asked."""

    query: SearchQuery
    candidates: tuple[TorrentCandidate, ...]
    reports: tuple[IndexerSearchReport, ...]

    @property
    def errors(self) -> dict[str, IndexerError]:
        """The failed indexers and why."""
        return {r.indexer: r.error for r in self.reports if r.error is not None}

    @property
    def all_failed(self) -> bool:
        """True when no indexer answered (an empty but successful search is not a failure)."""
        return bool(self.reports) and all(r.error is not None for r in self.reports)

    def to_audit(self) -> dict[str, Any]:
        """JSON-ready payload of the `SearchExecuted` audit event."""
        return {
            "query": {k: v for k, v in asdict(self.query).items() if v not in (None, ())}
            | {"categories": list(self.query.categories)},
            "candidate_count": len(self.candidates),
            "indexers": [report.to_audit() for report in self.reports],
        }
