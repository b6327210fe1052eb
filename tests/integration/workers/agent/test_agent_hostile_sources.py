"""Hostile sources and destinations through the real agent and a real flow: torrents whose
names hold `..`, absolute paths, NUL, control characters or symlinks; work orders whose
paths climb out of their source; a cover that is a symlink; destinations that are (or sit
below) a symlink out of the library. Each is refused with the reason on the ticket and in
the audit log, nothing is written outside the agent's roots and nothing partial is left."""

from __future__ import annotations

import shutil
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, ClassVar

import pytest

from chalicelib.domain.audit import AuditEventType as E
from chalicelib.domain.stage_protocol import Stage
from tests.integration.workers.agent.harness import (
    AgentThread,
    Harness,
    album_mapping,
    work_order,
)
from tests.support.hostile_torrents import CASES, hostile_torrent
from workers.media import read_cover

ALL = (Stage.DOWNLOAD, Stage.CONVERT, Stage.PLACE)


class _Files(BaseHTTPRequestHandler):
    files: ClassVar[dict[str, bytes]] = {}

    def do_GET(self) -> None:
        body = self.files.get(self.path)
        self.send_response(200 if body is not None else 404)
        self.send_header("Content-Type", "application/x-bittorrent")
        self.send_header("Content-Length", str(len(body or b"")))
        self.end_headers()
        self.wfile.write(body or b"")

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture(scope="module")
def torrent_host() -> Iterator[tuple[str, dict[str, bytes]]]:
    """A loopback server answering .torrent files by path (an indexer's download link)."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Files)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", _Files.files
    finally:
        server.shutdown()
        server.server_close()


def files_below(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*") if not p.is_dir()) if root.exists() else []


def refusal(harness: Harness, ticket_id: str, kind: E) -> str:
    """The reason kept on the ticket, checked against the audit event of `kind`."""
    kept = harness.store.get(ticket_id).state_payload.get("last_failure") or {}
    events = [d for k, d in harness.events(ticket_id) if k is kind]
    assert events, f"no {kind.value} event"
    assert kept.get("reason") and kept["reason"] in events[-1]["reason"], (kept, events)
    assert kept["retryable"] is False
    return str(kept["reason"])


@pytest.mark.parametrize("case", CASES)
def test_a_torrent_with_hostile_names_is_refused_before_the_client_sees_it(
        harness: Harness, album_source: Path, torrent_host: tuple[str, dict[str, bytes]],
        case: str) -> None:
    url, served = torrent_host
    served[f"/{harness.config.aws.resource_prefix}.torrent"] = hostile_torrent(album_source,
                                                                               case)
    ticket = harness.create_ticket()
    candidate = {"title": "Test Artist - Test Album (2020) [FLAC]",
                 "download_url": f"{url}/{harness.config.aws.resource_prefix}.torrent",
                 "indexer": "local"}
    work = work_order(ticket, album_mapping(ticket, album_source), candidate=candidate)
    execution = harness.start(ALL, ticket.ticket_id, work)
    with AgentThread(harness.agent()):
        done = harness.wait(execution, timeout=60)
    assert (done["status"], done["error"]) == ("FAILED", "DownloadFailed"), done
    reason = refusal(harness, ticket.ticket_id, E.DOWNLOAD_FAILED)
    assert "the .torrent is refused" in reason
    assert files_below(harness.base_dir / "downloads") == []  # not one byte fetched
    assert files_below(harness.media_root) == []
    assert not (album_source.parent.parent / "escaped.flac").exists()


@pytest.fixture
def own_album(album_source: Path, tmp_path: Path) -> Path:
    """A copy of the album this test may damage, with a file outside it."""
    copy = tmp_path / "sources" / album_source.name
    shutil.copytree(album_source, copy)
    shutil.copy(album_source / "01 - Track One.flac", tmp_path / "sources" / "outside.flac")
    return copy


@pytest.mark.parametrize(("change", "why"), [
    ("../outside.flac", "'..'"),
    ("{sources}/outside.flac", "absolute"),
    ("01 - Track One.flac\x00.jpg", "control character"),
    ("01 - Track One\n.flac", "control character"),
    ("link.flac", "is a symlink"),
    ("linked-folder/outside.flac", "is a symlink"),
])
def test_a_source_path_that_leaves_its_folder_is_refused(
        harness: Harness, own_album: Path, change: str, why: str) -> None:
    (own_album / "link.flac").symlink_to(own_album.parent / "outside.flac")
    (own_album / "linked-folder").symlink_to(own_album.parent, target_is_directory=True)
    ticket = harness.create_ticket(tracks=2, with_cover_item=False, embed_cover=False)
    mapping = album_mapping(ticket, own_album, top=False)
    mapping[0]["path"] = change.format(sources=own_album.parent)
    work = work_order(ticket, mapping, source_dir=str(own_album))
    execution = harness.start(ALL, ticket.ticket_id, work)
    with AgentThread(harness.agent()):
        done = harness.wait(execution, timeout=60)
    assert (done["status"], done["error"]) == ("FAILED", "DownloadFailed"), done
    assert why in refusal(harness, ticket.ticket_id, E.DOWNLOAD_FAILED)
    assert files_below(harness.media_root) == []


def test_a_cover_that_is_a_symlink_out_of_the_torrent_is_never_embedded(
        harness: Harness, own_album: Path) -> None:
    private = own_album.parent / "private.jpg"
    private.write_bytes((own_album / "cover.jpg").read_bytes() + b"PRIVATE PHOTO")
    (own_album / "cover.jpg").unlink()
    (own_album / "cover.jpg").symlink_to(private)
    ticket = harness.create_ticket(tracks=2, with_cover_item=False, embed_cover=True)
    work = work_order(ticket, album_mapping(ticket, own_album, top=False),
                      source_dir=str(own_album))
    execution = harness.start(ALL, ticket.ticket_id, work)
    with AgentThread(harness.agent()):
        done = harness.wait(execution, timeout=90)
    assert done["status"] == "SUCCEEDED", done
    started = next(d for k, d in harness.events(ticket.ticket_id) if k is E.CONVERSION_STARTED)
    assert started["cover_source"] != "torrent_file", started
    for item in ticket.request.tracks:
        cover = read_cover(Path(item.dest_path))
        assert cover is None or b"PRIVATE PHOTO" not in cover.data


def _convert_and_place(harness: Harness, ticket: Any, album: Path) -> dict[str, Any]:
    mapping = album_mapping(ticket, album, top=False)
    work = work_order(ticket, mapping, source_dir=str(album))
    results = {"download": {"files": [
        {"item_id": m["item_id"], "local_path": str(album / m["path"])} for m in mapping]}}
    execution = harness.start((Stage.CONVERT, Stage.PLACE), ticket.ticket_id, work, results)
    with AgentThread(harness.agent()):
        return harness.wait(execution, timeout=90)


def test_a_destination_folder_that_is_a_symlink_out_of_the_library_is_refused(
        harness: Harness, own_album: Path, tmp_path: Path) -> None:
    outside = tmp_path / "not-the-library"
    outside.mkdir()
    ticket = harness.create_ticket(tracks=2, with_cover_item=False, embed_cover=False)
    folder = Path(ticket.request.tracks[0].dest_path).parent
    folder.parent.mkdir(parents=True, exist_ok=True)
    folder.symlink_to(outside, target_is_directory=True)
    done = _convert_and_place(harness, ticket, own_album)
    assert (done["status"], done["error"]) == ("FAILED", "PlacementFailed"), done
    assert "outside the allowed roots" in refusal(harness, ticket.ticket_id,
                                                   E.PLACEMENT_FAILED)
    assert files_below(outside) == []


def test_a_destination_that_exists_as_a_symlink_is_refused_and_its_target_kept(
        harness: Harness, own_album: Path, tmp_path: Path) -> None:
    target = tmp_path / "precious.txt"
    target.write_bytes(b"not to be overwritten")
    ticket = harness.create_ticket(tracks=2, with_cover_item=False, embed_cover=False)
    first, second = (Path(t.dest_path) for t in ticket.request.tracks)
    first.parent.mkdir(parents=True)
    second.symlink_to(target)
    done = _convert_and_place(harness, ticket, own_album)
    assert (done["status"], done["error"]) == ("FAILED", "PlacementFailed"), done
    assert "symlink" in refusal(harness, ticket.ticket_id, E.PLACEMENT_FAILED)
    assert target.read_bytes() == b"not to be overwritten"
    # Nothing partial: the other track is not placed alone, no temp or backup file is left.
    assert sorted(p.name for p in first.parent.iterdir()) == [second.name]
