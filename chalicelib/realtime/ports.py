"""What the realtime service needs from outside: where connections live, how to reach them."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Protocol

from chalicelib.realtime.protocol import Connection, Subscription


class ConnectionGone(Exception):
    """The client has gone away (API Gateway's GoneException); forget the connection."""


class ConnectionStore(Protocol):
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
