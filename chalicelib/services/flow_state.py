"""Ticket state as the flow's stages see it: enter a state, report progress, record a failure.

Used by the stage handlers (acquisition Lambda, agent) so that the ticket in DynamoDB always
agrees with where the Step Functions execution is. Every write is conditional on what was
read; a lost race is re-read and retried, and a cancelled ticket stops the stage.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from chalicelib.domain.audit import AuditEventType
from chalicelib.domain.errors import Conflict, InvalidTransition
from chalicelib.domain.states import TicketState
from chalicelib.domain.ticket import Ticket
from chalicelib.ports import Clock, TicketEvents, TicketStore
from chalicelib.services.audit import AuditRecorder
from chalicelib.services.ticket_updates import update_ticket

# States a linked ticket follows its primary into: it shares the primary's download, and a
# search that found nothing for the primary finds nothing for the same content either.
FOLLOWED = frozenset({TicketState.DOWNLOADING, TicketState.CONVERTING, TicketState.PLACING,
                      TicketState.COMPLETED, TicketState.FAILED,
                      TicketState.ACQUISITION_FAILED})


class TicketCancelled(Exception):
    """The ticket was cancelled while a stage worked on it."""

    def __init__(self, ticket_id: str) -> None:
        super().__init__(f"ticket {ticket_id} was cancelled")
        self.ticket_id = ticket_id


class FlowState:
    def __init__(
        self,
        store: TicketStore,
        audit: AuditRecorder,
        events: TicketEvents,
        clock: Clock,
        actor: str = "flow",
    ) -> None:
        self._store = store
        self._audit = audit
        self._events = events
        self._clock = clock
        self._actor = actor

    def get(self, ticket_id: str) -> Ticket:
        return self._store.get(ticket_id)

    def enter(
        self,
        ticket_id: str,
        state: TicketState,
        reason: str,
        payload: dict[str, Any] | None = None,
        *,
        keep_payload: bool = False,
    ) -> Ticket:
        """Move the ticket into `state` (a no-op if it is there already).

        Raises TicketCancelled when the ticket was cancelled, InvalidTransition when the
        table forbids the move.
        """

        def change(ticket: Ticket) -> Ticket | None:
            if ticket.state is TicketState.CANCELLED:
                raise TicketCancelled(ticket_id)
            if ticket.state is state:
                return None
            merged = {**ticket.state_payload, **(payload or {})} if keep_payload else payload
            return ticket.transition(state, actor=self._actor, reason=reason,
                                     now=self._clock.now(), payload=merged)

        before, after = self._update(ticket_id, change)
        if after is not before:
            self._audit.record(AuditEventType.TICKET_STATE_CHANGED, self._actor, ticket_id,
                               from_state=before.state.value, to_state=state.value,
                               reason=reason, secs_in_state=_secs_in_state(before, after))
            kind = "needs_approval" if state is TicketState.NEEDS_APPROVAL else "state_change"
            self._events.publish(kind, after, {"from_state": before.state.value,
                                               "to_state": state.value})
            if state in FOLLOWED:
                for linked_id in after.linked_tickets:
                    self._follow(linked_id, after, state, reason, payload or {})
        return after

    def _follow(self, linked_id: str, primary: Ticket, state: TicketState, reason: str,
                payload: dict[str, Any]) -> None:
        """Move a linked ticket along with its primary (best effort: it may have ended)."""
        own = {k: v for k, v in payload.items() if k != "files"}
        if "files" in payload:
            prefix = f"{linked_id}:"
            own["files"] = [f for f in payload["files"]
                            if str(f.get("item_id", "")).startswith(prefix)]
        try:
            self.enter(linked_id, state, f"with {primary.ticket_id}: {reason}",
                       {**own, "linked_to": primary.ticket_id})
        except (TicketCancelled, InvalidTransition, Conflict):
            return

    def progress(self, ticket_id: str, **updates: Any) -> Ticket:
        """Merge `updates` into the current state's payload (progress, speed, ETA...)."""

        def change(ticket: Ticket) -> Ticket | None:
            if ticket.state is TicketState.CANCELLED:
                raise TicketCancelled(ticket_id)
            return ticket.with_payload(self._clock.now(), **updates)

        _, after = self._update(ticket_id, change)
        self._events.publish("progress", after, dict(updates))
        for linked_id in after.linked_tickets:
            try:
                self.progress(linked_id, **updates)
            except (TicketCancelled, Conflict):
                continue
        return after

    def claim(self, ticket_id: str, key: str, holder: str) -> str:
        """Make `holder` the payload's `key` unless another holder has it already; return
        whoever holds it now. One conditional write, so two agents never both win."""
        current: list[str] = []

        def change(ticket: Ticket) -> Ticket | None:
            if ticket.state is TicketState.CANCELLED:
                raise TicketCancelled(ticket_id)
            held = ticket.state_payload.get(key)
            if isinstance(held, str) and held:
                current[:] = [held]
                return None
            current[:] = [holder]
            return ticket.with_payload(self._clock.now(), **{key: holder})

        self._update(ticket_id, change)
        return current[0]

    def note_failure(self, ticket_id: str, error: str, reason: str, *, retryable: bool) -> None:
        """Keep why a stage is about to fail on the ticket itself.

        The flow carries the cause too, but not every Step Functions implementation passes
        a task's failure cause on (moto drops it), so the next stage reads it from here.
        """
        try:
            self.progress(ticket_id, last_failure={"error": error, "reason": reason,
                                                   "retryable": retryable})
        except TicketCancelled:
            return

    def _update(
        self, ticket_id: str, change: Callable[[Ticket], Ticket | None]
    ) -> tuple[Ticket, Ticket]:
        return update_ticket(self._store, ticket_id, change)


def _secs_in_state(before: Ticket, after: Ticket) -> float | None:
    """How long the ticket stayed in the state it has just left (stage durations, stats)."""
    if not before.history or not after.history:
        return None
    return round((after.history[-1].at - before.history[-1].at).total_seconds(), 3)
