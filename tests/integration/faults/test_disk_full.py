"""The disk fills up while the agent converts or places: the ticket fails with a reason that
says so, and nothing partial is left at the destination (real ffmpeg, real tmpfs mounts)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from chalicelib.domain.audit import AuditEventType as E
from chalicelib.domain.stage_protocol import Stage
from tests.integration.faults.conftest import SmallFs
from tests.integration.workers.agent.harness import (
    AgentThread,
    Harness,
    album_mapping,
    make_harness,
    work_order,
)

CONVERT_PLACE = (Stage.CONVERT, Stage.PLACE)


def _flow(harness: Harness, album: Path) -> tuple[Any, str]:
    ticket = harness.create_ticket(tracks=5, with_cover_item=False, embed_cover=False)
    mapping = album_mapping(ticket, album, top=False)
    work = work_order(ticket, mapping, source_dir=str(album))
    return ticket, harness.start(CONVERT_PLACE, ticket.ticket_id, work)


def _event(harness: Harness, ticket_id: str, kind: E) -> dict[str, Any]:
    found = [data for k, data in harness.events(ticket_id) if k is kind]
    assert found, f"no {kind.value} in {[k.value for k, _ in harness.events(ticket_id)]}"
    return found[-1]


def _files_under(root: Path) -> list[str]:
    return sorted(str(Path(d, f).relative_to(root)) for d, _, fs in os.walk(root) for f in fs)


def test_work_dir_full_during_conversion_fails_with_the_reason(
        faults_aws: str, tmp_path: Path, small_fs: SmallFs, album_source: Path) -> None:
    # Room for the ticket's state and a file or two of output, not for five.
    work = small_fs(tmp_path / "agent", 160 * 1024)
    harness = make_harness(faults_aws, tmp_path, agent={"work_dir": str(work)})
    ticket, execution = _flow(harness, album_source)
    with AgentThread(harness.agent()):
        done = harness.wait(execution, timeout=90)
    assert done["status"] == "FAILED" and done["error"] == "ConversionFailed", done
    failed = _event(harness, ticket.ticket_id, E.CONVERSION_FAILED)
    assert failed["reason"].startswith(f"disk full in the agent's work dir {work}"), failed
    assert failed["retryable"] is True  # free some space, then retry
    kinds = [k for k, _ in harness.events(ticket.ticket_id)]
    assert E.PLACEMENT_STARTED not in kinds
    assert _files_under(harness.media_root) == []
    # The half-written outputs are gone: the space is given back for the retry.
    assert not [f for f in _files_under(work) if f.endswith(".partial")]


def test_destination_full_during_placement_rolls_back_every_file(
        faults_aws: str, tmp_path: Path, small_fs: SmallFs, album_source: Path) -> None:
    harness = make_harness(faults_aws, tmp_path)
    # Room for about two of the five converted tracks.
    small_fs(harness.media_root, 200 * 1024)
    older = harness.media_root / "albums" / "keep.ogg"
    older.parent.mkdir(parents=True)
    older.write_bytes(b"a file that was there before")
    ticket, execution = _flow(harness, album_source)
    with AgentThread(harness.agent()):
        done = harness.wait(execution, timeout=90)
    assert done["status"] == "FAILED" and done["error"] == "PlacementFailed", done
    failed = _event(harness, ticket.ticket_id, E.PLACEMENT_FAILED)
    assert "No space left on device" in failed["reason"], failed
    assert failed["rollback"] == "complete"
    assert _files_under(harness.media_root) == ["albums/keep.ogg"]
    assert older.read_bytes() == b"a file that was there before"
