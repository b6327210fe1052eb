"""When stages fail: retries with backoff, a silent agent, a bad release, Failed and retry."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.integration.flow.conftest import FlowRig, start_rig, stop_rig


@pytest.fixture(scope="module")
def rig(tmp_path_factory: pytest.TempPathFactory) -> Iterator[FlowRig]:
    running = start_rig(tmp_path_factory.mktemp("failures"), heartbeat=2)
    try:
        yield running
    finally:
        stop_rig(running)


def _download_attempts(rig: FlowRig, tid: str) -> int:
    return rig.agent.seen.get((tid, "download"), 0)


def _timeouts(events: list[dict[str, object]]) -> int:
    return sum(1 for e in events if e["type"] == "TaskTimedOut")


# The rig's heartbeat timeout is 2 s so that the silent agent is noticed quickly; on a loaded
# machine a message can wait longer than that in the queue, and the flow then rightly times
# the attempt out and retries it. Every download attempt ends in exactly one of: the agent's
# failure, a timeout, or success; the tests count them that way.
def test_transient_agent_failure_is_retried_then_succeeds(rig: FlowRig) -> None:
    tid = rig.create(rig.ticket(behaviour="transient_once", tag="-transient"))
    assert rig.wait_state(tid, "completed", "failed")["state"] == "completed"
    events = rig.flow(tid)[0]["events"]
    assert [e["details"]["error"] for e in events if e["type"] == "TaskFailed"] == ["Transient"]
    assert _download_attempts(rig, tid) == 2 + _timeouts(events)


def test_silent_agent_times_out_on_heartbeat_and_the_step_is_retried(rig: FlowRig) -> None:
    tid = rig.create(rig.ticket(behaviour="silent_once", tag="-silent"))
    assert rig.wait_state(tid, "completed", "failed", timeout=60)["state"] == "completed"
    events = rig.flow(tid)[0]["events"]
    assert _timeouts(events) >= 1
    assert _download_attempts(rig, tid) == 1 + _timeouts(events)


def test_failed_download_blocklists_the_release_and_takes_the_next_candidate(
    rig: FlowRig,
) -> None:
    tid = rig.create(rig.ticket(behaviour="download_fails_once", tag="-next"))
    done = rig.wait_state(tid, "completed", "failed", "needs_approval")
    assert done["state"] == "completed", done["state_payload"]
    first = done["acquisition"]["candidates"][0]["candidate"]["title"]
    used = done["work_order"]["candidate"]["title"]
    assert used != first
    events = rig.stack.call("GET", f"/api/v1/audit?ticket_id={tid}&event_type="
                                   "ReleaseBlocklisted").body["events"]
    assert events[0]["data"]["title"] == first
    assert "stalled" in events[0]["data"]["reason"]
    # The same release is not offered again to a later ticket.
    later = rig.create(rig.ticket(tag="-after-block"))
    t = rig.wait_state(later, "completed", "failed", "needs_approval")
    assert t["work_order"]["candidate"]["title"] != first
    assert first in {b["title"] for b in t["acquisition"]["blocklisted"]}


def test_failed_ticket_is_retried_through_the_api(rig: FlowRig) -> None:
    tid = rig.create(rig.ticket(behaviour="conversion_fails_once", tag="-retry"))
    failed = rig.wait_state(tid, "failed", "completed")
    assert failed["state"] == "failed"
    payload = failed["state_payload"]
    assert payload["error"] == "ConversionFailed" and payload["retryable"] is False
    assert payload["stage"] == "converting" and payload["retry_count"] == 0
    assert rig.wait_flow(tid, "FAILED", "SUCCEEDED") == ["FAILED"]
    answer = rig.stack.call("POST", f"/api/v1/ticket/{tid}/retry")
    assert answer.status == 200 and answer.body["state"] == "downloading"
    assert answer.body["flow_attempt"] == 2
    done = rig.wait_state(tid, "completed", "failed")
    assert done["state"] == "completed"
    assert rig.wait_flow(tid, "SUCCEEDED", "FAILED") == ["FAILED", "SUCCEEDED"]
    for item in done["request"]["items"]:
        assert Path(item["dest_path"]).exists()
    again = rig.stack.call("POST", f"/api/v1/ticket/{tid}/retry")
    assert again.status == 409
