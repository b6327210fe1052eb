"""The WebSocket API's use cases: connect (authenticate), subscribe, disconnect."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass, field

from chalicelib.auth.identity import Authenticator, Identity
from chalicelib.domain.connections import Connection, Subscription, Viewer
from chalicelib.domain.errors import DomainError
from chalicelib.domain.states import TicketState
from chalicelib.domain.ticket import Ticket
from chalicelib.ports import (
    Clock,
    ConnectionGone,
    ConnectionPoster,
    ConnectionStore,
    TicketFilter,
    TicketReader,
)
from chalicelib.realtime.credentials import ws_credentials
from chalicelib.realtime.protocol import (
    ClientMessageError,
    apply_action,
    encode,
    error_message,
    in_snapshot,
    parse_client_message,
    snapshot_message,
)

log = logging.getLogger("quentin.realtime")
SNAPSHOT_MAX_TICKETS = 1000
_PAGE = 200
# The active states in the order a ticket moves through them. The snapshot lists one state
# after another while tickets keep moving; in this order a ticket that moves on during the
# sweep is found again under a later state, so no ticket active throughout is missed (in any
# other order one going from `pending` to `acquiring` can slip between the two reads).
SWEEP_ORDER: tuple[TicketState, ...] = (
    TicketState.PENDING, TicketState.ACQUIRING, TicketState.NEEDS_APPROVAL,
    TicketState.APPROVED, TicketState.AUTO_APPROVED, TicketState.DOWNLOADING,
    TicketState.CONVERTING, TicketState.PLACING,
)


@dataclass(frozen=True)
class ConnectAnswer:
    """What the $connect handler returns: 200 accepts the connection, anything else refuses."""

    status: int
    headers: dict[str, str] = field(default_factory=dict)
    message: str = ""


class RealtimeService:
    def __init__(self, authenticator: Authenticator, connections: ConnectionStore,
                 poster: ConnectionPoster, tickets: TicketReader, clock: Clock) -> None:
        self._auth = authenticator
        self._connections = connections
        self._poster = poster
        self._tickets = tickets
        self._clock = clock

    def connect(self, connection_id: str, query: Mapping[str, str],
                headers: Mapping[str, str], source_ip: str) -> ConnectAnswer:
        """Authenticate like the REST API and remember the connection."""
        creds = ws_credentials(query, headers)
        try:
            who = self._auth.authenticate({"X-API-Key": creds.api_key} if creds.api_key else {},
                                          source_ip)
        except DomainError as e:
            log.info("websocket connection refused", extra={"reason": e.message})
            return ConnectAnswer(401, message=e.message)
        include = query.get("include_terminal", "").lower() in ("true", "1")
        self._connections.add(Connection(connection_id, Viewer(who.user_id, who.is_admin),
                                         Subscription(include_terminal=include, muted=True),
                                         self._clock.now().isoformat()))
        log.info("websocket connected", extra={"connection_id": connection_id,
                                               "user_id": who.user_id})
        headers_out = {"Sec-WebSocket-Protocol": creds.subprotocol} if creds.subprotocol else {}
        return ConnectAnswer(200, headers_out)

    def message(self, connection_id: str, body: str) -> None:
        """Apply a subscribe/unsubscribe; answer a subscribe with a fresh snapshot."""
        conn = self._connections.get(connection_id)
        if conn is None:
            return
        try:
            action = parse_client_message(body)
        except ClientMessageError as e:
            self._post(connection_id, encode(error_message(str(e))))
            return
        sub = apply_action(conn.subscription, action)
        self._connections.set_subscription(connection_id, sub)
        if action.action == "subscribe":
            self.send_snapshot(Connection(connection_id, conn.viewer, sub, conn.connected_at))

    def send_snapshot(self, conn: Connection) -> None:
        # Take the number before reading: events after it may already show in the tickets,
        # and replaying those is harmless, whereas missing one would not be.
        seq = self._connections.next_seq(conn.connection_id)
        if seq is None:
            return
        tickets = [t for t in self._snapshot_tickets(conn) if in_snapshot(conn, t)]
        tickets.sort(key=lambda t: (-t.priority, t.created_at))
        self._post(conn.connection_id, encode(snapshot_message(seq, tickets)))

    def _snapshot_tickets(self, conn: Connection) -> list[Ticket]:
        who = Identity(conn.viewer.user_id, conn.viewer.is_admin, "websocket")
        sub = conn.subscription
        if sub.ticket_ids:
            return [self._tickets.get(tid, who) for tid in sorted(sub.ticket_ids)
                    if self._exists(tid, who)]
        if sub.include_terminal or sub.requested_by or not who.is_admin:
            return self._collect(TicketFilter(requested_by=sub.requested_by), who)
        latest: dict[str, Ticket] = {}
        for state in SWEEP_ORDER:
            for ticket in self._collect(TicketFilter(state=state), who):
                seen = latest.get(ticket.ticket_id)
                if seen is None or ticket.version > seen.version:
                    latest[ticket.ticket_id] = ticket  # seen twice: it moved meanwhile
        return list(latest.values())

    def _exists(self, ticket_id: str, who: Identity) -> bool:
        try:
            self._tickets.get(ticket_id, who)
            return True
        except DomainError:
            return False

    def _collect(self, filt: TicketFilter, who: Identity) -> list[Ticket]:
        found: list[Ticket] = []
        cursor: str | None = None
        while len(found) < SNAPSHOT_MAX_TICKETS:
            page = self._tickets.list_tickets(filt, who, _PAGE, cursor)
            found += page.items
            cursor = page.cursor
            if not cursor:
                break
        return found

    def disconnect(self, connection_id: str) -> None:
        self._connections.remove(connection_id)
        log.info("websocket disconnected", extra={"connection_id": connection_id})

    def _post(self, connection_id: str, data: str) -> None:
        try:
            self._poster.post(connection_id, data)
        except ConnectionGone:
            self._connections.remove(connection_id)
