"""Every interface the service side's use cases call; adapters implement them.

The one naming rule: a port is named for the role it plays in the domain's words
(`TicketStore`, `Blocklist`, `Searcher`), never for a technology and never with a `Port`
suffix. Its implementations are named technology + port (`DynamoTicketStore`,
`S3BlobStore`, `TorznabSearcher`, `InMemorySearchCache`, `SystemClock`); a null object is
`No` + what it stands for (`NoWorkflow`, `NoIndexers`); the test doubles in
tests/support/fakes.py are `InMemory…` or `Fake…`. The agent's ports are in
workers/agent/ports.py under the same rule.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Generic, Protocol, TypeVar

from chalicelib.auth.identity import Identity
from chalicelib.domain.agents import AgentBeat
from chalicelib.domain.audit import AuditEvent, AuditEventType
from chalicelib.domain.blocklist import BlockEntry
from chalicelib.domain.candidate import SearchQuery, TorrentCandidate, TorrentFile
from chalicelib.domain.catalog import CatalogTorrent, Coverage, WantedAlbum
from chalicelib.domain.connections import Connection, Subscription
from chalicelib.domain.indexers import IndexerHealth
from chalicelib.domain.media_catalog import (
    CoverImage,
    CoverWanted,
    MovieSummary,
    Release,
    ReleaseSummary,
    Season,
    SeriesSummary,
)
from chalicelib.domain.request import TicketItem
from chalicelib.domain.search import SearchCacheKey, SearchOutcome
from chalicelib.domain.states import TicketState
from chalicelib.domain.subtitles import SubtitleFile, SubtitleWanted
from chalicelib.domain.ticket import Ticket

T = TypeVar("T")


@dataclass(frozen=True)
class Page(Generic[T]):
    """One page of a listing; `cursor` fetches the next page (None at the end)."""

    items: list[T]
    cursor: str | None


@dataclass(frozen=True)
class TicketFilter:
    """Which tickets a listing returns (empty: every ticket the caller may see)."""

    state: TicketState | None = None
    requested_by: str | None = None


class Clock(Protocol):
    """The wall clock, and waiting (the real one is adapters/clock.py's SystemClock)."""

    def now(self) -> datetime:
        """The current time, timezone-aware (UTC)."""
        ...

    def sleep(self, seconds: float) -> None: ...


class TicketStore(Protocol):
    def create(self, ticket: Ticket) -> Ticket: ...

    def get(self, ticket_id: str) -> Ticket:
        """The ticket, or NotFound."""
        ...

    def save(self, ticket: Ticket, expected: Ticket) -> Ticket:
        """Write `ticket` if the stored one still has `expected`'s state and version.

        Raises Conflict when another writer got there first. Returns the stored ticket
        (with its new version).
        """
        ...

    def list_by_state(
        self, state: TicketState, limit: int, cursor: str | None
    ) -> Page[Ticket]: ...

    def list_by_requester(
        self, requested_by: str, limit: int, cursor: str | None
    ) -> Page[Ticket]: ...

    def list_all(self, limit: int, cursor: str | None) -> Page[Ticket]: ...

    def count_all(self) -> int:
        """How many tickets exist: exact even while tickets change state."""
        ...

    def count_by_state(self) -> dict[TicketState, int]: ...

    def find_by_content(self, key: str, limit: int = 50) -> list[Ticket]: ...


class AuditLog(Protocol):
    def record(self, event: AuditEvent) -> None: ...

    def query(
        self,
        *,
        ticket_id: str | None,
        event_type: AuditEventType | None,
        start: datetime | None,
        end: datetime | None,
        limit: int,
        cursor: str | None,
        newest_first: bool = True,
    ) -> Page[AuditEvent]: ...

    def iterate(
        self, *, start: datetime | None = None, end: datetime | None = None
    ) -> Iterator[AuditEvent]: ...


class BlobStore(Protocol):
    def put(self, key: str, body: bytes, content_type: str) -> str:
        """Store bytes under `key`; return a location (s3://bucket/key)."""
        ...

    def get(self, key: str) -> bytes: ...


class Workflow(Protocol):
    """Drives tickets through their states (Step Functions in AWS and locally)."""

    def start(self, ticket: Ticket, start_at: str = "acquire") -> None:
        """Start execution number `ticket.flow_attempt` (idempotent for the same attempt)."""
        ...

    def stop(self, ticket: Ticket, reason: str) -> None:
        """Stop the current execution and tell the agent to drop the ticket's work."""
        ...

    def answer(self, token: str, output: dict[str, object]) -> bool:
        """Answer a waiting step; False when the token is no longer waited on."""
        ...

    def fail(self, token: str, error: str, cause: str) -> bool: ...

    def history(self, ticket: Ticket) -> list[dict[str, object]]:
        """Every execution of the ticket's flow with its events, oldest first."""
        ...


class FlowStatus(Protocol):
    """Whether a ticket's flow is running (the reconciler restarts the ones that are not)."""

    def status(self, ticket_id: str, attempt: int) -> str | None:
        """The execution's status (RUNNING, SUCCEEDED...), None when it does not exist."""
        ...


class TicketEvents(Protocol):
    """Where ticket changes are announced (the WebSocket API pushes them to dashboards).

    `kind` is "state_change", "progress", "needs_approval" or "created".
    """

    def publish(self, kind: str, ticket: Ticket, data: dict[str, object]) -> None: ...


class TicketReader(Protocol):
    """Tickets as a given caller may see them (TicketService; the realtime snapshot reads it)."""

    def get(self, ticket_id: str, who: Identity) -> Ticket:
        """The ticket, NotFound (also when `who` may not see it)."""
        ...

    def list_tickets(self, filt: TicketFilter, who: Identity, limit: int,
                     cursor: str | None) -> Page[Ticket]: ...


# --- searching ------------------------------------------------------------------------------
class Searcher(Protocol):
    """Asks the indexers (TorznabSearcher); a failing indexer is reported, not raised."""

    def search(self, query: SearchQuery, indexers: Sequence[str] | None = None) -> SearchOutcome:
        ...

    def files(self, candidate: TorrentCandidate) -> list[TorrentFile] | None:
        """The candidate's file list, or None when it cannot be known before downloading."""
        ...


class RateLimiter(Protocol):
    """Decides when the next request to an indexer may go out (shared by every process)."""

    def acquire(self, indexer: str) -> float:
        """Reserve the next request slot: seconds to wait before sending.

        Raises RateLimited(retry_after) while the indexer is backing off after failures.
        """
        ...

    def record_success(self, indexer: str) -> None:
        """The indexer answered; clears any back-off."""
        ...

    def record_failure(self, indexer: str) -> None:
        """The indexer failed; starts or lengthens the back-off."""
        ...

    def status(self, indexer: str) -> IndexerHealth: ...


class SearchCache(Protocol):
    """Recent search results per indexer and query."""

    def get(self, key: SearchCacheKey) -> list[TorrentCandidate] | None:
        """The cached results, or None when absent or expired."""
        ...

    def put(self, key: SearchCacheKey, candidates: Sequence[TorrentCandidate]) -> None:
        """Remember `candidates` for the cache's time to live."""
        ...


class Blocklist(Protocol):
    """Releases never to grab again, by info hash and by normalised title."""

    def block(self, info_hash: str | None, title: str, reason: str, actor: str) -> BlockEntry:
        """Block a release (by hash when known, always by title); blocking again updates it."""
        ...

    def is_blocked(self, candidate: TorrentCandidate) -> BlockEntry | None:
        """The entry blocking this candidate (same info hash or same release title), if any."""
        ...


class CandidateSource(Protocol):
    """The acquisition stage's view of the indexers: audited searches and file lists."""

    def search(self, query: SearchQuery, ticket_id: str) -> list[TorrentCandidate]: ...

    def files(self, candidate: TorrentCandidate) -> list[TorrentFile] | None:
        """The torrent's file list, or None when it cannot be known before downloading."""
        ...


class TorrentCatalog(Protocol):
    """Torrents already downloaded and kept (seeding), and which ticket items they hold."""

    def find_coverage(self, items: Sequence[TicketItem],
                      album: WantedAlbum | None = None) -> Coverage: ...

    def get(self, info_hash: str) -> CatalogTorrent: ...

    def touch(self, info_hash: str) -> None: ...

    def remove(self, info_hash: str) -> None: ...

    def list_torrents(self, *, with_contents: bool = False) -> list[CatalogTorrent]:
        """Every kept torrent, most recently used first."""
        ...

    def get_cleanup_candidates(self, max_bytes: int) -> list[CatalogTorrent]:
        """Torrents to delete, least recently used first, so the rest fit in `max_bytes`;
        never one still seeding towards its goal."""
        ...


# --- external catalogs ----------------------------------------------------------------------
class CatalogCache(Protocol):
    """Catalog answers (decoded JSON) by request, kept for a time to live."""

    def get(self, key: str) -> Any | None:
        """The remembered answer, or None when absent or expired."""
        ...

    def put(self, key: str, value: Any, ttl_secs: float) -> None: ...


class MusicCatalog(Protocol):
    """Albums and their track lists (MusicBrainz). Raises CatalogNotFound/CatalogUnavailable."""

    def search_releases(self, artist: str, album: str, year: int | None = None,
                        limit: int = 10) -> list[ReleaseSummary]: ...

    def release(self, release_id: str) -> Release:
        """The release with every disc and track."""
        ...

    def editions(self, release_group_id: str, limit: int = 25) -> list[ReleaseSummary]:
        """Every release of a release group (the album's editions)."""
        ...


class VideoCatalog(Protocol):
    """Movies, series, seasons and episodes (TMDB)."""

    def search_movies(self, title: str, year: int | None = None) -> list[MovieSummary]: ...

    def movie(self, tmdb_id: int) -> MovieSummary: ...

    def search_series(self, name: str, year: int | None = None) -> list[SeriesSummary]: ...

    def season(self, tmdb_id: int, season: int) -> Season: ...


class CoverSource(Protocol):
    """A remote source of front covers (Cover Art Archive, Discogs)."""

    @property
    def name(self) -> str: ...

    def front(self, wanted: CoverWanted) -> CoverImage | None:
        """The front cover, None when the source has none; CatalogUnavailable when down."""
        ...


class SubtitleSource(Protocol):
    """Subtitles for a video: OpenSubtitles, or the video's own streams (ffmpeg)."""

    @property
    def name(self) -> str: ...

    def fetch(self, wanted: SubtitleWanted) -> list[SubtitleFile]:
        """At most one file per wanted language found; CatalogUnavailable when down."""
        ...


# --- realtime -------------------------------------------------------------------------------
class ConnectionGone(Exception):
    """The client has gone away (API Gateway's GoneException); forget the connection."""


class ConnectionStore(Protocol):
    """Open WebSocket connections and their subscriptions."""

    def add(self, conn: Connection) -> None: ...

    def get(self, connection_id: str) -> Connection | None: ...

    def set_subscription(self, connection_id: str, sub: Subscription) -> None: ...

    def remove(self, connection_id: str) -> None: ...

    def all(self) -> Iterator[Connection]: ...

    def next_seq(self, connection_id: str) -> int | None:
        """Atomically take the connection's next message number; None if it is gone."""
        ...


class ConnectionPoster(Protocol):
    """API Gateway's Management API `post_to_connection` (or the local gateway's copy)."""

    def post(self, connection_id: str, data: str) -> None:
        """Send one text message; raise ConnectionGone if the client has left."""
        ...


# --- health ---------------------------------------------------------------------------------
class AgentRegistry(Protocol):
    """The agents' heartbeats: each agent writes its own, the API lists them."""

    def beat(self, beat: AgentBeat) -> None: ...

    def get(self, agent_id: str) -> AgentBeat | None: ...

    def agents(self) -> list[AgentBeat]: ...


class HealthProbe(Protocol):
    """One dependency asked whether it answers; the detail goes into /api/v1/health."""

    @property
    def name(self) -> str: ...

    def check(self) -> dict[str, Any] | None:
        """Detail when it answers; raises when it does not."""
        ...


# --- observability --------------------------------------------------------------------------
class Metrics(Protocol):
    """Where measurements go (CloudWatch EMF lines in Lambda and in the local log).

    `unit` is one of CloudWatch's unit names ("Count", "Milliseconds", "Seconds", "None");
    `dimensions` are the metric's labels (e.g. {"indexer": "jackett"}).
    """

    def emit(self, name: str, value: float, unit: str = "Count",
             dimensions: dict[str, str] | None = None) -> None: ...


