"""Optimistic updates of one ticket: read, change, save on condition, again on a lost race."""

from __future__ import annotations

from collections.abc import Callable

from chalicelib.domain.errors import Conflict
from chalicelib.domain.ticket import Ticket
from chalicelib.ports import TicketStore

ATTEMPTS = 5


def update_ticket(
    store: TicketStore,
    ticket_id: str,
    change: Callable[[Ticket], Ticket | None],
    *,
    current: Ticket | None = None,
    attempts: int = ATTEMPTS,
) -> tuple[Ticket, Ticket]:
    """Apply `change` to the stored ticket and save it on condition; (before, after).

    `change` returns the changed ticket, or None to leave it alone (then after is before);
    it may raise to give up. When another writer got there first, the ticket is read again
    and `change` applied again. After the last lost race this raises Conflict: a write is
    never dropped silently. `current` saves the first read when the caller has just read it.
    """
    before = current if current is not None else store.get(ticket_id)
    for attempt in range(attempts):
        if attempt:
            before = store.get(ticket_id)
        changed = change(before)
        if changed is None:
            return before, before
        try:
            return before, store.save(changed, before)
        except Conflict:
            continue  # someone else wrote first: read again and re-apply
    raise Conflict(f"ticket {ticket_id} kept changing; gave up after {attempts} tries")
