"""Push ticket events to every WebSocket connection that subscribed to them."""

from __future__ import annotations

import logging
from typing import Any

from chalicelib.domain.ticket import Ticket
from chalicelib.ports import ConnectionGone, ConnectionPoster, ConnectionStore
from chalicelib.realtime.protocol import EVENT_TYPES, MessageType, encode, event_message, matches

log = logging.getLogger("quentin.realtime")


class Broadcaster:
    """The TicketEvents port on the WebSocket API.

    It never raises: the ticket change it announces has already been stored, and a
    dashboard that cannot be reached must not turn that into an error for the caller.
    """

    def __init__(self, connections: ConnectionStore, poster: ConnectionPoster) -> None:
        self._connections = connections
        self._poster = poster

    def publish(self, kind: str, ticket: Ticket, data: dict[str, Any]) -> None:
        if kind not in {t.value for t in EVENT_TYPES}:
            log.warning("unknown event kind not broadcast", extra={"kind": kind,
                                                                  "ticket_id": ticket.ticket_id})
            return
        try:
            targets = [c for c in self._connections.all() if matches(c, ticket)]
        except Exception:
            log.exception("could not list connections", extra={"ticket_id": ticket.ticket_id})
            return
        for conn in targets:
            self._send(conn.connection_id, MessageType(kind).value, ticket, data)

    def _send(self, connection_id: str, kind: str, ticket: Ticket, data: dict[str, Any]) -> None:
        try:
            seq = self._connections.next_seq(connection_id)
            if seq is None:
                return
            self._poster.post(connection_id, encode(event_message(kind, seq, ticket, data)))
        except ConnectionGone:
            self._forget(connection_id)
        except Exception:
            # The client will see the gap in seq and ask for a fresh snapshot.
            log.warning("could not post to a connection", exc_info=True,
                        extra={"ticket_id": ticket.ticket_id, "connection_id": connection_id})

    def _forget(self, connection_id: str) -> None:
        try:
            self._connections.remove(connection_id)
            log.info("removed a stale connection", extra={"connection_id": connection_id})
        except Exception:
            log.warning("could not remove a stale connection", exc_info=True,
                        extra={"connection_id": connection_id})
