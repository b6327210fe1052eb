"""The order in which the snapshot reads the active states follows the flow."""

from __future__ import annotations

from chalicelib.domain.states import ACTIVE_STATES, TRANSITIONS, TicketState
from chalicelib.realtime.service import SWEEP_ORDER

# Moves against the flow, each after a human or a failure: a ticket making one of them while a
# snapshot is being read may be missing from it and arrives by its state_change event instead.
BACKWARD = {
    (TicketState.NEEDS_APPROVAL, TicketState.ACQUIRING),  # force-search
    (TicketState.DOWNLOADING, TicketState.NEEDS_APPROVAL),  # next candidate not sure enough
}


def test_every_active_state_is_read_once() -> None:
    assert sorted(SWEEP_ORDER) == sorted(ACTIVE_STATES)
    assert len(set(SWEEP_ORDER)) == len(SWEEP_ORDER)


def test_tickets_move_only_to_states_read_later() -> None:
    position = {state: n for n, state in enumerate(SWEEP_ORDER)}
    backward = {(a, b) for a in SWEEP_ORDER for b in TRANSITIONS[a]
                if b in position and position[b] <= position[a]}
    assert backward == BACKWARD
