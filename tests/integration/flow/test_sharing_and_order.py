"""One download for tickets asking for the same album; higher priority served first."""

from __future__ import annotations

from pathlib import Path

from tests.integration.flow.conftest import FlowRig
from tests.support.test_agent import wait_for


def test_overlapping_tickets_share_one_download_and_each_gets_its_own_files(
    rig: FlowRig,
) -> None:
    a = rig.create(rig.ticket(artist="Night Owls", album="Harbour Lights", tracks=range(1, 6),
                              tag="-share-a"))
    rig.wait_state(a, "needs_approval")
    b = rig.create(rig.ticket(artist="Night Owls", album="Harbour Lights", tracks=range(3, 9),
                              tag="-share-b"))
    linked = wait_for(lambda: rig.get(b)["state_payload"].get("linked_to"))
    assert linked == a
    assert rig.get(a)["linked_tickets"] == [b]
    assert rig.stack.call("POST", f"/api/v1/ticket/{a}/approve", {}).status == 200
    done_a = rig.wait_state(a, "completed", "failed")
    done_b = rig.wait_state(b, "completed", "failed")
    assert done_a["state"] == done_b["state"] == "completed"
    work = done_a["work_order"]["files"]
    assert len(work) == 5 + 6  # tracks 1-5 for A, 3-8 (merged: 1-8) for B
    by_item = {f["item_id"]: f for f in work}
    assert by_item[f"{b}:t8"]["path"].endswith("08 - Closing.flac")
    assert by_item["t3"]["path"] == by_item[f"{b}:t3"]["path"]
    for ticket in (done_a, done_b):
        for item in ticket["request"]["items"]:
            assert Path(item["dest_path"]).exists(), item["dest_path"]
    assert done_b["state_payload"]["linked_to"] == a
    assert {f["item_id"] for f in done_b["state_payload"]["files"]} == {
        f"{b}:t{n}" for n in range(3, 9)}
    downloads = [t for t, stage, _ in rig.agent.handled if stage == "download"]
    assert downloads.count(a) == 1 and b not in downloads
    trail = rig.stack.call("GET", f"/api/v1/audit?ticket_id={b}&event_type=TicketLinked")
    assert trail.body["events"][0]["data"]["primary"] == a


def test_a_second_ticket_for_a_different_format_is_not_linked(rig: FlowRig) -> None:
    a = rig.create(rig.ticket(artist="Night Owls", album="Harbour Lights", tag="-fmt-a"))
    rig.wait_state(a, "needs_approval")
    body = rig.ticket(artist="Night Owls", album="Harbour Lights", tag="-fmt-b")
    body["constraints"] = {"format": "flac"}
    b = rig.create(body)
    rig.wait_state(b, "needs_approval")
    assert not rig.get(b)["state_payload"].get("linked_to")
    for t in (a, b):
        rig.stack.call("DELETE", f"/api/v1/ticket/{t}")


def _download_queued(rig: FlowRig, ticket_id: str) -> bool:
    """Whether the flow has sent the ticket's download message to the agent's queue."""
    events = rig.flow(ticket_id)[-1]["events"]
    names = [(e["type"], (e.get("details") or {}).get("name")) for e in events]
    if ("TaskStateEntered", "Download") not in names:
        return False
    after = names[names.index(("TaskStateEntered", "Download")):]
    return any(kind == "TaskSubmitted" for kind, _ in after)


def test_higher_priority_is_served_first(rig: FlowRig) -> None:
    rig.agent.paused.set()
    try:
        low = rig.create(rig.ticket(priority=10, tag="-prio-low"))
        rig.wait_state(low, "auto_approved")
        high = rig.create(rig.ticket(priority=1000, tag="-prio-high"))
        rig.wait_state(high, "auto_approved")
        wait_for(lambda: _download_queued(rig, low) and _download_queued(rig, high))
    finally:
        before = len(rig.agent.handled)
        rig.agent.paused.clear()
    wait_for(lambda: any(t == low and s == "download" for t, s, _ in rig.agent.handled))
    order = [t for t, s, _ in rig.agent.handled[before:] if s == "download"]
    assert order.index(high) < order.index(low)
    for t in (low, high):
        assert rig.wait_state(t, "completed", "failed")["state"] == "completed"


def test_cancelling_the_primary_lets_the_linked_ticket_go_on(rig: FlowRig) -> None:
    a = rig.create(rig.ticket(artist="Night Owls", album="Harbour Lights", tag="-rel-a"))
    rig.wait_state(a, "needs_approval")
    b = rig.create(rig.ticket(artist="Night Owls", album="Harbour Lights", tag="-rel-b"))
    wait_for(lambda: rig.get(b)["state_payload"].get("linked_to"))
    rig.stack.call("DELETE", f"/api/v1/ticket/{a}")
    t = rig.wait_state(b, "needs_approval", "failed")
    assert t["state"] == "needs_approval" and not t["state_payload"].get("linked_to")
    assert t["flow_attempt"] == 2
    rig.stack.call("DELETE", f"/api/v1/ticket/{b}")
