"""Live connections (the WebSocket API): who is watching, and which ticket events they want."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Subscription:
    """Which ticket events a connection receives. Empty filters mean "all I may see"."""

    ticket_ids: frozenset[str] = frozenset()
    requested_by: str | None = None
    include_terminal: bool = False
    muted: bool = False

    def to_dict(self) -> dict[str, Any]:
        return {"ticket_ids": sorted(self.ticket_ids), "requested_by": self.requested_by,
                "include_terminal": self.include_terminal, "muted": self.muted}

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Subscription:
        return cls(frozenset(d.get("ticket_ids") or ()), d.get("requested_by"),
                   bool(d.get("include_terminal")), bool(d.get("muted")))


@dataclass(frozen=True)
class Viewer:
    """The identity behind a connection, as far as matching needs it."""

    user_id: str
    is_admin: bool


@dataclass(frozen=True)
class Connection:
    """A stored WebSocket connection: who it is and what it listens to."""

    connection_id: str
    viewer: Viewer
    subscription: Subscription = field(default_factory=Subscription)
    connected_at: str = ""
