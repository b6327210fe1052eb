"""Plain-dict forms of tickets and requests, for storage and for the API."""

from __future__ import annotations

from dataclasses import asdict
from datetime import datetime
from enum import Enum
from typing import Any

from chalicelib.domain.acquisition import AcquisitionRecord
from chalicelib.domain.redaction import redact_secrets
from chalicelib.domain.request import (
    Constraints,
    ContentType,
    ItemKind,
    OutputFormat,
    QueryContext,
    TicketItem,
    TicketRequest,
)
from chalicelib.domain.stage_protocol import WorkOrder
from chalicelib.domain.states import TicketState
from chalicelib.domain.ticket import Ticket, Transition


def _plain(value: Any) -> Any:
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items() if v is not None}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return value


def request_to_dict(request: TicketRequest) -> dict[str, Any]:
    """The normalised JSON form of a request (what the API returns and storage keeps)."""
    d = asdict(request)
    return {
        "priority": request.priority,
        "dry_run": request.dry_run,
        "request_scope": request.request_scope,
        "query_context": _plain(d["query"]),
        "items": [_plain(i) for i in d["items"]],
        "constraints": _plain(d["constraints"]),
        "metadata_to_embed": dict(request.metadata_to_embed),
    }


def request_from_dict(d: dict[str, Any]) -> TicketRequest:
    """Rebuild a request from `request_to_dict`'s output (trusted, already validated)."""
    q = dict(d["query_context"])
    q["expected"] = ContentType(q["expected"])
    q["genres"] = tuple(q.get("genres", ()))
    q["tags"] = tuple(q.get("tags", ()))
    items = []
    for raw in d["items"]:
        item = dict(raw)
        item["kind"] = ItemKind(item["kind"])
        items.append(TicketItem(**item))
    c = dict(d.get("constraints") or {})
    if "format" in c:
        c["format"] = OutputFormat(c["format"])
    for key in ("audio_languages", "subtitle_languages"):
        if key in c:
            c[key] = tuple(c[key])
    return TicketRequest(
        priority=int(d["priority"]),
        dry_run=bool(d["dry_run"]),
        request_scope=str(d["request_scope"]),
        query=QueryContext(**q),
        items=tuple(items),
        constraints=Constraints(**c),
        metadata_to_embed=dict(d.get("metadata_to_embed") or {}),
    )


def ticket_to_dict(ticket: Ticket, *, include_secrets: bool = False) -> dict[str, Any]:
    """The API's view of a ticket: request, state and payload, history.

    `include_secrets` keeps the pending approval token and the credentials inside indexer
    and tracker URLs (for storage only); otherwise those are left out or masked.
    """
    out: dict[str, Any] = {
        "ticket_id": ticket.ticket_id,
        "state": ticket.state.value,
        "state_payload": ticket.state_payload,
        "priority": ticket.priority,
        "dry_run": ticket.request.dry_run,
        "requested_by": ticket.requested_by,
        "created_at": ticket.created_at.isoformat(),
        "updated_at": ticket.updated_at.isoformat(),
        "linked_tickets": list(ticket.linked_tickets),
        "version": ticket.version,
        "request": request_to_dict(ticket.request),
        "history": [t.to_dict() for t in ticket.history],
        "flow_attempt": ticket.flow_attempt,
        "acquisition": ticket.acquisition.to_dict() if ticket.acquisition else None,
        "work_order": ticket.work_order.to_dict() if ticket.work_order else None,
    }
    if include_secrets:
        out["approval_token"] = ticket.approval_token
        return out
    for key in ("state_payload", "acquisition", "work_order"):
        out[key] = redact_secrets(out[key])
    return out


def ticket_from_dict(d: dict[str, Any]) -> Ticket:
    """Rebuild a ticket from `ticket_to_dict`'s output."""
    return Ticket(
        ticket_id=d["ticket_id"],
        request=request_from_dict(d["request"]),
        requested_by=d["requested_by"],
        created_at=datetime.fromisoformat(d["created_at"]),
        updated_at=datetime.fromisoformat(d["updated_at"]),
        state=TicketState(d["state"]),
        state_payload=dict(d.get("state_payload") or {}),
        history=tuple(Transition.from_dict(t) for t in d.get("history", [])),
        linked_tickets=tuple(d.get("linked_tickets") or ()),
        version=int(d.get("version", 0)),
        flow_attempt=int(d.get("flow_attempt") or 0),
        acquisition=AcquisitionRecord.from_dict(d["acquisition"]) if d.get("acquisition") else None,
        work_order=WorkOrder.from_dict(d["work_order"]) if d.get("work_order") else None,
        approval_token=d.get("approval_token"),
    )
