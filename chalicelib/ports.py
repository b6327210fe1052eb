"""The small interfaces the use cases call; adapters implement them (DynamoDB, S3, fakes)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Generic, Protocol, TypeVar

from chalicelib.domain.audit import AuditEvent, AuditEventType
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
    """Drives tickets through their states (Step Functions in AWS)."""

    def start(self, ticket: Ticket) -> None: ...

    def stop(self, ticket: Ticket, reason: str) -> None: ...


class TicketEvents(Protocol):
    """Where ticket changes are announced (the WebSocket API pushes them to dashboards).

    `kind` is "state_change", "progress", "needs_approval" or "created".
    """

    def publish(self, kind: str, ticket: Ticket, data: dict[str, object]) -> None: ...


class Clock(Protocol):
    def now(self) -> datetime: ...
