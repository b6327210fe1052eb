"""Find tickets whose flow is not running although they are active, and restart their flow.

After a crash of the local stack (moto keeps executions and queues in memory) or a lost
execution in AWS, a ticket may sit in an active state with nothing driving it. Every such
ticket gets a new execution that resumes where it is safe: searching again, waiting for
approval again, or the agent's stages with the same work order (they are idempotent).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, replace
from datetime import datetime

from chalicelib.domain.errors import Conflict
from chalicelib.domain.states import ACTIVE_STATES, TicketState
from chalicelib.domain.ticket import Ticket
from chalicelib.ports import FlowStatus, TicketStore, Workflow

log = logging.getLogger("quentin.reconciler")
S = TicketState
RESUME_AT: dict[TicketState, str] = {
    S.PENDING: "acquire",
    S.ACQUIRING: "acquire",
    S.NEEDS_APPROVAL: "approval",
    S.AUTO_APPROVED: "download",
    S.APPROVED: "download",
    S.DOWNLOADING: "download",
    S.CONVERTING: "download",
    S.PLACING: "download",
}


@dataclass(frozen=True)
class Repair:
    ticket_id: str
    state: str
    execution_status: str | None
    resumed_at: str


def reconcile(store: TicketStore, workflow: Workflow, flows: FlowStatus,
              quiet_since: datetime | None = None) -> list[Repair]:
    """Restart the flow of every active ticket whose execution is not running.

    With `quiet_since`, tickets changed after that moment are left alone: a flow that is
    starting right now must not look abandoned (the periodic run in AWS uses this; the local
    stack runs it before serving, when nothing can be starting).
    """
    repairs: list[Repair] = []
    for state in sorted(ACTIVE_STATES):
        cursor: str | None = None
        while True:
            page = store.list_by_state(state, 100, cursor)
            for ticket in page.items:
                if quiet_since is not None and ticket.updated_at > quiet_since:
                    continue
                repair = _repair(ticket, store, workflow, flows)
                if repair is not None:
                    repairs.append(repair)
            cursor = page.cursor
            if not cursor:
                break
    if repairs:
        log.info("restarted flows", extra={"count": len(repairs)})
    return repairs


def _repair(ticket: Ticket, store: TicketStore, workflow: Workflow,
            flows: FlowStatus) -> Repair | None:
    status = flows.status(ticket.ticket_id, ticket.flow_attempt)
    if status == "RUNNING":
        return None
    if ticket.state_payload.get("linked_to"):
        return None  # its primary's flow carries it
    resume = RESUME_AT.get(ticket.state)
    if resume is None:
        return None
    if resume == "download" and ticket.work_order is None:
        resume = "acquire"
    restarted = replace(ticket, flow_attempt=ticket.flow_attempt + 1, approval_token=None)
    try:
        stored = store.save(restarted, ticket)
    except Conflict:
        return None  # it moved meanwhile, so something is driving it
    workflow.start(stored, resume)
    return Repair(ticket.ticket_id, ticket.state.value, status, resume)
