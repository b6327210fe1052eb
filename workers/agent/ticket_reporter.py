"""What the agent tells the service about a ticket: state changes, progress, audit events.

Progress writes are throttled (DynamoDB is not a progress bar); audit progress events are
recorded once per `audit_step_pct` step. A ticket found cancelled stops the stage. Every
state entered and every audit event names the agent (`agent_id`): a cancel is addressed to
it, and the audit trail shows which media host ran each stage.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import Any

from chalicelib.domain.agents import AGENT_KEY
from chalicelib.domain.audit import AuditEventType
from chalicelib.domain.states import TicketState
from chalicelib.domain.ticket import Ticket
from chalicelib.services.audit import AuditRecorder
from chalicelib.services.flow_state import FlowState, TicketCancelled
from workers.agent.task import StageStopped, StopReason

ACTOR = "agent"
log = logging.getLogger("quentin.agent")


class TicketReporter:
    """Ticket state and audit for one stage task."""

    def __init__(self, flow: FlowState, audit: AuditRecorder, ticket_id: str, *,
                 progress_interval_secs: float = 2.0, audit_step_pct: int = 10,
                 clock: Callable[[], float] = time.monotonic, agent_id: str = "") -> None:
        self._flow = flow
        self._audit = audit
        self.ticket_id = ticket_id
        self._interval = progress_interval_secs
        self._step = audit_step_pct
        self._clock = clock
        self._last_write: float | None = None
        self._last_audit_step = -1
        self.agent_id = agent_id

    def current_state(self) -> TicketState:
        return self._flow.get(self.ticket_id).state

    def ticket(self) -> Ticket:
        return self._flow.get(self.ticket_id)

    def enter(self, state: TicketState, reason: str, payload: dict[str, Any] | None = None) -> None:
        """Move the ticket into `state`; StageStopped(CANCELLED) when it was cancelled."""
        if self.agent_id:
            payload = {**(payload or {}), AGENT_KEY: self.agent_id}
        try:
            self._flow.enter(self.ticket_id, state, reason, payload)
        except TicketCancelled:
            raise StageStopped(StopReason.CANCELLED) from None

    def claim_download(self) -> str:
        """Claim the ticket's download for this agent; the agent holding it now (another
        one when it claimed first: the download is theirs)."""
        if not self.agent_id:
            return ""
        try:
            return self._flow.claim(self.ticket_id, AGENT_KEY, self.agent_id)
        except TicketCancelled:
            raise StageStopped(StopReason.CANCELLED) from None

    def check_not_cancelled(self) -> None:
        if self.current_state() is TicketState.CANCELLED:
            raise StageStopped(StopReason.CANCELLED)

    def progress(self, pct: float, *, force: bool = False, audit: AuditEventType | None = None,
                 **updates: Any) -> bool:
        """Write progress (at most once per interval unless `force`); True if written.

        With `audit`, also records that event each time `pct` crosses a new step.
        """
        pct = max(0.0, min(100.0, pct))
        step = int(pct // self._step) * self._step
        if audit is not None and step > self._last_audit_step:
            self._last_audit_step = step
            self.record(audit, progress_pct=step, **_plain(updates))
        now = self._clock()
        if not force and self._last_write is not None and now - self._last_write < self._interval:
            return False
        self._last_write = now
        try:
            self._flow.progress(self.ticket_id, progress_pct=round(pct, 1), **updates)
        except TicketCancelled:
            raise StageStopped(StopReason.CANCELLED) from None
        return True

    def note_failure(self, error: str, reason: str, *, retryable: bool) -> None:
        """Keep the failure's reason on the ticket (see FlowState.note_failure)."""
        self._flow.note_failure(self.ticket_id, error, reason, retryable=retryable)

    def record(self, event: AuditEventType, **data: Any) -> None:
        if self.agent_id:
            data = {**data, AGENT_KEY: self.agent_id}
        self._audit.record(event, ACTOR, self.ticket_id, **data)
        log.info("%s", event.value, extra={"ticket_id": self.ticket_id, "data": _plain(data)})


def _plain(data: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in data.items() if v is not None}
