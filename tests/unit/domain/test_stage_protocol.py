from __future__ import annotations

import json

from chalicelib.domain.stage_protocol import Stage, StageMessage, WorkFile, WorkOrder


def _message(work: WorkOrder) -> StageMessage:
    return StageMessage(Stage.DOWNLOAD, work.ticket_id, "token", work=work)


def test_a_work_order_over_kept_files_names_their_agent_in_the_stage_message() -> None:
    work = WorkOrder("t1", 0, (WorkFile("i1", "track", "/media/a.ogg", path="A/01.flac"),),
                     source_dir="/srv/b/downloads/t0", agent_id="host-b")
    body = json.dumps(_message(work).to_dict())
    assert json.loads(body)["work"]["agent_id"] == "host-b"
    parsed = StageMessage.parse(body)
    assert parsed.work == work and parsed.work.agent_id == "host-b"


def test_a_work_order_without_an_agent_may_run_anywhere() -> None:
    work = WorkOrder("t1", 0, ())
    assert WorkOrder.from_dict(work.to_dict()).agent_id is None
    legacy = {"ticket_id": "t1", "files": []}  # stored before work orders named agents
    assert WorkOrder.from_dict(legacy).agent_id is None
    assert WorkOrder.from_dict({**legacy, "agent_id": ""}).agent_id is None
