"""Searching indexers: spaced and cached by the shared limiter, blocklist-aware, audited.

Blocklisted candidates are kept in the results, flagged with the entry that blocks them, so
the dashboard and the audit trail show what was found and why it was passed over; scoring
simply skips the flagged ones.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from chalicelib.domain.audit import SYSTEM_TICKET, AuditEventType
from chalicelib.domain.blocklist import BlockEntry, release_title_key
from chalicelib.domain.candidate import SearchQuery, TorrentCandidate
from chalicelib.domain.indexers import IndexerHealth, RateLimited
from chalicelib.domain.search import SearchOutcome
from chalicelib.ports import Blocklist, Clock, RateLimiter, Searcher
from chalicelib.services.audit import AuditRecorder

# Keeps one SearchExecuted event well under DynamoDB's 400 KB item limit.
MAX_AUDITED_RESULTS = 200


@dataclass(frozen=True)
class SearchResult:
    """One candidate as found, with the blocklist entry that rules it out (if any)."""

    candidate: TorrentCandidate
    blocked: BlockEntry | None = None

    @property
    def is_blocked(self) -> bool:
        return self.blocked is not None

    def to_dict(self) -> dict[str, Any]:
        """The candidate's fields plus `blocked` (None, or why and by whom)."""
        blocked = None
        if self.blocked is not None:
            blocked = {"entry_id": self.blocked.entry_id, "reason": self.blocked.reason,
                       "actor": self.blocked.actor,
                       "blocked_at": self.blocked.blocked_at.isoformat()}  # fmt: skip
        return {**self.candidate.to_dict(), "blocked": blocked}

    def to_audit(self) -> dict[str, Any]:
        c = self.candidate
        return {
            "title": c.title,
            "indexer_id": c.indexer_id,
            "info_hash": c.info_hash,
            "size": c.size,
            "seeders": c.seeders,
            "leechers": c.leechers,
            "blocked": self.blocked.reason if self.blocked else None,
        }


@dataclass(frozen=True)
class SearchResults:
    """What one search found, flagged, with the indexers' reports and the audit event id."""

    query: SearchQuery
    results: tuple[SearchResult, ...]
    outcome: SearchOutcome
    duration_ms: int
    event_id: str

    @property
    def usable(self) -> tuple[TorrentCandidate, ...]:
        """The candidates not blocklisted, in the order found."""
        return tuple(r.candidate for r in self.results if not r.is_blocked)

    @property
    def blocked(self) -> tuple[SearchResult, ...]:
        return tuple(r for r in self.results if r.is_blocked)


class SearchService:
    """Runs searches through the searcher and records one `SearchExecuted` event each."""

    def __init__(
        self,
        searcher: Searcher,
        blocklist: Blocklist,
        recorder: AuditRecorder,
        rate_limiter: RateLimiter,
        clock: Clock,
        *,
        indexers: Sequence[str],
        searcher_name: str = "torznab",
    ) -> None:
        self._searcher = searcher
        self._blocklist = blocklist
        self._recorder = recorder
        self._limiter = rate_limiter
        self._clock = clock
        self._indexers = tuple(indexers)
        self._name = searcher_name

    @property
    def searcher(self) -> Searcher:
        return self._searcher

    @property
    def indexers(self) -> tuple[str, ...]:
        return self._indexers

    def search(
        self,
        query: SearchQuery,
        *,
        actor: str = "system",
        ticket_id: str = SYSTEM_TICKET,
        indexers: Sequence[str] | None = None,
    ) -> SearchResults:
        """Search, flag blocklisted candidates, and audit the search (failed indexers too)."""
        started = time.perf_counter()
        outcome = self._searcher.search(query, indexers or self._indexers or None)
        results = self._flag(outcome.candidates)
        duration_ms = round((time.perf_counter() - started) * 1000)
        audited = outcome.to_audit()
        event = self._recorder.record(
            AuditEventType.SEARCH_EXECUTED,
            actor,
            ticket_id,
            searcher=self._name,
            query=audited["query"],
            indexers=audited["indexers"],
            result_count=len(results),
            blocked_count=sum(1 for r in results if r.is_blocked),
            results=[r.to_audit() for r in results[:MAX_AUDITED_RESULTS]],
            results_truncated=len(results) > MAX_AUDITED_RESULTS,
            duration_ms=duration_ms,
        )
        return SearchResults(query, results, outcome, duration_ms, event.event_id)

    def _flag(self, candidates: Sequence[TorrentCandidate]) -> tuple[SearchResult, ...]:
        """Each candidate with its blocklist entry; one lookup per distinct hash and title."""
        seen: dict[tuple[str | None, str], BlockEntry | None] = {}
        flagged = []
        for candidate in candidates:
            key = (candidate.info_hash, release_title_key(candidate.title))
            if key not in seen:
                seen[key] = self._blocklist.is_blocked(candidate)
            flagged.append(SearchResult(candidate, seen[key]))
        return tuple(flagged)

    def indexer_health(self) -> list[IndexerHealth]:
        """Every configured indexer's health as the shared rate limiter sees it."""
        return [self._limiter.status(indexer) for indexer in self._indexers]

    def check_indexer(self, indexer: str) -> dict[str, Any]:
        """Health detail of one indexer for /api/v1/health; RateLimited while it backs off."""
        health = self._limiter.status(indexer)
        now = self._clock.now().timestamp()
        if health.blocked_until is not None and health.is_blocked(now):
            raise RateLimited(
                indexer,
                health.blocked_until - now,
                f"backing off after {health.consecutive_failures} failures, "
                f"retry in {health.blocked_until - now:.0f}s",
            )
        return {
            "indexer": indexer,
            "consecutive_failures": health.consecutive_failures,
            "last_success_at": health.last_success_at,
            "last_failure_at": health.last_failure_at,
        }
