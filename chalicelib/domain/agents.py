"""Agents (media hosts): who they are, when they were last heard of, and which one owns a
ticket's files. Several agents share one stack; the one that started a ticket's download
finishes it, converts and places the files, and the one that keeps a catalogued torrent
serves it."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from chalicelib.domain.states import TicketState
from chalicelib.domain.ticket import Ticket

# The ticket's state payload names the agent working on it (every agent stage writes it):
# while the ticket is Downloading it is the download's claim, and a cancel goes there.
AGENT_KEY = "agent_id"


@dataclass(frozen=True)
class AgentBeat:
    """What an agent last said about itself."""

    agent_id: str
    version: str
    seen_at: datetime
    free_bytes: dict[str, int] = field(default_factory=dict)  # folder -> free bytes
    client_status: str = "ok"  # "ok", or why the torrent client cannot download now
    running: int = 0  # stage tasks in progress

    def silent_for(self, now: datetime) -> timedelta:
        return now - self.seen_at

    def is_gone(self, now: datetime, gone_after_secs: float) -> bool:
        return self.silent_for(now).total_seconds() > gone_after_secs

    def to_dict(self) -> dict[str, Any]:
        return {"agent_id": self.agent_id, "version": self.version,
                "seen_at": self.seen_at.isoformat(), "free_bytes": dict(self.free_bytes),
                "client_status": self.client_status, "running": self.running}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> AgentBeat:
        return cls(agent_id=str(data["agent_id"]), version=str(data.get("version", "")),
                   seen_at=datetime.fromisoformat(str(data["seen_at"])),
                   free_bytes={str(k): int(v) for k, v in dict(data.get("free_bytes", {}))
                               .items()},
                   client_status=str(data.get("client_status", "ok")),
                   running=int(data.get("running", 0)))


def agent_queue_name(prefix: str, agent_id: str, purpose: str) -> str:
    """`<prefix>-agent-<id>-<purpose>`: a queue only that agent reads (made by the agent on
    start): its stage messages (`download`, `convert`, `place`) and its `control` messages."""
    safe = re.sub(r"[^A-Za-z0-9_-]", "_", agent_id)[:40]
    return f"{prefix}-agent-{safe}-{purpose}"


def download_claim(ticket: Ticket) -> str | None:
    """The agent that started the ticket's download, while the ticket is Downloading.

    A retry replaces the payload, so the claim belongs to one attempt only."""
    if ticket.state is not TicketState.DOWNLOADING:
        return None
    holder = ticket.state_payload.get(AGENT_KEY)
    return holder if isinstance(holder, str) and holder else None


def agents_holding(ticket: Ticket) -> list[str]:
    """The agents that may hold something of the ticket (download, converted files), for a
    cancel to reach; empty when none is known."""
    named = [ticket.state_payload.get(AGENT_KEY),
             ticket.work_order.agent_id if ticket.work_order else None]
    return sorted({a for a in named if isinstance(a, str) and a})


def owner_of(stage: str, results: dict[str, Any],
             work_agent_id: str | None = None, claimed_by: str | None = None) -> str | None:
    """The agent that must run `stage` of a ticket: the one holding its files.

    A download may run anywhere, unless its work order serves kept files (the torrent
    catalog): then only on `work_agent_id`, the agent keeping them; once an agent started
    it (`claimed_by`, see download_claim), only there: the partial files and the torrent's
    resume data are on that host. Convert and place run only where the download ran.
    """
    if stage == "download":
        return work_agent_id or claimed_by or None
    if stage not in ("convert", "place"):
        return None
    download = results.get("download")
    owner = download.get("agent_id") if isinstance(download, dict) else None
    return owner if isinstance(owner, str) and owner else None
