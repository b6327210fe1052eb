"""The agent's stages against a real Step Functions flow on moto's server, real ffmpeg and
real placement (files come from a local source_dir; torrents are in tests/e2e)."""

from __future__ import annotations

import json
from pathlib import Path

from chalicelib.domain.audit import AuditEventType as E
from chalicelib.domain.stage_protocol import Stage
from chalicelib.domain.states import TicketState
from tests.integration.workers.agent.harness import (
    AgentThread,
    Harness,
    album_mapping,
    work_order,
)
from workers.agent.ticket_workdir import TicketWorkdir
from workers.media import probe, read_cover, read_tags

ALL = (Stage.DOWNLOAD, Stage.CONVERT, Stage.PLACE)


def test_download_convert_place_completes_the_ticket(harness: Harness, album_source: Path
                                                      ) -> None:
    ticket = harness.create_ticket()
    work = work_order(ticket, album_mapping(ticket, album_source, top=False),
                      source_dir=str(album_source))
    execution = harness.start(ALL, ticket.ticket_id, work)
    with AgentThread(harness.agent()):
        done = harness.wait(execution, timeout=90)
    assert done["status"] == "SUCCEEDED", done
    placed = done["output"]["results"]["place"]["files"]
    assert len(placed) == 6
    stored = harness.store.get(ticket.ticket_id)
    assert stored.state is TicketState.COMPLETED
    assert sorted(f["dest_path"] for f in stored.state_payload["files"]) == \
        sorted(i.dest_path for i in ticket.request.items)
    for item in ticket.request.items:
        dest = Path(item.dest_path)
        assert dest.is_file(), dest
        if item.kind.value == "image":
            assert dest.read_bytes() == (album_source / "cover.jpg").read_bytes()
            continue
        info = probe(dest)
        assert info.codec == "vorbis"
        assert abs((info.duration_secs or 0) - 3.0) < 0.5
        tags = read_tags(dest)
        assert (tags.title, tags.artist, tags.album, tags.track_number, tags.date,
                tags.genre) == (item.name, "Test Artist", "Test Album", item.track_number,
                                "2020", "Test")
        cover = read_cover(dest)
        assert cover is not None and cover.mime == "image/jpeg"
    kinds = [kind for kind, _ in harness.events(ticket.ticket_id)]
    started = next(d for k, d in harness.events(ticket.ticket_id) if k is E.CONVERSION_STARTED)
    assert started["cover_source"] == "torrent_file"  # no catalog configured: the torrent's
    for expected in (E.CONVERSION_STARTED, E.CONVERSION_COMPLETED, E.PLACEMENT_STARTED,
                     E.PLACEMENT_COMPLETED):
        assert expected in kinds
    states = [d["to_state"] for k, d in harness.events(ticket.ticket_id)
              if k is E.TICKET_STATE_CHANGED]
    assert states[-3:] == ["converting", "placing", "completed"]
    # no work files left behind once placed; the small state file remains for idempotency
    workdir = TicketWorkdir(harness.base_dir / "agent", ticket.ticket_id)
    assert not workdir.outputs_dir.exists()
    assert workdir.get("place_result")["files"] == placed


def test_a_redelivered_convert_message_reuses_finished_outputs(harness: Harness,
                                                                album_source: Path) -> None:
    ticket = harness.create_ticket(tracks=2, with_cover_item=False, embed_cover=False)
    mapping = album_mapping(ticket, album_source, top=False)
    work = work_order(ticket, mapping, source_dir=str(album_source))
    results = {"download": {"files": [
        {"item_id": m["item_id"], "local_path": str(album_source / m["path"])}
        for m in mapping]}}
    first = harness.start((Stage.CONVERT,), ticket.ticket_id, work, results)
    parts = harness.agent()
    with AgentThread(parts):
        assert harness.wait(first)["status"] == "SUCCEEDED"
        outputs = harness.wait(first)["output"]["results"]["convert"]["outputs"]
        stamps = {o["work_path"]: Path(o["work_path"]).stat().st_mtime_ns for o in outputs}
        second = harness.start((Stage.CONVERT,), ticket.ticket_id, work, results)
        again = harness.wait(second)
    assert again["status"] == "SUCCEEDED"
    assert again["output"]["results"]["convert"]["outputs"] == outputs
    assert {p: Path(p).stat().st_mtime_ns for p in stamps} == stamps
    assert [k for k, _ in harness.events(ticket.ticket_id)].count(E.CONVERSION_STARTED) == 1


def test_an_invalid_message_fails_its_task_and_is_deleted(harness: Harness) -> None:
    bad = {"StartAt": "S", "States": {"S": {
        "Type": "Task", "Resource": "arn:aws:states:::sqs:sendMessage.waitForTaskToken",
        "Parameters": {"QueueUrl": harness.queue(Stage.CONVERT),
                       "MessageBody": {"schema": "qt.stage/0", "task_token.$": "$$.Task.Token"}},
        "End": True}}}
    arn = harness.sfn.create_state_machine(name=f"{harness.config.aws.resource_prefix}-bad",
                                           definition=json.dumps(bad),
                                           roleArn="arn:aws:iam::123456789012:role/x")
    execution = harness.sfn.start_execution(stateMachineArn=arn["stateMachineArn"], name="bad",
                                            input="{}")["executionArn"]
    with AgentThread(harness.agent(), once=True):
        done = harness.wait(execution, timeout=30)
    assert done["status"] == "FAILED" and done["error"] == "InvalidMessage"
    left = harness.sqs.get_queue_attributes(QueueUrl=harness.queue(Stage.CONVERT),
                                            AttributeNames=["ApproximateNumberOfMessages",
                                                            "ApproximateNumberOfMessagesNotVisible"])
    assert all(v == "0" for v in left["Attributes"].values())
