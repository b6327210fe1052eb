"""The flow's small Lambda stages: waiting for approval, and recording a failure."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import replace
from typing import Any

from chalicelib.domain.agents import AGENT_KEY
from chalicelib.domain.stage_protocol import (
    ERROR_AGENT_GONE,
    ERROR_CANCELLED,
    StageMessage,
    failure_cause,
    read_cause,
)
from chalicelib.domain.states import TicketState
from chalicelib.domain.ticket import Ticket
from chalicelib.ports import TicketStore, Workflow
from chalicelib.services.flow_state import FlowState, TicketCancelled
from chalicelib.services.ticket_updates import update_ticket

log = logging.getLogger("quentin.flow")
S = TicketState
# Errors after which trying again can help; others need a person (or a new candidate).
RETRYABLE_ERRORS = frozenset({"States.Timeout", "States.HeartbeatTimeout", "Transient",
                              "States.TaskFailed", "ConversionFailed", ERROR_AGENT_GONE})


def decision_for(ticket: Ticket) -> dict[str, Any] | None:
    """What the approval step must answer, judging by the ticket; None while it waits."""
    if ticket.state is S.APPROVED:
        return {"decision": "approved", "work": _work(ticket)}
    if ticket.state is S.REJECTED:
        return {"decision": "rejected"}
    if ticket.state is S.ACQUIRING:
        return {"decision": "force_search"}
    if ticket.state is S.DOWNLOADING:
        return {"decision": "force_magnet", "work": _work(ticket)}
    if ticket.state is S.CANCELLED:
        return {"decision": "cancelled"}
    if ticket.state is S.NEEDS_APPROVAL:
        return None
    return {"decision": "rejected", "note": f"ticket is {ticket.state.value}"}


def _work(ticket: Ticket) -> dict[str, Any] | None:
    return ticket.work_order.to_dict() if ticket.work_order is not None else None


TIMEOUTS = frozenset({"States.Timeout", "States.HeartbeatTimeout"})


class FlowStages:
    def __init__(self, store: TicketStore, flow: FlowState, workflow: Workflow,
                 agent_gone: Callable[[str], str | None] = lambda agent_id: None) -> None:
        """`agent_gone(id)` says how long a gone agent has been silent (None: alive)."""
        self._store = store
        self._flow = flow
        self._workflow = workflow
        self._agent_gone = agent_gone

    def await_approval(self, msg: StageMessage) -> None:
        """Keep the token with the ticket, or answer at once if a person already decided."""
        def keep_token(ticket: Ticket) -> Ticket | None:
            if decision_for(ticket) is not None:
                return None
            return replace(ticket, approval_token=msg.task_token)

        # A lost race means a person acted meanwhile: update_ticket looks again.
        before, after = update_ticket(self._store, msg.ticket_id, keep_token)
        decision = decision_for(before) if after is before else None
        if decision is None:
            return
        if decision["decision"] == "cancelled":
            self._workflow.fail(msg.task_token, ERROR_CANCELLED,
                                failure_cause("cancelled", retryable=False))
        else:
            self._workflow.answer(msg.task_token, decision)

    def record_failure(self, msg: StageMessage) -> dict[str, Any]:
        """Put the ticket in Failed with what went wrong, unless it already ended."""
        error = msg.error or {}
        name = str(error.get("Error") or "Unknown")
        cause = read_cause(error.get("Cause"))
        ticket = self._store.get(msg.ticket_id)
        if ticket.state in (S.CANCELLED, S.FAILED, S.COMPLETED):
            return {"recorded": False, "state": ticket.state.value}
        noted = ticket.state_payload.get("last_failure") or {}
        if noted.get("error") == name and not error.get("Cause"):
            cause = noted
        retryable = bool(cause.get("retryable", name in RETRYABLE_ERRORS))
        reason = str(cause.get("reason") or name)
        if name in TIMEOUTS:  # nobody answered: say so when the agent on it is gone
            reason = self._gone_agent(ticket) or reason
        try:
            self._flow.enter(ticket.ticket_id, S.FAILED, f"{name}: {reason}"[:500], {
                "retryable": retryable, "error": name, "cause": reason[:2000],
                "stage": ticket.state.value, "retry_count": max(0, ticket.flow_attempt - 1),
            })
        except TicketCancelled:
            return {"recorded": False, "state": "cancelled"}
        return {"recorded": True, "retryable": retryable}

    def _gone_agent(self, ticket: Ticket) -> str | None:
        agent = ticket.state_payload.get(AGENT_KEY)
        if not isinstance(agent, str) or not agent:
            return None
        try:
            silence = self._agent_gone(agent)
        except Exception:  # the registry unreachable: the timeout says enough
            log.warning("agent registry unreachable", exc_info=True)
            return None
        if silence is None:
            return None
        return (f"agent {agent}, which was working on this ticket, {silence}; retry the "
                f"ticket to run it on another agent")
