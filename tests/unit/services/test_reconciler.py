"""The reconciler restarts flows that nothing drives, from where it is safe, and no others."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

from chalicelib.domain.errors import Conflict, NotFound
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
from chalicelib.ports import Page
from chalicelib.services.reconciler import reconcile

T0 = datetime(2026, 1, 1, tzinfo=UTC)
S = TicketState


class Store:
    """An in-memory ticket store with the port's conditional save."""

    def __init__(self, tickets: list[Ticket]) -> None:
        self.tickets = {t.ticket_id: t for t in tickets}

    def list_by_state(self, state: TicketState, limit: int, cursor: str | None) -> Page[Ticket]:
        return Page([t for t in self.tickets.values() if t.state is state], None)

    def save(self, ticket: Ticket, expected: Ticket) -> Ticket:
        current = self.tickets.get(ticket.ticket_id)
        if current is None:
            raise NotFound(ticket.ticket_id)
        if current.version != expected.version:
            raise Conflict("changed")
        stored = replace(ticket, version=expected.version + 1)
        self.tickets[ticket.ticket_id] = stored
        return stored


class Flows:
    def __init__(self, running: set[str]) -> None:
        self.running = running
        self.started: list[tuple[str, str, int]] = []

    def status(self, ticket_id: str, attempt: int) -> str | None:
        return "RUNNING" if ticket_id in self.running else None

    def start(self, ticket: Ticket, start_at: str = "acquire") -> None:
        self.started.append((ticket.ticket_id, start_at, ticket.flow_attempt))


def ticket(tid: str, state: TicketState, *, work: bool = False, linked_to: str | None = None,
           updated: datetime = T0) -> Ticket:
    request = TicketRequest(1, False, "movie", QueryContext(ContentType.MOVIE, title="Heat"),
                            (TicketItem("m", ItemKind.VIDEO, "/media/m.mkv"),), Constraints())
    return replace(Ticket.new(tid, request, "u", T0), state=state, flow_attempt=1, version=1,
                   work_order=WorkOrder(tid, 1, ()) if work else None, updated_at=updated,
                   state_payload={"linked_to": linked_to} if linked_to else {})


def test_restarts_only_what_is_abandoned_and_resumes_safely() -> None:
    store = Store([
        ticket("searching", S.ACQUIRING), ticket("waiting", S.NEEDS_APPROVAL),
        ticket("placing", S.PLACING, work=True), ticket("placing-no-work", S.PLACING),
        ticket("running", S.DOWNLOADING, work=True), ticket("done", S.COMPLETED),
        ticket("linked", S.ACQUIRING, linked_to="searching"),
    ])
    flows = Flows(running={"running"})
    repairs = reconcile(store, flows, flows)  # type: ignore[arg-type]
    assert sorted((r.ticket_id, r.resumed_at) for r in repairs) == [
        ("placing", "download"), ("placing-no-work", "acquire"), ("searching", "acquire"),
        ("waiting", "approval")]
    assert all(attempt == 2 for _, _, attempt in flows.started)
    assert store.tickets["waiting"].flow_attempt == 2
    assert store.tickets["running"].flow_attempt == 1


def test_recently_changed_tickets_are_left_alone() -> None:
    store = Store([ticket("old", S.ACQUIRING),
                   ticket("new", S.ACQUIRING, updated=T0 + timedelta(minutes=20))])
    flows = Flows(running=set())
    repairs = reconcile(store, flows, flows, quiet_since=T0 + timedelta(minutes=5))  # type: ignore[arg-type]
    assert [r.ticket_id for r in repairs] == ["old"]
