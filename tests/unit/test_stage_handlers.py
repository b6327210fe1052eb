"""The Lambda stages' handler on in-memory ports: every failure answers the task token."""

from __future__ import annotations

import json

from chalicelib.bootstrap import Flow
from chalicelib.domain.stage_protocol import SCHEMA, Stage
from chalicelib.domain.states import TicketState as S
from chalicelib.services.acquisition import AcquisitionService
from chalicelib.services.flow_stages import FlowStages
from chalicelib.stage_handlers import ERROR_STAGE, handle_records
from chalicelib.textbrain.brain import BrainMode, TextBrain
from tests.support.fakes import ALICE, FakeCandidateSource, album_request, offer
from tests.unit.services.conftest import Rig


def flow(rig: Rig, source: FakeCandidateSource) -> Flow:
    state = rig.flow_state()
    acquisition = AcquisitionService(rig.flow_state("acquisition"), rig.store,
                                     TextBrain(BrainMode.DUMB_ONLY, None), source, rig.recorder,
                                     rig.blocklist, 0.85, None)
    return Flow(rig.workflow, rig.workflow, state, acquisition,
                FlowStages(rig.store, state, rig.workflow))


def body(stage: Stage, ticket_id: str, token: str) -> str:
    return json.dumps({"schema": SCHEMA, "stage": stage.value, "ticket_id": ticket_id,
                       "task_token": token})


def test_a_decision_that_cannot_be_saved_fails_the_task_for_a_retry() -> None:
    rig = Rig()
    ticket = rig.tickets.create(album_request(dry_run=True), ALICE)
    rig.flow_state().enter(ticket.ticket_id, S.ACQUIRING, "searching")
    rig.store.lose_next_saves(5)
    answer = handle_records([("m1", body(Stage.ACQUIRE, ticket.ticket_id, "tok"))],
                            flow(rig, FakeCandidateSource([offer("Radiohead OK Computer")])))
    assert answer == {"batchItemFailures": []}  # handled: the flow decides what comes next
    error, cause = rig.workflow.failed["tok"]
    assert error == ERROR_STAGE
    assert json.loads(cause)["retryable"] is True and "kept changing" in cause
    assert rig.workflow.answered == {}


def test_an_acquisition_answers_the_flow_and_a_bad_message_goes_back_to_sqs() -> None:
    rig = Rig()
    ticket = rig.tickets.create(album_request(dry_run=True), ALICE)
    answer = handle_records([("m1", body(Stage.ACQUIRE, ticket.ticket_id, "tok")),
                             ("m2", "not json")],
                            flow(rig, FakeCandidateSource([offer("Radiohead OK Computer")])))
    assert answer == {"batchItemFailures": [{"itemIdentifier": "m2"}]}
    assert rig.workflow.answered == {"tok": {"outcome": "dry_run_complete"}}
