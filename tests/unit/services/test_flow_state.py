"""FlowState on in-memory ports: the stages' one way to move a ticket and report progress."""

from __future__ import annotations

from dataclasses import replace

import pytest

from chalicelib.domain.audit import AuditEventType as E
from chalicelib.domain.errors import Conflict, InvalidTransition
from chalicelib.domain.states import TicketState as S
from chalicelib.domain.ticket import Ticket
from chalicelib.services.flow_state import TicketCancelled
from tests.support.fakes import ALICE, album_request
from tests.unit.services.conftest import Rig


def new_ticket(rig: Rig) -> Ticket:
    return rig.tickets.create(album_request(), ALICE)


def test_enter_moves_audits_and_announces_once(rig: Rig) -> None:
    ticket = new_ticket(rig)
    flow = rig.flow_state("acquisition")
    moved = flow.enter(ticket.ticket_id, S.ACQUIRING, "searching", {"queries": 2})
    assert (moved.state, moved.state_payload) == (S.ACQUIRING, {"queries": 2})
    assert moved.history[-1].actor == "acquisition"
    again = flow.enter(ticket.ticket_id, S.ACQUIRING, "searching again")
    assert again == moved  # already there: nothing written, nothing announced
    assert rig.audit_log.of(ticket.ticket_id) == [E.TICKET_CREATED, E.TICKET_STATE_CHANGED]
    assert rig.events.kinds(ticket.ticket_id) == ["created", "state_change"]


def test_needs_approval_is_announced_as_such(rig: Rig) -> None:
    ticket = new_ticket(rig)
    flow = rig.flow_state()
    flow.enter(ticket.ticket_id, S.ACQUIRING, "searching")
    flow.enter(ticket.ticket_id, S.NEEDS_APPROVAL, "not sure")
    assert rig.events.kinds(ticket.ticket_id)[-1] == "needs_approval"


def test_forbidden_moves_and_cancelled_tickets_are_refused(rig: Rig) -> None:
    ticket = new_ticket(rig)
    flow = rig.flow_state()
    with pytest.raises(InvalidTransition):
        flow.enter(ticket.ticket_id, S.COMPLETED, "too soon")
    rig.tickets.cancel(ticket.ticket_id, ALICE)
    with pytest.raises(TicketCancelled):
        flow.enter(ticket.ticket_id, S.ACQUIRING, "searching")
    with pytest.raises(TicketCancelled):
        flow.progress(ticket.ticket_id, progress_pct=10)


def test_progress_merges_into_the_payload_and_retries_lost_races(rig: Rig) -> None:
    ticket = new_ticket(rig)
    flow = rig.flow_state()
    flow.enter(ticket.ticket_id, S.ACQUIRING, "searching", {"queries": 2})
    rig.store.lose_next_saves(3)
    updated = flow.progress(ticket.ticket_id, progress_pct=40)
    assert updated.state_payload == {"queries": 2, "progress_pct": 40}
    assert rig.events.published[-1][::3] == ("progress", {"progress_pct": 40})
    rig.store.lose_next_saves(5)
    with pytest.raises(Conflict):
        flow.progress(ticket.ticket_id, progress_pct=50)


def test_note_failure_keeps_the_reason_for_the_next_stage(rig: Rig) -> None:
    ticket = new_ticket(rig)
    flow = rig.flow_state()
    flow.note_failure(ticket.ticket_id, "DownloadFailed", "no peers", retryable=False)
    assert rig.store.get(ticket.ticket_id).state_payload["last_failure"] == {
        "error": "DownloadFailed", "reason": "no peers", "retryable": False}


def test_a_linked_ticket_follows_its_primary_into_the_download(rig: Rig) -> None:
    primary = new_ticket(rig)
    linked = rig.tickets.create(album_request(), ALICE)
    flow = rig.flow_state()
    flow.enter(linked.ticket_id, S.ACQUIRING, "searching")
    flow.progress(linked.ticket_id, linked_to=primary.ticket_id)
    for state in (S.ACQUIRING, S.AUTO_APPROVED):
        flow.enter(primary.ticket_id, state, "on")
    current = rig.store.get(primary.ticket_id)
    rig.store.save(replace(current, linked_tickets=(linked.ticket_id,)), current)
    flow.enter(primary.ticket_id, S.DOWNLOADING, "downloading",
               {"files": [{"item_id": f"{linked.ticket_id}:t1"}, {"item_id": "t1"}]})
    follower = rig.store.get(linked.ticket_id)
    assert follower.state is S.DOWNLOADING
    assert follower.state_payload["linked_to"] == primary.ticket_id
    assert follower.state_payload["files"] == [{"item_id": f"{linked.ticket_id}:t1"}]
