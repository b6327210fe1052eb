"""Counting tickets on DynamoDB while they move: the total is exact, never a racy sum."""

from __future__ import annotations

import threading
import time
import uuid
from dataclasses import replace

from chalicelib.adapters.aws.models import build_models
from chalicelib.adapters.aws.ticket_store import DynamoTicketStore
from chalicelib.adapters.clock import SystemClock
from chalicelib.config import Config
from chalicelib.domain.states import TicketState
from chalicelib.domain.ticket import Ticket
from chalicelib.domain.validation import parse_ticket_request
from tests.integration.api.conftest import EXAMPLE_TICKET

# Two states far apart in TicketState's order: a per-state count visits one long before
# the other, which is when a ticket moving between them is missed or counted twice.
BACK_AND_FORTH = (TicketState.PENDING, TicketState.PLACING)


def test_total_is_exact_while_tickets_move(aws_config: Config) -> None:
    store = DynamoTicketStore(build_models(aws_config))
    request = parse_ticket_request(EXAMPLE_TICKET, ["/media"])
    ids = [store.create(Ticket.new(uuid.uuid4().hex, request, "u", SystemClock().now())
                        ).ticket_id for _ in range(6)]
    stop = threading.Event()
    moves = [0]

    def move() -> None:
        while not stop.is_set():
            for tid in ids:
                ticket = store.get(tid)
                target = BACK_AND_FORTH[ticket.state is BACK_AND_FORTH[0]]
                store.save(replace(ticket, state=target), ticket)
                moves[0] += 1

    mover = threading.Thread(target=move, daemon=True)
    mover.start()
    try:
        totals = {store.count_all()}
        deadline = time.monotonic() + 30
        while moves[0] < 60 and time.monotonic() < deadline:  # count through 60 moves
            totals.add(store.count_all())
    finally:
        stop.set()
        mover.join(timeout=10)
    assert moves[0] >= 60  # the tickets did move while being counted
    # (A sum of per-state counts gave totals from 1 to 9 here.)
    assert totals == {6}
