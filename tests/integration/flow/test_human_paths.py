"""Paths that wait for a person: approval, rejection, forced searches and magnets."""

from __future__ import annotations

from tests.integration.flow.conftest import FlowRig

MAGNET = "magnet:?xt=urn:btih:" + "ab" * 20 + "&dn=forced"


def _needs_approval(rig: FlowRig, tag: str) -> str:
    tid = rig.create(rig.ticket(artist="Night Owls", album="Harbour Lights", tag=tag))
    t = rig.wait_state(tid, "needs_approval", "auto_approved", "completed", "failed",
                       "acquisition_failed")
    assert t["state"] == "needs_approval", t["state_payload"]
    best = t["acquisition"]["candidates"][t["acquisition"]["recommended_index"]]
    assert "live" in best["red_flags"]
    return tid


def test_needs_approval_then_approve_a_chosen_candidate(rig: FlowRig) -> None:
    tid = _needs_approval(rig, "-approve")
    answer = rig.stack.call("POST", f"/api/v1/ticket/{tid}/approve", {"candidate_idx": 0})
    assert answer.status == 200 and answer.body["state"] == "approved"
    done = rig.wait_state(tid, "completed", "failed")
    assert done["state"] == "completed"
    assert rig.states(tid)[-5:] == ["approved", "downloading", "converting", "placing",
                                    "completed"]
    assert rig.wait_flow(tid, "SUCCEEDED", "FAILED") == ["SUCCEEDED"]
    trail = rig.stack.call("GET", f"/api/v1/audit?ticket_id={tid}&event_type=ApprovalGranted")
    assert trail.body["events"][0]["data"]["candidate_idx"] == 0


def test_approve_with_a_bad_index_is_refused_and_loses_nothing(rig: FlowRig) -> None:
    tid = _needs_approval(rig, "-badidx")
    answer = rig.stack.call("POST", f"/api/v1/ticket/{tid}/approve", {"candidate_idx": 99})
    assert answer.status == 400 and answer.body["errors"][0]["field"] == "candidate_idx"
    assert rig.get(tid)["state"] == "needs_approval"
    rig.stack.call("DELETE", f"/api/v1/ticket/{tid}")


def test_needs_approval_then_reject(rig: FlowRig) -> None:
    tid = _needs_approval(rig, "-reject")
    answer = rig.stack.call("POST", f"/api/v1/ticket/{tid}/reject", {"reason": "live album"})
    assert answer.status == 200 and answer.body["state"] == "rejected"
    assert answer.body["state_payload"]["reason"] == "live album"
    assert rig.wait_flow(tid, "SUCCEEDED", "FAILED") == ["SUCCEEDED"]
    assert not any(t == tid for t, _, _ in rig.agent.handled)


def test_acquisition_failed_then_force_search_completes(rig: FlowRig) -> None:
    # The indexer names the release scene-style, so the built queries find nothing.
    tid = rig.create(rig.ticket(artist="Another Group", album="Hidden Gem", tag="-fs"))
    first = rig.wait_state(tid, "acquisition_failed", "needs_approval", "completed")
    assert first["state"] == "acquisition_failed"
    answer = rig.stack.call("POST", f"/api/v1/ticket/{tid}/force-search",
                            {"query": "AnotherGroup HiddenGem"})
    assert answer.status == 200 and answer.body["state"] == "acquiring"
    t = rig.wait_state(tid, "needs_approval", "completed", "acquisition_failed")
    assert t["acquisition"]["queries_tried"] == ["AnotherGroup HiddenGem"]
    if t["state"] == "needs_approval":
        rig.stack.call("POST", f"/api/v1/ticket/{tid}/approve", {})
    assert rig.wait_state(tid, "completed", "failed")["state"] == "completed"
    assert [r["attempt"] for r in rig.flow(tid)] == [1, 2]


def test_acquisition_failed_then_force_magnet_completes(rig: FlowRig) -> None:
    tid = rig.create(rig.ticket(artist="Nobody Known", album="Magnet Only", tag="-fm"))
    rig.wait_state(tid, "acquisition_failed")
    answer = rig.stack.call("POST", f"/api/v1/ticket/{tid}/force-magnet", {"magnet_uri": MAGNET})
    assert answer.status == 200 and answer.body["state"] == "downloading"
    done = rig.wait_state(tid, "completed", "failed")
    assert done["state"] == "completed"
    assert done["work_order"]["candidate"]["magnet_uri"] == MAGNET
    assert rig.wait_flow(tid, "SUCCEEDED", "FAILED")[-1] == "SUCCEEDED"


def test_force_magnet_while_awaiting_approval_answers_the_waiting_flow(rig: FlowRig) -> None:
    tid = _needs_approval(rig, "-fm-wait")
    answer = rig.stack.call("POST", f"/api/v1/ticket/{tid}/force-magnet", {"magnet_uri": MAGNET})
    assert answer.status == 200
    assert rig.wait_state(tid, "completed", "failed")["state"] == "completed"
    assert len(rig.flow(tid)) == 1  # the same execution went on


def test_training_export_has_decisions_and_human_corrections(rig: FlowRig) -> None:
    import json

    tid = _needs_approval(rig, "-train")
    rig.stack.call("POST", f"/api/v1/ticket/{tid}/approve", {"candidate_idx": 0})
    rig.wait_state(tid, "completed")
    answer = rig.stack.call("GET", "/api/v1/training/export?format=jsonl")
    assert answer.status == 200
    assert answer.headers["X-Export-Location"].startswith("s3://qt-exports/exports/training-")
    records = {r["ticket_id"]: r for r in map(json.loads, answer.text.splitlines())}
    record = records[tid]
    assert record["request"]["query_context"]["artist"] == "Night Owls"
    assert record["candidates"][0]["components"] and record["decision"]["reasoning"]
    assert record["decision"]["method"] == "dumb" and record["outcome"] == "completed"
    approved = [c for c in record["corrections"] if c["kind"] == "approved"]
    assert approved == [{**approved[0], "candidate_idx": 0, "actor": "admin"}]
    assert record["chosen"]["title"] == record["candidates"][0]["candidate"]["title"]
    from tests.support.local_stack import USER_KEY

    assert rig.stack.call("GET", "/api/v1/training/export", key=USER_KEY).status == 403
