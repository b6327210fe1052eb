"""TicketService on in-memory ports: what each human action stores, audits, and tells the flow."""

from __future__ import annotations

from dataclasses import replace

import pytest

from chalicelib.domain.acquisition import AcquisitionRecord
from chalicelib.domain.audit import AuditEventType as E
from chalicelib.domain.errors import Conflict, Forbidden, NotFound, ValidationError
from chalicelib.domain.stage_protocol import WorkOrder
from chalicelib.domain.states import TicketState as S
from chalicelib.domain.ticket import Ticket
from chalicelib.ports import TicketFilter
from tests.support.fakes import ADMIN, ALICE, BOB, album_request
from tests.unit.services.conftest import Rig

HASH = "ab" * 20
MAGNET = f"magnet:?xt=urn:btih:{HASH}&dn=OKC"


def waiting_for_approval(rig: Rig, *, recommended: int | None = 0) -> Ticket:
    """A ticket the acquisition stage left in NeedsApproval with two scored candidates."""
    ticket = rig.tickets.create(album_request(), ALICE)
    flow = rig.flow_state("acquisition")
    flow.enter(ticket.ticket_id, S.ACQUIRING, "searching")
    flow.enter(ticket.ticket_id, S.NEEDS_APPROVAL, "not sure")
    scored = tuple({"candidate": {"title": f"Radiohead - OK Computer {n}", "info_hash": h},
                    "total": 0.7 - n / 10} for n, h in enumerate((HASH, "cd" * 20)))
    record = AcquisitionRecord("dumb", 0.7, recommended, "close call", scored)
    current = rig.store.get(ticket.ticket_id)
    return rig.store.save(replace(current, acquisition=record, approval_token="tok-1"), current)


def test_create_stores_audits_announces_and_starts_the_flow(rig: Rig) -> None:
    ticket = rig.tickets.create(album_request(tracks=2), ALICE)
    assert rig.store.get(ticket.ticket_id) == ticket
    assert (ticket.state, ticket.version, ticket.flow_attempt) == (S.PENDING, 1, 1)
    assert ticket.requested_by == "alice" and len(ticket.request.items) == 2
    assert rig.audit_log.of(ticket.ticket_id) == [E.TICKET_CREATED]
    assert rig.events.kinds(ticket.ticket_id) == ["created"]
    assert rig.workflow.started == [(ticket.ticket_id, "acquire", 1)]


def test_an_invalid_request_names_the_field_and_stores_nothing(rig: Rig) -> None:
    body = album_request()
    body["tracks"][0]["dest_path"] = "/etc/passwd"
    with pytest.raises(ValidationError) as caught:
        rig.tickets.create(body, ALICE)
    assert any("dest_path" in e.field for e in caught.value.errors)
    assert rig.store.tickets == {} and rig.workflow.started == []


def test_users_see_and_list_only_their_own_tickets(rig: Rig) -> None:
    mine = rig.tickets.create(album_request(), ALICE)
    theirs = rig.tickets.create(album_request(album="Kid A"), BOB)
    with pytest.raises(NotFound):  # not Forbidden: the id must not confirm the ticket exists
        rig.tickets.get(theirs.ticket_id, ALICE)
    assert rig.tickets.get(theirs.ticket_id, ADMIN) == theirs
    listed = rig.tickets.list_tickets(TicketFilter(), ALICE, 10, None).items
    assert [t.ticket_id for t in listed] == [mine.ticket_id]
    with pytest.raises(Forbidden):
        rig.tickets.list_tickets(TicketFilter(requested_by="bob"), ALICE, 10, None)
    everything = rig.tickets.list_tickets(TicketFilter(state=S.PENDING), ADMIN, 10, None)
    assert {t.ticket_id for t in everything.items} == {mine.ticket_id, theirs.ticket_id}
    assert rig.tickets.stats()["pending"] == 2


def test_cancel_stops_the_flow_and_survives_lost_races(rig: Rig) -> None:
    ticket = rig.tickets.create(album_request(), ALICE)
    rig.store.lose_next_saves(2)  # a progress update lands twice meanwhile
    cancelled = rig.tickets.cancel(ticket.ticket_id, ALICE, "changed my mind")
    assert cancelled.state is S.CANCELLED
    assert rig.workflow.stopped == [(ticket.ticket_id, "changed my mind")]
    assert rig.audit_log.of(ticket.ticket_id)[-2:] == [E.TICKET_STATE_CHANGED,
                                                        E.TICKET_CANCELLED]
    with pytest.raises(Conflict):
        rig.tickets.cancel(ticket.ticket_id, ALICE)  # already ended


