"""FlowStages on in-memory ports: the approval wait and the failure record."""

from __future__ import annotations

from chalicelib.domain.stage_protocol import ERROR_CANCELLED, Stage, StageMessage
from chalicelib.domain.states import TicketState as S
from chalicelib.domain.ticket import Ticket
from chalicelib.services.flow_stages import FlowStages
from tests.support.fakes import ALICE, album_request
from tests.unit.services.conftest import Rig


def stages(rig: Rig) -> FlowStages:
    return FlowStages(rig.store, rig.flow_state(), rig.workflow)


def waiting(rig: Rig) -> Ticket:
    ticket = rig.tickets.create(album_request(), ALICE)
    flow = rig.flow_state()
    flow.enter(ticket.ticket_id, S.ACQUIRING, "searching")
    return flow.enter(ticket.ticket_id, S.NEEDS_APPROVAL, "not sure")


def message(ticket: Ticket, stage: Stage, token: str = "tok",
            error: dict[str, object] | None = None) -> StageMessage:
    return StageMessage(stage, ticket.ticket_id, token, error=error)


def test_the_approval_token_is_kept_until_a_person_decides(rig: Rig) -> None:
    ticket = waiting(rig)
    rig.store.lose_next_saves(2)  # a progress update meanwhile: look again, keep the token
    stages(rig).await_approval(message(ticket, Stage.APPROVAL, "tok-9"))
    assert rig.store.get(ticket.ticket_id).approval_token == "tok-9"
    assert rig.workflow.answered == {} and rig.workflow.failed == {}
    rig.tickets.reject(ticket.ticket_id, ALICE, "no")
    assert rig.workflow.answered == {"tok-9": {"decision": "rejected"}}


def test_a_decision_taken_before_the_stage_ran_is_answered_at_once(rig: Rig) -> None:
    ticket = waiting(rig)
    rig.tickets.reject(ticket.ticket_id, ALICE, "no")  # no token stored yet: nothing answered
    assert rig.workflow.answered == {}
    stages(rig).await_approval(message(ticket, Stage.APPROVAL, "late"))
    assert rig.workflow.answered == {"late": {"decision": "rejected"}}


def test_a_cancelled_ticket_fails_the_approval_step(rig: Rig) -> None:
    ticket = waiting(rig)
    rig.tickets.cancel(ticket.ticket_id, ALICE)
    stages(rig).await_approval(message(ticket, Stage.APPROVAL, "tok"))
    assert rig.workflow.failed["tok"][0] == ERROR_CANCELLED


def test_record_failure_keeps_the_cause_and_whether_retrying_helps(rig: Rig) -> None:
    ticket = waiting(rig)
    error = {"Error": "States.Timeout", "Cause": None}
    result = stages(rig).record_failure(message(ticket, Stage.RECORD_FAILURE, error=error))
    assert result == {"recorded": True, "retryable": True}
    failed = rig.store.get(ticket.ticket_id)
    assert failed.state is S.FAILED
    assert failed.state_payload["error"] == "States.Timeout"
    again = stages(rig).record_failure(message(ticket, Stage.RECORD_FAILURE, error=error))
    assert again == {"recorded": False, "state": "failed"}


def test_a_timeout_names_the_gone_agent_that_was_working_on_the_ticket(rig: Rig) -> None:
    gone = {"host-a": "has been silent for 950 s (limit 900 s)"}
    error = {"Error": "States.Timeout", "Cause": None}
    for agent, expected in (("host-a", "agent host-a, which was working on this ticket, has "
                                       "been silent for 950 s (limit 900 s); retry the ticket "
                                       "to run it on another agent"),
                            ("host-b", "States.Timeout")):  # alive: only the timeout is known
        ticket = waiting(rig)
        rig.flow_state().progress(ticket.ticket_id, agent_id=agent)
        with_registry = FlowStages(rig.store, rig.flow_state(), rig.workflow, gone.get)
        with_registry.record_failure(message(ticket, Stage.RECORD_FAILURE, error=error))
        failed = rig.store.get(ticket.ticket_id).state_payload
        assert (failed["cause"], failed["retryable"]) == (expected, True), agent
