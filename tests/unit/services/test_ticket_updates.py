from __future__ import annotations

from dataclasses import replace

import pytest

from chalicelib.domain.errors import Conflict
from chalicelib.domain.ticket import Ticket
from chalicelib.services.ticket_updates import ATTEMPTS, update_ticket
from tests.support.fakes import ALICE, album_request
from tests.unit.services.conftest import Rig


def created(rig: Rig) -> Ticket:
    return rig.tickets.create(album_request(), ALICE)


def test_a_lost_race_is_read_again_and_applied_again(rig: Rig) -> None:
    ticket = created(rig)
    rig.store.lose_next_saves(ATTEMPTS - 1)
    seen: list[int] = []

    def bump(current: Ticket) -> Ticket:
        seen.append(current.version)
        return replace(current, flow_attempt=current.flow_attempt + 1)

    before, after = update_ticket(rig.store, ticket.ticket_id, bump)
    assert seen == [1, 2, 3, 4, 5]  # each try saw the rival's newer version
    assert after.flow_attempt == ticket.flow_attempt + 1
    assert rig.store.get(ticket.ticket_id) == after and after.version == before.version + 1


def test_after_the_last_lost_race_it_raises_instead_of_dropping_the_write(rig: Rig) -> None:
    ticket = created(rig)
    rig.store.lose_next_saves(ATTEMPTS)
    with pytest.raises(Conflict, match=f"gave up after {ATTEMPTS} tries"):
        update_ticket(rig.store, ticket.ticket_id,
                      lambda t: replace(t, flow_attempt=t.flow_attempt + 1))
    assert rig.store.get(ticket.ticket_id).flow_attempt == ticket.flow_attempt


def test_no_change_writes_nothing(rig: Rig) -> None:
    ticket = created(rig)
    before, after = update_ticket(rig.store, ticket.ticket_id, lambda t: None)
    assert before is after and rig.store.saves == 0


def test_a_given_current_ticket_saves_the_first_read(rig: Rig) -> None:
    ticket = created(rig)
    stale = replace(ticket, version=0)
    # The given ticket is stale, so the first save loses and the second uses a fresh read.
    _, after = update_ticket(rig.store, ticket.ticket_id,
                             lambda t: replace(t, flow_attempt=7), current=stale)
    assert after.flow_attempt == 7 and after.version == 2
