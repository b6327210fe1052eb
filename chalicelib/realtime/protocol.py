"""The WebSocket protocol: message shapes, client actions and subscription matching (pure).

Server → client: ``{"type": "snapshot", "seq": N, "tickets": [...]}`` in answer to every
``subscribe``, then ``created`` / ``state_change`` / ``progress`` / ``needs_approval`` events
``{"type", "seq", "ticket_id", "ticket", "data"}``. ``seq`` counts the messages sent to one
connection (a DynamoDB atomic counter, so it stays monotonic whichever process posts), so a
client that sees a number skipped has missed a message and should subscribe again to get a
fresh snapshot. ``error`` messages carry no ``seq``.

Tickets travel as summaries: API Gateway refuses messages over 128 KB, and a ticket's
candidates alone can approach that. The REST API has the full ticket.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from enum import StrEnum
from typing import Any

from chalicelib.domain.connections import Connection, Subscription, Viewer
from chalicelib.domain.states import is_terminal
from chalicelib.domain.ticket import Ticket

MAX_MESSAGE_BYTES = 120_000  # API Gateway's limit is 128 KB; keep a margin for framing
PROGRESS_KEYS = ("progress_pct", "speed_bps", "eta_secs", "eta", "stage", "files_done",
                 "files_total")


class MessageType(StrEnum):
    SNAPSHOT = "snapshot"
    CREATED = "created"
    STATE_CHANGE = "state_change"
    PROGRESS = "progress"
    NEEDS_APPROVAL = "needs_approval"
    ERROR = "error"


EVENT_TYPES = frozenset({MessageType.CREATED, MessageType.STATE_CHANGE, MessageType.PROGRESS,
                         MessageType.NEEDS_APPROVAL})


class ClientMessageError(ValueError):
    """A client message that does not follow the protocol; the text says what is wrong."""


@dataclass(frozen=True)
class ClientAction:
    """A parsed client message: subscribe or unsubscribe, with optional filters."""

    action: str
    ticket_id: str | None = None
    requested_by: str | None = None
    include_terminal: bool | None = None


def parse_client_message(body: str) -> ClientAction:
    """Parse a client's text frame, or raise ClientMessageError naming the offending field."""
    try:
        raw = json.loads(body)
    except ValueError as e:
        raise ClientMessageError("message is not valid JSON") from e
    except RecursionError as e:
        raise ClientMessageError("message is nested too deeply") from e
    if not isinstance(raw, dict):
        raise ClientMessageError("message must be a JSON object")
    action = raw.get("action")
    if action not in ("subscribe", "unsubscribe"):
        raise ClientMessageError("'action' must be \"subscribe\" or \"unsubscribe\"")
    values: dict[str, Any] = {}
    for name in ("ticket_id", "requested_by"):
        value = raw.get(name)
        if value is not None and (not isinstance(value, str) or not value.strip()):
            raise ClientMessageError(f"'{name}' must be a non-empty string")
        values[name] = value
    include = raw.get("include_terminal")
    if include is not None and not isinstance(include, bool):
        raise ClientMessageError("'include_terminal' must be true or false")
    return ClientAction(action, values["ticket_id"], values["requested_by"], include)


def apply_action(sub: Subscription, act: ClientAction) -> Subscription:
    """The subscription after a client action.

    ``subscribe`` with no filter means everything (and clears earlier filters);
    ``unsubscribe`` with no filter mutes the connection until the next subscribe.
    """
    include = sub.include_terminal if act.include_terminal is None else act.include_terminal
    if act.action == "subscribe":
        if act.ticket_id is None and act.requested_by is None:
            return Subscription(include_terminal=include)
        ids = sub.ticket_ids | {act.ticket_id} if act.ticket_id else sub.ticket_ids
        requester = act.requested_by or sub.requested_by
        return Subscription(frozenset(ids), requester, include, muted=False)
    if act.ticket_id is None and act.requested_by is None:
        return replace(sub, muted=True)
    ids = sub.ticket_ids - {act.ticket_id} if act.ticket_id else sub.ticket_ids
    requester = None if act.requested_by == sub.requested_by else sub.requested_by
    return replace(sub, ticket_ids=frozenset(ids), requested_by=requester)


def may_see(viewer: Viewer, ticket: Ticket) -> bool:
    """Non-admins see only their own tickets (as in the REST API)."""
    return viewer.is_admin or ticket.requested_by == viewer.user_id


def matches(conn: Connection, ticket: Ticket) -> bool:
    """Whether an event about `ticket` goes to this connection.

    Events about terminal tickets are always sent to matching connections: the client must
    learn that a ticket it shows has ended. ``include_terminal`` shapes the snapshot only.
    """
    sub = conn.subscription
    if sub.muted or not may_see(conn.viewer, ticket):
        return False
    if sub.ticket_ids and ticket.ticket_id not in sub.ticket_ids:
        return False
    return sub.requested_by is None or ticket.requested_by == sub.requested_by


def in_snapshot(conn: Connection, ticket: Ticket) -> bool:
    """Whether a ticket belongs in this connection's snapshot."""
    if not conn.subscription.include_terminal and is_terminal(ticket.state):
        return False
    return matches(replace(conn, subscription=replace(conn.subscription, muted=False)), ticket)


def ticket_summary(ticket: Ticket) -> dict[str, Any]:
    """The small form of a ticket that realtime messages carry."""
    query = ticket.request.query
    label = " – ".join(p for p in (query.artist, query.album or query.title) if p)
    payload = ticket.state_payload
    summary: dict[str, Any] = {
        "ticket_id": ticket.ticket_id,
        "state": ticket.state.value,
        "priority": ticket.priority,
        "requested_by": ticket.requested_by,
        "created_at": ticket.created_at.isoformat(),
        "updated_at": ticket.updated_at.isoformat(),
        "version": ticket.version,
        "dry_run": ticket.request.dry_run,
        "expected": query.expected.value,
        "label": label or ticket.ticket_id,
    }
    progress = {k: payload[k] for k in PROGRESS_KEYS if k in payload}
    if progress:
        summary["progress"] = progress
    if isinstance(payload.get("error"), str):
        summary["error"] = payload["error"][:500]
    return summary


def event_message(kind: str, seq: int, ticket: Ticket, data: dict[str, Any]) -> dict[str, Any]:
    """A ticket event as sent to one connection (kind must be one of EVENT_TYPES)."""
    kind_type = MessageType(kind)
    if kind_type not in EVENT_TYPES:
        raise ValueError(f"not an event kind: {kind}")
    return {"type": kind_type.value, "seq": seq, "ticket_id": ticket.ticket_id,
            "ticket": ticket_summary(ticket), "data": data}


def snapshot_message(seq: int, tickets: list[Ticket]) -> dict[str, Any]:
    """A snapshot of the given tickets, cut to fit one WebSocket message (``truncated``)."""
    summaries: list[dict[str, Any]] = []
    size = 200
    truncated = False
    for ticket in tickets:
        summary = ticket_summary(ticket)
        size += len(json.dumps(summary, default=str)) + 1
        if size > MAX_MESSAGE_BYTES:
            truncated = True
            break
        summaries.append(summary)
    return {"type": MessageType.SNAPSHOT.value, "seq": seq, "tickets": summaries,
            "truncated": truncated}


def error_message(message: str) -> dict[str, Any]:
    return {"type": MessageType.ERROR.value, "message": message}


def encode(message: dict[str, Any]) -> str:
    return json.dumps(message, separators=(",", ":"), default=str)
