"""Every allowed and every forbidden transition of the one transition table."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime

import pytest

from chalicelib.domain.errors import InvalidTransition
from chalicelib.domain.request import (
    Constraints,
    ContentType,
    ItemKind,
    QueryContext,
    TicketItem,
    TicketRequest,
)
from chalicelib.domain.states import (
    ACTIVE_STATES,
    TERMINAL_STATES,
    TRANSITIONS,
    TicketState,
    can_transition,
    check_transition,
    retry_target,
)
from chalicelib.domain.ticket import Ticket

S = TicketState
ALLOWED = {
    (S.PENDING, S.ACQUIRING), (S.PENDING, S.FAILED), (S.PENDING, S.CANCELLED),
    (S.ACQUIRING, S.NEEDS_APPROVAL), (S.ACQUIRING, S.AUTO_APPROVED),
    (S.ACQUIRING, S.ACQUISITION_FAILED), (S.ACQUIRING, S.DRY_RUN_COMPLETE),
    (S.ACQUIRING, S.CONVERTING), (S.ACQUIRING, S.FAILED), (S.ACQUIRING, S.CANCELLED),
    (S.ACQUIRING, S.DOWNLOADING),
    (S.ACQUISITION_FAILED, S.ACQUIRING), (S.ACQUISITION_FAILED, S.DOWNLOADING),
    (S.ACQUISITION_FAILED, S.CANCELLED),
    (S.NEEDS_APPROVAL, S.APPROVED), (S.NEEDS_APPROVAL, S.REJECTED),
    (S.NEEDS_APPROVAL, S.ACQUIRING), (S.NEEDS_APPROVAL, S.DOWNLOADING),
    (S.NEEDS_APPROVAL, S.FAILED), (S.NEEDS_APPROVAL, S.CANCELLED),
    (S.AUTO_APPROVED, S.DOWNLOADING), (S.AUTO_APPROVED, S.CONVERTING),
    (S.AUTO_APPROVED, S.FAILED), (S.AUTO_APPROVED, S.CANCELLED),
    (S.APPROVED, S.DOWNLOADING), (S.APPROVED, S.CONVERTING), (S.APPROVED, S.FAILED),
    (S.APPROVED, S.CANCELLED),
    (S.REJECTED, S.ACQUIRING), (S.REJECTED, S.DOWNLOADING),
    (S.DOWNLOADING, S.CONVERTING), (S.DOWNLOADING, S.FAILED), (S.DOWNLOADING, S.CANCELLED),
    (S.DOWNLOADING, S.NEEDS_APPROVAL),
    (S.CONVERTING, S.PLACING), (S.CONVERTING, S.FAILED), (S.CONVERTING, S.CANCELLED),
    (S.PLACING, S.COMPLETED), (S.PLACING, S.FAILED), (S.PLACING, S.CANCELLED),
    (S.FAILED, S.PENDING), (S.FAILED, S.ACQUIRING), (S.FAILED, S.DOWNLOADING),
    (S.FAILED, S.CONVERTING), (S.FAILED, S.PLACING), (S.FAILED, S.CANCELLED),
}
ALL_PAIRS = list(itertools.product(TicketState, TicketState))


@pytest.mark.parametrize(("current", "target"), sorted(ALLOWED))
def test_allowed(current: TicketState, target: TicketState) -> None:
    assert can_transition(current, target)
    check_transition(current, target)


@pytest.mark.parametrize(("current", "target"), [p for p in ALL_PAIRS if p not in ALLOWED])
def test_forbidden(current: TicketState, target: TicketState) -> None:
    assert not can_transition(current, target)
    with pytest.raises(InvalidTransition) as err:
        check_transition(current, target)
    assert err.value.details == {"current_state": current.value, "target_state": target.value}


def test_table_covers_every_state_and_nothing_leaves_completed_or_cancelled() -> None:
    assert set(TRANSITIONS) == set(TicketState)
    for final in (S.COMPLETED, S.CANCELLED, S.DRY_RUN_COMPLETE):
        assert TRANSITIONS[final] == frozenset()
    assert ACTIVE_STATES.isdisjoint(TERMINAL_STATES)
    assert set(TicketState) == ACTIVE_STATES | TERMINAL_STATES
    for state in ACTIVE_STATES:
        assert S.CANCELLED in TRANSITIONS[state], state


def test_retry_resumes_from_the_last_safe_state() -> None:
    assert retry_target(S.CONVERTING, True) is S.DOWNLOADING
    assert retry_target(S.PLACING, True) is S.DOWNLOADING
    assert retry_target(S.PLACING, False) is S.PENDING
    assert retry_target(S.ACQUIRING, True) is S.PENDING
    assert retry_target(None, False) is S.PENDING


def _ticket() -> Ticket:
    request = TicketRequest(
        priority=1, dry_run=False, request_scope="movie",
        query=QueryContext(expected=ContentType.MOVIE, title="Heat", year=1995),
        items=(TicketItem("m", ItemKind.VIDEO, "/media/m.mkv"),), constraints=Constraints(),
    )
    return Ticket.new("t1", request, "alice", datetime(2026, 1, 1, tzinfo=UTC))


def test_ticket_transition_appends_history_and_refuses_forbidden_moves() -> None:
    now = datetime(2026, 1, 2, tzinfo=UTC)
    t = _ticket().transition(S.ACQUIRING, actor="system", reason="flow", now=now)
    t = t.transition(S.FAILED, actor="system", reason="boom", now=now, payload={"retryable": True})
    assert [h.to_state for h in t.history] == [S.PENDING, S.ACQUIRING, S.FAILED]
    assert t.state_payload == {"retryable": True}
    assert t.last_state_before(S.FAILED) is S.ACQUIRING
    with pytest.raises(InvalidTransition):
        t.transition(S.COMPLETED, actor="x", reason="", now=now)
