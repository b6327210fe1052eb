"""SQS delivers at least once: a stage message that arrives twice (together, or long after the
first copy was answered) is worked on once; the copy is a no-op (the real agent on a real
flow, and the service's own acquisition stage in the running stack)."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

from chalicelib.adapters.aws.clients import aws_client
from chalicelib.domain.audit import AuditEventType as E
from chalicelib.domain.stage_protocol import Stage
from tests.integration.flow.conftest import start_rig, stop_rig
from tests.integration.workers.agent.harness import (
    AgentThread,
    Harness,
    album_mapping,
    make_harness,
    work_order,
)
from tests.support.test_agent import wait_for
from workers.agent.wiring import AgentParts


def _take_message(harness: Harness, stage: Stage, timeout: float = 20) -> str:
    """The flow's message for `stage`, taken off the queue before any agent sees it."""
    url = harness.queue(stage)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        got = harness.sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=1,
                                          WaitTimeSeconds=1)
        for message in got.get("Messages", []):
            harness.sqs.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])
            return str(message["Body"])
    raise AssertionError(f"no {stage.value} message in {timeout}s")


def _deliver(harness: Harness, stage: Stage, body: str, times: int = 1) -> None:
    for _ in range(times):
        harness.sqs.send_message(QueueUrl=harness.queue(stage), MessageBody=body)


def _queue_drained(harness: Harness, stage: Stage) -> bool:
    attrs = harness.sqs.get_queue_attributes(
        QueueUrl=harness.queue(stage), AttributeNames=[
            "ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"])
    return all(v == "0" for v in attrs["Attributes"].values())


def _settled(parts: AgentParts, handled: int, stage: Stage, timeout: float = 60) -> None:
    """Wait until the agent finished `handled` tasks of `stage` and its queue is empty."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        done = [o for o in parts.agent.outcomes if o[1] == stage.value]
        if len(done) >= handled:
            return
        time.sleep(0.1)
    raise AssertionError(f"agent outcomes: {parts.agent.outcomes}")


def _kinds(harness: Harness, ticket_id: str) -> list[E]:
    return [k for k, _ in harness.events(ticket_id)]


def _states(harness: Harness, ticket_id: str) -> list[str]:
    return [d["to_state"] for k, d in harness.events(ticket_id) if k is E.TICKET_STATE_CHANGED]


def _snapshot(paths: list[Path]) -> dict[str, tuple[int, int]]:
    return {str(p): (p.stat().st_ino, p.stat().st_mtime_ns) for p in paths}


def test_every_stage_delivered_twice_is_worked_once(
        faults_aws: str, tmp_path: Path, album_source: Path) -> None:
    harness = make_harness(faults_aws, tmp_path)
    ticket = harness.create_ticket(tracks=2, with_cover_item=False, embed_cover=False)
    tid = ticket.ticket_id
    work = work_order(ticket, album_mapping(ticket, album_source, top=False),
                      source_dir=str(album_source))
    execution = harness.start((Stage.CONVERT, Stage.PLACE), tid, work)
    convert = _take_message(harness, Stage.CONVERT)
    _deliver(harness, Stage.CONVERT, convert, times=2)  # both copies wait together
    parts = harness.agent()
    with AgentThread(parts):
        _settled(parts, 2, Stage.CONVERT)
        place = _take_message(harness, Stage.PLACE)
        _deliver(harness, Stage.PLACE, place, times=2)
        _settled(parts, 2, Stage.PLACE)
        done = harness.wait(execution)
        assert done["status"] == "SUCCEEDED", done
        dests = [Path(i.dest_path) for i in ticket.request.items]
        placed = _snapshot(dests)
        states = _states(harness, tid)
        # Long after the answers: a late copy of each stage message.
        _deliver(harness, Stage.CONVERT, convert)
        _deliver(harness, Stage.PLACE, place)
        _settled(parts, 3, Stage.CONVERT)
        _settled(parts, 3, Stage.PLACE)
    kinds = _kinds(harness, tid)
    assert kinds.count(E.CONVERSION_STARTED) == 1, kinds
    assert kinds.count(E.PLACEMENT_STARTED) == 1, kinds
    assert kinds.count(E.PLACEMENT_COMPLETED) == 1, kinds
    assert _states(harness, tid) == states
    assert states.count("completed") == 1, states
    assert _snapshot(dests) == placed  # not written again
    stored = harness.store.get(tid)
    assert stored.state.value == "completed"
    assert "last_failure" not in stored.state_payload, stored.state_payload
    late = [o[2] for o in parts.agent.outcomes[-2:]]
    assert late == ["duplicate", "duplicate"], parts.agent.outcomes
    assert _queue_drained(harness, Stage.CONVERT) and _queue_drained(harness, Stage.PLACE)
    assert not (harness.base_dir / "agent" / "tickets" / tid / "out").exists()
    assert not any(o[2] == "crashed" for o in parts.agent.outcomes), parts.agent.outcomes




def _acquire_body(sfn: Any, ticket_id: str) -> str:
    """The acquire message the flow sent for `ticket_id`, from its execution's history."""
    for machine in sfn.list_state_machines()["stateMachines"]:
        for run in sfn.list_executions(stateMachineArn=machine["stateMachineArn"])["executions"]:
            if not run["name"].startswith(ticket_id):
                continue
            for event in sfn.get_execution_history(executionArn=run["executionArn"])["events"]:
                details = event.get("taskScheduledEventDetails") or {}
                sent = json.loads(details.get("parameters") or "{}").get("MessageBody") or {}
                if sent.get("stage") == "acquire":
                    return json.dumps(sent)
    raise AssertionError(f"no acquire message in the flow of {ticket_id}")


def test_an_acquire_message_delivered_again_searches_nothing(tmp_path: Path) -> None:
    rig = start_rig(tmp_path, search_cache_secs=0)
    try:
        tid = rig.create(rig.ticket(artist="Night Owls", album="Harbour Lights"))
        before = rig.wait_state(tid, "needs_approval")
        sfn = aws_client(rig.config, "stepfunctions")
        sqs = aws_client(rig.config, "sqs")
        body = _acquire_body(sfn, tid)
        assert json.loads(body)["task_token"]  # the real token, answered long ago
        searched = len(rig.indexer.api_requests())
        url = sqs.get_queue_url(QueueName=f"{rig.config.aws.resource_prefix}-acquire-normal"
                                )["QueueUrl"]
        sqs.send_message(QueueUrl=url, MessageBody=body)

        def handled() -> bool:
            attrs = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=[
                "ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"])
            return all(v == "0" for v in attrs["Attributes"].values())

        wait_for(handled, 20)
        after = rig.get(tid)
        assert after["state"] == "needs_approval"
        assert after["history"] == before["history"]
        assert after["acquisition"] == before["acquisition"]
        assert len(rig.indexer.api_requests()) == searched
        kinds = [e["event_type"] for e in rig.stack.call(
            "GET", f"/api/v1/audit?ticket_id={tid}&limit=200").body["events"]]
        assert kinds.count("MatchingStarted") == 1, kinds
        assert rig.stack.call("POST", f"/api/v1/ticket/{tid}/approve", {}).status == 200
        assert rig.wait_state(tid, "completed", "failed")["state"] == "completed"
    finally:
        stop_rig(rig)
