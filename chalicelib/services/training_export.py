"""Training data: every acquisition decision with its full inputs and what people did next.

One JSON object per ticket that reached a decision: the request, the candidates with their
score breakdowns and file mappings, the decision (method, confidence, reasoning), the
outcome, and the human corrections (approval of a chosen candidate, rejection, forced
search or magnet) read from the audit trail.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import asdict
from datetime import datetime
from typing import Any

from chalicelib.domain.audit import AuditEventType
from chalicelib.domain.codec import request_to_dict
from chalicelib.domain.redaction import redact_secrets
from chalicelib.domain.ticket import Ticket
from chalicelib.ports import AuditLog, BlobStore, TicketStore
from chalicelib.services.audit import AuditRecorder, Export

CORRECTIONS = {
    AuditEventType.APPROVAL_GRANTED: "approved",
    AuditEventType.APPROVAL_REJECTED: "rejected",
    AuditEventType.ADMIN_FORCE_SEARCH: "forced_search",
    AuditEventType.ADMIN_FORCE_MAGNET: "forced_magnet",
    AuditEventType.RELEASE_BLOCKLISTED: "release_failed",
}
PAGE = 100


def training_record(ticket: Ticket, corrections: list[dict[str, Any]]) -> dict[str, Any]:
    """The training example of one ticket."""
    acquisition = ticket.acquisition.to_dict() if ticket.acquisition else {}
    chosen = ticket.work_order.candidate if ticket.work_order else None
    return {
        "ticket_id": ticket.ticket_id,
        "created_at": ticket.created_at.isoformat(),
        "request": request_to_dict(ticket.request),
        "decision": {k: acquisition.get(k) for k in (
            "method", "recommended_index", "confidence", "auto_approve", "reasoning",
            "threshold", "queries_tried", "candidates_seen", "catalog")},
        "candidates": acquisition.get("candidates", []),
        "chosen": asdict(chosen) if chosen is not None else None,
        "outcome": ticket.state.value,
        "corrections": corrections,
    }


def training_records(store: TicketStore, audit: AuditLog) -> Iterator[dict[str, Any]]:
    cursor: str | None = None
    while True:
        page = store.list_all(PAGE, cursor)
        for ticket in page.items:
            if ticket.acquisition is None:
                continue
            yield redact_secrets(training_record(ticket, _corrections(audit, ticket.ticket_id)))
        cursor = page.cursor
        if not cursor:
            return


def _corrections(audit: AuditLog, ticket_id: str) -> list[dict[str, Any]]:
    events = audit.query(ticket_id=ticket_id, event_type=None, start=None, end=None,
                         limit=200, cursor=None, newest_first=False).items
    return [{"kind": CORRECTIONS[e.event_type], "actor": e.actor, "at": e.at.isoformat(),
             **e.data} for e in events if e.event_type in CORRECTIONS]


def export_training_jsonl(store: TicketStore, audit: AuditLog, blobs: BlobStore,
                          recorder: AuditRecorder, actor: str, now: datetime) -> Export:
    lines = [json.dumps(r, default=str) for r in training_records(store, audit)]
    body = ("\n".join(lines) + "\n").encode() if lines else b""
    key = f"exports/training-{now.strftime('%Y%m%dT%H%M%S%fZ')}.jsonl"
    location = blobs.put(key, body, "application/x-ndjson")
    recorder.record(AuditEventType.ADMIN_EXPORT, actor, location=location, records=len(lines),
                    kind="training")
    return Export(location=location, body=body, count=len(lines))
