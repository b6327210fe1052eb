"""The whole local stack SIGKILLed with a ticket at every stage, then started again: each
ticket resumes and completes exactly once, none is lost or duplicated (the reconciler
restarts their flows; moto's executions and queues died with the process)."""

from __future__ import annotations

import signal
from collections import Counter
from pathlib import Path

from local.torznab_server import Fault
from tests.integration.flow.conftest import FlowRig, start_rig, stop_rig
from tests.support.local_stack import start_stack
from tests.support.test_agent import wait_for

ACTIVE = ("pending", "acquiring", "needs_approval", "auto_approved", "approved",
          "downloading", "converting", "placing")


def _searched(rig: FlowRig, before: int) -> bool:
    return len(rig.indexer.api_requests()) > before


def test_sigkill_at_every_stage_then_each_ticket_completes_once(tmp_path: Path) -> None:
    rig = start_rig(tmp_path, search_cache_secs=0)  # every ticket asks the indexer
    try:
        at: dict[str, str] = {}  # stage at the kill -> ticket
        at["needs_approval"] = rig.create(rig.ticket(artist="Night Owls",
                                                     album="Harbour Lights", tag="-k1"))
        rig.wait_state(at["needs_approval"], "needs_approval")
        for stage in ("download", "convert", "place"):
            tid = rig.create(rig.ticket(behaviour=f"hold:{stage}", tag=f"-k-{stage}"))
            at[f"{stage}ing"] = tid
            rig.wait_state(tid, {"download": "downloading", "convert": "converting",
                                 "place": "placing"}[stage])
        # The search hangs (past the kill): the next ticket is caught while acquiring.
        rig.indexer.delay_secs = 120
        rig.indexer.faults["*"] = Fault.SLOW
        asked = len(rig.indexer.api_requests())
        at["acquiring"] = rig.create(rig.ticket(tag="-k-acq", tracks=range(1, 3)))
        wait_for(lambda: _searched(rig, asked), 20)
        assert rig.get(at["acquiring"])["state"] == "acquiring"
        # Acknowledged, then killed at once: still pending (or just acquiring).
        at["pending"] = rig.create(rig.ticket(tag="-k-new", tracks=range(2, 4)))
        port = int(rig.stack.url.rsplit(":", 1)[1])
        assert rig.stack.stop(signal.SIGKILL) == -signal.SIGKILL
        rig.indexer.faults.clear()
        rig.indexer.delay_secs = 0
        rig.agent.release()  # holds are over; their tokens died with the process

        rig.stack = start_stack(rig.stack.config_path, port)
        started = rig.stack.call("GET", "/api/v1/audit?event_type=ServiceStarted&limit=1")
        restarted = started.body["events"][0]["data"]["flows_restarted"]
        assert sorted(restarted) == sorted(at.values())  # every one, and once

        approve = rig.stack.call("POST", f"/api/v1/ticket/{at['needs_approval']}/approve", {})
        assert approve.status == 200, approve.text
        for stage, tid in at.items():
            ticket = rig.wait_state(tid, "completed", "failed", "acquisition_failed",
                                    timeout=60)
            assert ticket["state"] == "completed", (stage, ticket["state_payload"])
            states = [h["to_state"] for h in ticket["history"]]
            assert states.count("completed") == 1, (stage, states)
            assert ticket["flow_attempt"] == 2, stage
            for item in ticket["request"]["items"]:
                assert Path(item["dest_path"]).is_file(), (stage, item["dest_path"])
        # Nothing created twice, nothing left moving.
        created = rig.stack.call("GET", "/api/v1/audit?event_type=TicketCreated&limit=100")
        assert Counter(e["ticket_id"] for e in created.body["events"]) == Counter(at.values())
        stats = rig.stack.call("GET", "/api/v1/stats").body
        assert stats["total"] == len(at)
        assert not any(stats["by_state"].get(s) for s in ACTIVE), stats["by_state"]
    finally:
        stop_rig(rig)
