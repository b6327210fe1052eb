"""The Ticket entity: a request, where it is in its life, and how it got there."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

from chalicelib.domain.acquisition import AcquisitionRecord
from chalicelib.domain.request import TicketRequest
from chalicelib.domain.stage_protocol import WorkOrder
from chalicelib.domain.states import TicketState, check_transition


@dataclass(frozen=True)
class Transition:
    """One state change in a ticket's history: who moved it, why and when."""

    from_state: TicketState | None
    to_state: TicketState
    actor: str
    reason: str
    at: datetime

    def to_dict(self) -> dict[str, Any]:
        return {
            "from_state": self.from_state.value if self.from_state else None,
            "to_state": self.to_state.value,
            "actor": self.actor,
            "reason": self.reason,
            "at": self.at.isoformat(),
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Transition:
        return cls(
            from_state=TicketState(d["from_state"]) if d.get("from_state") else None,
            to_state=TicketState(d["to_state"]),
            actor=str(d["actor"]),
            reason=str(d.get("reason", "")),
            at=datetime.fromisoformat(d["at"]),
        )


@dataclass(frozen=True)
class Ticket:
    """A consumer's request and its progress; changed only through `transition`."""

    ticket_id: str
    request: TicketRequest
    requested_by: str
    created_at: datetime
    updated_at: datetime
    state: TicketState = TicketState.PENDING
    state_payload: dict[str, Any] = field(default_factory=dict)
    history: tuple[Transition, ...] = ()
    linked_tickets: tuple[str, ...] = ()
    version: int = 0
    # Which execution of the flow is current (1 for the first; retries and restarts add one).
    flow_attempt: int = 0
    # The latest acquisition decision (candidates with breakdowns), kept across states.
    acquisition: AcquisitionRecord | None = None
    # What the agent must do: the chosen candidate, file mapping and destinations.
    work_order: WorkOrder | None = None
    # The Step Functions token of a pending approval; never shown by the API.
    approval_token: str | None = field(default=None, repr=False)

    @property
    def priority(self) -> int:
        return self.request.priority

    @classmethod
    def new(
        cls, ticket_id: str, request: TicketRequest, requested_by: str, now: datetime
    ) -> Ticket:
        """A fresh Pending ticket whose history starts with its creation."""
        created = Transition(None, TicketState.PENDING, requested_by, "ticket created", now)
        return cls(
            ticket_id=ticket_id,
            request=request,
            requested_by=requested_by,
            created_at=now,
            updated_at=now,
            history=(created,),
        )

    def transition(
        self,
        target: TicketState,
        *,
        actor: str,
        reason: str,
        now: datetime,
        payload: dict[str, Any] | None = None,
    ) -> Ticket:
        """The ticket in `target`, if the transition table allows it (else InvalidTransition)."""
        check_transition(self.state, target)
        step = Transition(self.state, target, actor, reason, now)
        return replace(
            self,
            state=target,
            state_payload=dict(payload or {}),
            history=(*self.history, step),
            updated_at=now,
        )

    def with_payload(self, now: datetime, **updates: Any) -> Ticket:
        """The ticket with its current state's payload updated (progress, candidates...)."""
        return replace(self, state_payload={**self.state_payload, **updates}, updated_at=now)

    def last_state_before(self, state: TicketState) -> TicketState | None:
        """The state the ticket was in before it last entered `state`."""
        for step in reversed(self.history):
            if step.to_state is state:
                return step.from_state
        return None
