"""Audit events: every decision and state change the service makes, with actor and time."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any

SYSTEM_TICKET = "-"


class AuditEventType(StrEnum):
    """Everything the service records about what it did and why."""

    TICKET_CREATED = "TicketCreated"
    TICKET_STATE_CHANGED = "TicketStateChanged"
    TICKET_CANCELLED = "TicketCancelled"
    TICKET_LINKED = "TicketLinked"
    APPROVAL_REQUESTED = "ApprovalRequested"
    APPROVAL_GRANTED = "ApprovalGranted"
    APPROVAL_REJECTED = "ApprovalRejected"
    ADMIN_RETRY = "AdminRetry"
    ADMIN_FORCE_SEARCH = "AdminForceSearch"
    ADMIN_FORCE_MAGNET = "AdminForceMagnet"
    ADMIN_EXPORT = "AdminExport"
    SEARCH_EXECUTED = "SearchExecuted"
    MATCHING_STARTED = "MatchingStarted"
    MATCHING_COMPLETED = "MatchingCompleted"
    DOWNLOAD_STARTED = "DownloadStarted"
    DOWNLOAD_PROGRESS = "DownloadProgress"
    DOWNLOAD_COMPLETED = "DownloadCompleted"
    DOWNLOAD_FAILED = "DownloadFailed"
    CONVERSION_STARTED = "ConversionStarted"
    CONVERSION_COMPLETED = "ConversionCompleted"
    CONVERSION_FAILED = "ConversionFailed"
    PLACEMENT_STARTED = "PlacementStarted"
    PLACEMENT_COMPLETED = "PlacementCompleted"
    PLACEMENT_FAILED = "PlacementFailed"
    RELEASE_BLOCKLISTED = "ReleaseBlocklisted"
    SERVICE_STARTED = "ServiceStarted"
    SERVICE_STOPPED = "ServiceStopped"
    CONFIG_VALIDATION_FAILED = "ConfigValidationFailed"
    AUTHENTICATION_FAILED = "AuthenticationFailed"


@dataclass(frozen=True)
class AuditEvent:
    """One recorded event. `ticket_id` is SYSTEM_TICKET for service-wide events."""

    event_id: str
    event_type: AuditEventType
    actor: str
    at: datetime
    ticket_id: str = SYSTEM_TICKET
    data: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {
            "event_id": self.event_id,
            "event_type": self.event_type.value,
            "ticket_id": self.ticket_id,
            "actor": self.actor,
            "at": self.at.isoformat(),
            "data": self.data,
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> AuditEvent:
        return cls(
            event_id=d["event_id"],
            event_type=AuditEventType(d["event_type"]),
            actor=d["actor"],
            at=datetime.fromisoformat(d["at"]),
            ticket_id=d.get("ticket_id") or SYSTEM_TICKET,
            data=dict(d.get("data") or {}),
        )