def test_approve_builds_a_typed_work_order_and_answers_the_waiting_flow(rig: Rig) -> None:
    ticket = waiting_for_approval(rig)
    approved = rig.tickets.approve(ticket.ticket_id, ALICE)
    assert approved.state is S.APPROVED and approved.approval_token is None
    assert isinstance(approved.work_order, WorkOrder)
    assert approved.work_order.candidate is not None
    assert approved.work_order.candidate.info_hash == HASH
    assert [f.dest_path for f in approved.work_order.files] == [
        i.dest_path for i in ticket.request.items]
    assert rig.workflow.answered["tok-1"] == {"decision": "approved",
                                              "work": approved.work_order.to_dict()}
    assert E.APPROVAL_GRANTED in rig.audit_log.of(ticket.ticket_id)


def test_approve_another_candidate_or_refuse_when_none_is_recommended(rig: Rig) -> None:
    ticket = waiting_for_approval(rig, recommended=None)
    with pytest.raises(ValidationError, match="candidate_idx"):
        rig.tickets.approve(ticket.ticket_id, ALICE)
    with pytest.raises(ValidationError, match="candidate_idx"):
        rig.tickets.approve(ticket.ticket_id, ALICE, 2)
    approved = rig.tickets.approve(ticket.ticket_id, ALICE, 1)
    assert approved.work_order is not None and approved.work_order.candidate is not None
    assert approved.work_order.candidate.info_hash == "cd" * 20


def test_reject_ends_the_ticket_and_answers_the_flow(rig: Rig) -> None:
    ticket = waiting_for_approval(rig)
    rejected = rig.tickets.reject(ticket.ticket_id, ALICE, "wrong edition")
    assert rejected.state is S.REJECTED
    assert rejected.state_payload == {"reason": "wrong edition"}
    assert rig.workflow.answered["tok-1"] == {"decision": "rejected"}


def test_force_magnet_checks_the_link_then_goes_straight_to_download(rig: Rig) -> None:
    ticket = waiting_for_approval(rig)
    with pytest.raises(ValidationError) as caught:
        rig.tickets.force_magnet(ticket.ticket_id, ALICE, "magnet:?xt=urn:btih:nothex")
    assert caught.value.errors[0].field == "magnet_uri"
    forced = rig.tickets.force_magnet(ticket.ticket_id, ALICE, MAGNET)
    assert forced.state is S.DOWNLOADING
    assert forced.work_order is not None and forced.work_order.candidate is not None
    assert forced.work_order.candidate.magnet_uri == MAGNET
    assert rig.workflow.answered["tok-1"]["decision"] == "force_magnet"


def test_force_search_after_a_failed_acquisition_starts_a_new_attempt(rig: Rig) -> None:
    ticket = rig.tickets.create(album_request(), ALICE)
    flow = rig.flow_state("acquisition")
    flow.enter(ticket.ticket_id, S.ACQUIRING, "searching")
    flow.enter(ticket.ticket_id, S.ACQUISITION_FAILED, "nothing found")
    forced = rig.tickets.force_search(ticket.ticket_id, ALICE, "  Radiohead OKC  ")
    assert forced.state is S.ACQUIRING and forced.flow_attempt == 2
    assert forced.state_payload == {"forced_query": "Radiohead OKC"}
    assert rig.workflow.started[-1] == (ticket.ticket_id, "acquire", 2)


def test_retry_resumes_the_download_when_there_is_a_work_order(rig: Rig) -> None:
    ticket = rig.tickets.create(album_request(), ALICE)
    flow = rig.flow_state()
    for state in (S.ACQUIRING, S.AUTO_APPROVED, S.DOWNLOADING):
        flow.enter(ticket.ticket_id, state, "moving on")
    current = rig.store.get(ticket.ticket_id)
    rig.store.save(replace(current, work_order=WorkOrder(ticket.ticket_id, 100, ())), current)
    flow.enter(ticket.ticket_id, S.FAILED, "disk full", {"retryable": True})
    retried = rig.tickets.retry(ticket.ticket_id, ALICE)
    assert retried.state is S.DOWNLOADING and retried.flow_attempt == 2
    assert rig.workflow.started[-1] == (ticket.ticket_id, "download", 2)
    assert E.ADMIN_RETRY in rig.audit_log.of(ticket.ticket_id)


def test_retry_after_a_gone_keeper_searches_again_but_a_gone_downloader_does_not(
        rig: Rig) -> None:
    flow = rig.flow_state()
    for keeper in ("ghost", None):
        ticket = rig.tickets.create(album_request(), ALICE)
        for state in (S.ACQUIRING, S.AUTO_APPROVED, S.DOWNLOADING):
            flow.enter(ticket.ticket_id, state, "moving on")
        current = rig.store.get(ticket.ticket_id)
        work = WorkOrder(ticket.ticket_id, 100, (), agent_id=keeper)
        rig.store.save(replace(current, work_order=work), current)
        flow.enter(ticket.ticket_id, S.FAILED, "agent gone",
                   {"retryable": True, "error": "AgentGone"})
        retried = rig.tickets.retry(ticket.ticket_id, ALICE)
        # Kept files on a gone agent serve nobody; a gone downloader's work order still does.
        assert retried.state is (S.PENDING if keeper else S.DOWNLOADING), keeper
        assert rig.workflow.started[-1][1] == ("acquire" if keeper else "download")
