"""How the agent answers when work fails: ffmpeg, placement, cancellation, bad input."""

from __future__ import annotations

import json
import os
import stat
import time
from pathlib import Path
from typing import Any

from chalicelib.domain.audit import AuditEventType as E
from chalicelib.domain.stage_protocol import Stage, control_message
from chalicelib.domain.states import TicketState
from tests.integration.workers.agent.harness import (
    AgentThread,
    Harness,
    album_mapping,
    work_order,
)
from workers.agent.ticket_workdir import TicketWorkdir
from workers.media import Converter


def _convert_inputs(ticket: Any, album: Path) -> tuple[dict[str, Any], dict[str, Any]]:
    mapping = album_mapping(ticket, album, top=False)
    work = work_order(ticket, mapping, source_dir=str(album))
    results = {"download": {"files": [
        {"item_id": m["item_id"], "local_path": str(album / m["path"])} for m in mapping]}}
    return work, results


def _failed_event(harness: Harness, ticket_id: str, kind: E) -> dict[str, Any]:
    found = [data for k, data in harness.events(ticket_id) if k is kind]
    assert found, f"no {kind.value} event"
    return found[-1]


def test_ffmpeg_killed_is_a_retryable_conversion_failure(harness: Harness, album_source: Path,
                                                          tmp_path: Path) -> None:
    crashing = tmp_path / "ffmpeg-crashing"
    crashing.write_text("#!/bin/sh\nkill -9 $$\n")
    crashing.chmod(crashing.stat().st_mode | stat.S_IEXEC)
    ticket = harness.create_ticket(tracks=2, with_cover_item=False, embed_cover=False)
    work, results = _convert_inputs(ticket, album_source)
    execution = harness.start((Stage.CONVERT,), ticket.ticket_id, work, results)
    with AgentThread(harness.agent(converter=Converter(ffmpeg=str(crashing)))):
        done = harness.wait(execution)
    assert done["status"] == "FAILED" and done["error"] == "ConversionFailed"
    event = _failed_event(harness, ticket.ticket_id, E.CONVERSION_FAILED)
    assert event["retryable"] is True and "killed by signal 9" in event["reason"]


def test_unreadable_source_is_a_final_conversion_failure(harness: Harness, tmp_path: Path
                                                         ) -> None:
    ticket = harness.create_ticket(tracks=1, with_cover_item=False, embed_cover=False)
    source = tmp_path / "src"
    source.mkdir()
    (source / "01 - Track One.flac").write_bytes(b"this is not audio" * 100)
    work, results = _convert_inputs(ticket, source)
    execution = harness.start((Stage.CONVERT,), ticket.ticket_id, work, results)
    with AgentThread(harness.agent()):
        done = harness.wait(execution)
    assert done["error"] == "ConversionFailed"
    assert _failed_event(harness, ticket.ticket_id, E.CONVERSION_FAILED)["retryable"] is False


def test_placement_failure_rolls_every_file_back(harness: Harness, album_source: Path) -> None:
    ticket = harness.create_ticket(tracks=3, with_cover_item=False, embed_cover=False)
    work, results = _convert_inputs(ticket, album_source)
    dests = sorted(i.dest_path for i in ticket.request.items)
    # The last destination's parent is a regular file: the third placement must fail.
    blocker = Path(dests[-1]).parent
    blocked = {**work, "files": [dict(f, dest_path=str(blocker / "x" / "d1t03.ogg"))
                                 if f["dest_path"] == dests[-1] else f for f in work["files"]]}
    blocker.mkdir(parents=True)
    (blocker / "x").write_text("a file where a folder should be")
    existing = Path(dests[0])
    existing.write_bytes(b"an older file the ticket replaces")
    execution = harness.start((Stage.CONVERT, Stage.PLACE), ticket.ticket_id, blocked, results)
    with AgentThread(harness.agent()):
        done = harness.wait(execution)
    assert done["status"] == "FAILED" and done["error"] == "PlacementFailed"
    assert existing.read_bytes() == b"an older file the ticket replaces"
    assert not Path(dests[1]).exists()
    assert sorted(os.listdir(blocker)) == ["d1t01.ogg", "x"]  # no temp or backup left
    event = _failed_event(harness, ticket.ticket_id, E.PLACEMENT_FAILED)
    assert event["rollback"] == "complete"
    assert harness.store.get(ticket.ticket_id).state is TicketState.PLACING


def test_a_cancelled_ticket_is_answered_cancelled_and_cleaned(harness: Harness,
                                                              album_source: Path) -> None:
    ticket = harness.create_ticket(tracks=1, with_cover_item=False, embed_cover=False)
    work, results = _convert_inputs(ticket, album_source)
    workdir = TicketWorkdir(harness.base_dir / "agent", ticket.ticket_id)
    workdir.update(info_hash=None, note="left by an earlier stage")
    harness.flow.enter(ticket.ticket_id, TicketState.CANCELLED, "user cancelled")
    execution = harness.start((Stage.CONVERT,), ticket.ticket_id, work, results)
    with AgentThread(harness.agent()):
        done = harness.wait(execution)
    assert done["error"] == "Cancelled"
    assert not workdir.exists()


def test_a_cancel_message_cleans_up_an_idle_ticket(harness: Harness) -> None:
    ticket = harness.create_ticket(tracks=1)
    workdir = TicketWorkdir(harness.base_dir / "agent", ticket.ticket_id)
    workdir.update(note="state of a stage that ended")
    (workdir.outputs_dir).mkdir()
    (workdir.outputs_dir / "t1.ogg").write_bytes(b"x")
    harness.sqs.send_message(QueueUrl=harness.control_queue,
                             MessageBody=json.dumps(control_message("cancel", ticket.ticket_id)))
    with AgentThread(harness.agent()):
        deadline = time.monotonic() + 15
        while workdir.exists() and time.monotonic() < deadline:
            time.sleep(0.1)
    assert not workdir.exists()


def test_higher_bands_and_priorities_are_taken_first(harness: Harness) -> None:
    from workers.agent.flow_answers import FlowAnswers
    from workers.agent.queue_poller import BandPoller

    def send(band: str, ticket: str, priority: int) -> None:
        body = {"schema": "qt.stage/1", "stage": "convert", "ticket_id": ticket,
                "task_token": f"token-{ticket}", "priority": priority}
        harness.sqs.send_message(QueueUrl=harness.queue(Stage.CONVERT, band),
                                 MessageBody=json.dumps(body))

    send("low", "low1", 5)
    send("normal", "normal1", 100)
    send("high", "high-a", 600)
    send("high", "high-b", 900)
    urls = [harness.queue(Stage.CONVERT, b) for b in ("high", "normal", "low")]
    poller = BandPoller(harness.sqs, FlowAnswers(harness.sfn, harness.sqs), urls,
                        visibility_secs=30, long_poll_secs=0)
    order = []
    for _ in range(4):
        order += [t.ticket_id for t in poller.receive(10)]
    assert order == ["high-b", "high-a", "normal1", "low1"]
