"""Cancelling a ticket in each non-terminal state stops its flow and the agent's work."""

from __future__ import annotations

import pytest

from tests.integration.flow.conftest import FlowRig
from tests.support.test_agent import wait_for


def _cancel_and_check(rig: FlowRig, tid: str, from_state: str) -> None:
    answer = rig.stack.call("DELETE", f"/api/v1/ticket/{tid}?reason=test")
    assert answer.status == 200, answer.text
    assert answer.body["state"] == "cancelled"
    assert answer.body["history"][-2]["to_state"] == from_state
    statuses = rig.wait_flow(tid, "SUCCEEDED", "ABORTED", "FAILED")
    assert statuses[-1] in ("ABORTED", "SUCCEEDED", "FAILED")
    t = rig.get(tid)
    assert t["state"] == "cancelled"  # nothing moved it on after the cancel
    trail = rig.stack.call("GET", f"/api/v1/audit?ticket_id={tid}&event_type=TicketCancelled")
    assert trail.body["events"][0]["data"]["from_state"] == from_state


def test_cancel_while_waiting_for_approval(rig: FlowRig) -> None:
    tid = rig.create(rig.ticket(artist="Night Owls", album="Harbour Lights", tag="-c1"))
    rig.wait_state(tid, "needs_approval")
    _cancel_and_check(rig, tid, "needs_approval")


@pytest.mark.parametrize("stage", ["download", "convert", "place"])
def test_cancel_while_the_agent_works(rig: FlowRig, stage: str) -> None:
    state = {"download": "downloading", "convert": "converting", "place": "placing"}[stage]
    tid = rig.create(rig.ticket(behaviour=f"hold:{stage}", tag=f"-c-{stage}"))
    rig.wait_state(tid, state)
    wait_for(lambda: (tid, stage) in rig.agent.seen)
    _cancel_and_check(rig, tid, state)
    wait_for(lambda: tid in rig.agent.cancelled)  # the agent was told to drop the work


def test_cancel_right_after_creation(rig: FlowRig) -> None:
    tid = rig.create(rig.ticket(tag="-c0"))
    answer = rig.stack.call("DELETE", f"/api/v1/ticket/{tid}")
    assert answer.status == 200
    assert answer.body["history"][-2]["to_state"] in ("pending", "acquiring", "auto_approved",
                                                      "downloading")
    rig.wait_flow(tid, "SUCCEEDED", "ABORTED", "FAILED")
    assert rig.get(tid)["state"] == "cancelled"
    assert not any(t == tid and s == "place" for t, s, _ in rig.agent.handled)


def test_cancel_after_completion_is_409(rig: FlowRig) -> None:
    tid = rig.create(rig.ticket(tag="-c9"))
    rig.wait_state(tid, "completed")
    answer = rig.stack.call("DELETE", f"/api/v1/ticket/{tid}")
    assert answer.status == 409 and answer.body["current_state"] == "completed"


def test_cancel_while_searching(rig: FlowRig) -> None:
    from local.torznab_server import Fault

    rig.indexer.delay_secs = 4.0  # below the rig's 5 s indexer timeout
    rig.indexer.faults["*"] = Fault.SLOW
    try:
        # A query no earlier test searched: a cached answer would skip the slow indexer and
        # let the ticket leave acquiring before the cancel.
        tid = rig.create(rig.ticket(artist="Slow Tide", album="Still Searching", tag="-c-acq"))
        rig.wait_state(tid, "acquiring")
        _cancel_and_check(rig, tid, "acquiring")
    finally:
        rig.indexer.faults.clear()
        rig.indexer.delay_secs = 0.0
    assert not any(t == tid for t, _, _ in rig.agent.handled)
