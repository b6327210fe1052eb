"""The local stack stopped mid-flow and started again: no ticket stuck, none lost."""

from __future__ import annotations

import signal
from pathlib import Path

from tests.integration.flow.conftest import start_rig, stop_rig
from tests.support.local_stack import start_stack


def test_restart_resumes_every_active_ticket(tmp_path: Path) -> None:
    rig = start_rig(tmp_path)
    try:
        waiting = rig.create(rig.ticket(artist="Night Owls", album="Harbour Lights",
                                        tag="-r1"))
        rig.wait_state(waiting, "needs_approval")
        working = rig.create(rig.ticket(behaviour="hold:download", tag="-r2"))
        rig.wait_state(working, "downloading")
        done = rig.create(rig.ticket(tag="-r3"))
        rig.wait_state(done, "completed", "downloading")
        port = int(rig.stack.url.rsplit(":", 1)[1])
        assert rig.stack.stop(signal.SIGTERM) == 0
        rig.agent.release()  # the held download's token died with the old flow

        rig.stack = start_stack(rig.stack.config_path, port)
        started = rig.stack.call("GET", "/api/v1/audit?event_type=ServiceStarted&limit=1")
        restarted = set(started.body["events"][0]["data"]["flows_restarted"])
        assert {waiting, working} <= restarted
        assert rig.get(working)["flow_attempt"] == 2

        assert rig.wait_state(working, "completed", "failed")["state"] == "completed"
        assert rig.wait_state(done, "completed", "failed")["state"] == "completed"
        t = rig.wait_state(waiting, "needs_approval")
        assert t["flow_attempt"] == 2
        approve = rig.stack.call("POST", f"/api/v1/ticket/{waiting}/approve", {})
        assert approve.status == 200
        assert rig.wait_state(waiting, "completed", "failed")["state"] == "completed"
        stats = rig.stack.call("GET", "/api/v1/stats").body["by_state"]
        assert not any(stats.get(s) for s in ("pending", "acquiring", "needs_approval",
                                              "auto_approved", "approved", "downloading",
                                              "converting", "placing"))
    finally:
        stop_rig(rig)


