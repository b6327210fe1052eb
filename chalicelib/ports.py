"""The small interfaces the use cases call; adapters implement them (DynamoDB, S3, fakes)."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Generic, Protocol, TypeVar

from chalicelib.domain.audit import AuditEvent, AuditEventType
from chalicelib.domain.candidate import SearchQuery, TorrentCandidate, TorrentFile
from chalicelib.domain.catalog import CatalogTorrent, Coverage, WantedAlbum
from chalicelib.domain.request import TicketItem
from chalicelib.domain.states import TicketState
from chalicelib.domain.ticket import Ticket

T = TypeVar("T")


@dataclass(frozen=True)
class Page(Generic[T]):
    """One page of a listing; `cursor` fetches the next page (None at the end)."""

    items: list[T]
    cursor: str | None


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


class TicketEvents(Protocol):
    """Where ticket changes are announced (the WebSocket API pushes them to dashboards).

    `kind` is "state_change", "progress", "needs_approval" or "created".
    """

    def publish(self, kind: str, ticket: Ticket, data: dict[str, object]) -> None: ...


class CandidateSource(Protocol):
    """Finds torrents for a query and reads their file lists (Torznab indexers)."""

    def search(self, query: SearchQuery, ticket_id: str) -> list[TorrentCandidate]: ...

    def files(self, candidate: TorrentCandidate) -> list[TorrentFile] | None:
        """The torrent's file list, or None when it cannot be known before downloading."""
        ...


class TorrentCatalogPort(Protocol):
    """Torrents already downloaded and kept (seeding), and which ticket items they hold."""

    def find_coverage(self, items: Sequence[TicketItem],
                      album: WantedAlbum | None = None) -> Coverage: ...

    def get(self, info_hash: str) -> CatalogTorrent: ...

    def touch(self, info_hash: str) -> None: ...

    def remove(self, info_hash: str) -> None: ...


class ReleaseBlocklist(Protocol):
    """Releases that failed or were refused, by info hash and by normalised title."""

    def block(self, candidate: TorrentCandidate, reason: str, actor: str) -> None: ...

    def blocked_reason(self, candidate: TorrentCandidate) -> str | None: ...


class Clock(Protocol):
    def now(self) -> datetime: ...
