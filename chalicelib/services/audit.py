"""Recording audit events, and exporting the trail as JSON Lines."""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from chalicelib.domain.audit import SYSTEM_TICKET, AuditEvent, AuditEventType
from chalicelib.ports import AuditLog, BlobStore, Clock


class AuditRecorder:
    """The one way use cases write audit events."""

    def __init__(self, log: AuditLog, clock: Clock) -> None:
        self._log = log
        self._clock = clock

    def record(
        self,
        event_type: AuditEventType,
        actor: str,
        ticket_id: str = SYSTEM_TICKET,
        **data: Any,
    ) -> AuditEvent:
        event = AuditEvent(
            event_id=uuid.uuid4().hex,
            event_type=event_type,
            actor=actor,
            at=self._clock.now(),
            ticket_id=ticket_id,
            data=data,
        )
        self._log.record(event)
        return event


@dataclass(frozen=True)
class Export:
    location: str
    body: bytes
    count: int


def export_jsonl(
    log: AuditLog,
    blobs: BlobStore,
    recorder: AuditRecorder,
    actor: str,
    now: datetime,
    start: datetime | None = None,
    end: datetime | None = None,
) -> Export:
    """Write every event (in time order) as JSON Lines to the blob store."""
    lines = [json.dumps(e.to_dict(), default=str) for e in log.iterate(start=start, end=end)]
    body = ("\n".join(lines) + "\n").encode() if lines else b""
    key = f"exports/audit-{now.strftime('%Y%m%dT%H%M%S%fZ')}.jsonl"
    location = blobs.put(key, body, "application/x-ndjson")
    recorder.record(AuditEventType.ADMIN_EXPORT, actor, location=location, events=len(lines))
    return Export(location=location, body=body, count=len(lines))
