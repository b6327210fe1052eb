"""The reconciler restarts flows that nothing drives, from where it is safe, and no others."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

from chalicelib.domain.request import (
    Constraints,
    ContentType,
    ItemKind,
    QueryContext,
    TicketItem,
    TicketRequest,
)
from chalicelib.domain.stage_protocol import WorkOrder
from chalicelib.domain.states import TicketState
from chalicelib.domain.ticket import Ticket
from chalicelib.services.reconciler import reconcile
from tests.support.fakes import FakeWorkflow, InMemoryTicketStore

T0 = datetime(2026, 1, 1, tzinfo=UTC)
S = TicketState


def ticket(tid: str, state: TicketState, *, work: bool = False, linked_to: str | None = None,
           updated: datetime = T0) -> Ticket:
    request = TicketRequest(1, False, "movie", QueryContext(ContentType.MOVIE, title="Heat"),
                            (TicketItem("m", ItemKind.VIDEO, "/media/m.mkv"),), Constraints())
    return replace(Ticket.new(tid, request, "u", T0), state=state, flow_attempt=1, version=1,
                   work_order=WorkOrder(tid, 1, ()) if work else None, updated_at=updated,
                   state_payload={"linked_to": linked_to} if linked_to else {})


def store_of(tickets: list[Ticket]) -> InMemoryTicketStore:
    store = InMemoryTicketStore()
    store.tickets = {t.ticket_id: t for t in tickets}
    return store


def running(*ticket_ids: str) -> FakeWorkflow:
    return FakeWorkflow(statuses={(tid, 1): "RUNNING" for tid in ticket_ids})


def test_restarts_only_what_is_abandoned_and_resumes_safely() -> None:
    store = store_of([
        ticket("searching", S.ACQUIRING), ticket("waiting", S.NEEDS_APPROVAL),
        ticket("placing", S.PLACING, work=True), ticket("placing-no-work", S.PLACING),
        ticket("running", S.DOWNLOADING, work=True), ticket("done", S.COMPLETED),
        ticket("linked", S.ACQUIRING, linked_to="searching"),
    ])
    flows = running("running")
    repairs = reconcile(store, flows, flows)
    assert sorted((r.ticket_id, r.resumed_at) for r in repairs) == [
        ("placing", "download"), ("placing-no-work", "acquire"), ("searching", "acquire"),
        ("waiting", "approval")]
    assert all(attempt == 2 for _, _, attempt in flows.started)
    assert store.tickets["waiting"].flow_attempt == 2
    assert store.tickets["running"].flow_attempt == 1


def test_recently_changed_tickets_are_left_alone() -> None:
    store = store_of([ticket("old", S.ACQUIRING),
                      ticket("new", S.ACQUIRING, updated=T0 + timedelta(minutes=20))])
    flows = running()
    repairs = reconcile(store, flows, flows, quiet_since=T0 + timedelta(minutes=5))
    assert [r.ticket_id for r in repairs] == ["old"]
