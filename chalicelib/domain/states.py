"""Ticket states and the one transition table that decides which changes are allowed."""

from __future__ import annotations

from enum import StrEnum

from chalicelib.domain.errors import InvalidTransition


class TicketState(StrEnum):
    """Where a ticket is in its life."""

    PENDING = "pending"
    ACQUIRING = "acquiring"
    ACQUISITION_FAILED = "acquisition_failed"
    NEEDS_APPROVAL = "needs_approval"
    AUTO_APPROVED = "auto_approved"
    APPROVED = "approved"
    REJECTED = "rejected"
    DRY_RUN_COMPLETE = "dry_run_complete"
    DOWNLOADING = "downloading"
    CONVERTING = "converting"
    PLACING = "placing"
    COMPLETED = "completed"
    FAILED = "failed"
    CANCELLED = "cancelled"


S = TicketState

# States where the flow has ended. Some of them still accept an explicit human restart
# (force-search, force-magnet, retry), which the table below allows.
TERMINAL_STATES: frozenset[TicketState] = frozenset(
    {
        S.ACQUISITION_FAILED,
        S.REJECTED,
        S.DRY_RUN_COMPLETE,
        S.COMPLETED,
        S.FAILED,
        S.CANCELLED,
    }
)

# States in which the flow is still running (what cancel and the reconciler care about).
ACTIVE_STATES: frozenset[TicketState] = frozenset(TicketState) - TERMINAL_STATES

_WORK_STATES = (S.DOWNLOADING, S.CONVERTING, S.PLACING)

TRANSITIONS: dict[TicketState, frozenset[TicketState]] = {
    S.PENDING: frozenset({S.ACQUIRING, S.FAILED, S.CANCELLED}),
    S.ACQUIRING: frozenset(
        {
            S.NEEDS_APPROVAL,
            S.AUTO_APPROVED,
            S.ACQUISITION_FAILED,
            S.DRY_RUN_COMPLETE,
            # A ticket whose files are all in the torrent catalog skips the download.
            S.CONVERTING,
            # A ticket linked to another that asks for the same content follows its download.
            S.DOWNLOADING,
            S.FAILED,
            S.CANCELLED,
        }
    ),
    S.ACQUISITION_FAILED: frozenset({S.ACQUIRING, S.DOWNLOADING, S.CANCELLED}),
    S.NEEDS_APPROVAL: frozenset(
        {S.APPROVED, S.REJECTED, S.ACQUIRING, S.DOWNLOADING, S.FAILED, S.CANCELLED}
    ),
    S.AUTO_APPROVED: frozenset({S.DOWNLOADING, S.CONVERTING, S.FAILED, S.CANCELLED}),
    S.APPROVED: frozenset({S.DOWNLOADING, S.CONVERTING, S.FAILED, S.CANCELLED}),
    S.REJECTED: frozenset({S.ACQUIRING, S.DOWNLOADING}),
    S.DRY_RUN_COMPLETE: frozenset(),
    # A failed download whose next-best candidate is not sure enough goes back to a human.
    S.DOWNLOADING: frozenset({S.CONVERTING, S.NEEDS_APPROVAL, S.FAILED, S.CANCELLED}),
    S.CONVERTING: frozenset({S.PLACING, S.FAILED, S.CANCELLED}),
    S.PLACING: frozenset({S.COMPLETED, S.FAILED, S.CANCELLED}),
    S.COMPLETED: frozenset(),
    # Retry resumes from the last safe state; a failed ticket may also be given up.
    S.FAILED: frozenset({S.PENDING, S.ACQUIRING, *_WORK_STATES, S.CANCELLED}),
    S.CANCELLED: frozenset(),
}


def can_transition(current: TicketState, target: TicketState) -> bool:
    """Whether the table allows moving from `current` to `target`."""
    return target in TRANSITIONS[current]


def check_transition(current: TicketState, target: TicketState) -> None:
    """Raise InvalidTransition unless the table allows the change."""
    if not can_transition(current, target):
        raise InvalidTransition(current.value, target.value)


def is_terminal(state: TicketState) -> bool:
    """Whether the flow has ended for a ticket in this state."""
    return state in TERMINAL_STATES


def retry_target(last_state: TicketState | None, has_work_order: bool) -> TicketState:
    """Where a retried ticket resumes, given the state it failed in.

    A ticket that failed while downloading, converting or placing resumes at the download
    with the same work order: every agent stage is idempotent, so finished work (a complete
    torrent, converted files, placed files) is not redone. Anything else searches again.
    """
    if last_state in _WORK_STATES and has_work_order:
        return S.DOWNLOADING
    return S.PENDING
