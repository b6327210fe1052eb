"""An agent SIGKILLed during download, conversion or placement, then started again
(`python -m workers.agent` as a child process): the ticket completes with no duplicate
work, no partial file at a destination, and the download resumes."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from chalicelib.domain.audit import AuditEventType as E
from chalicelib.domain.stage_protocol import Stage
from tests.e2e.workers.agent.conftest import AlbumTorrent
from tests.integration.workers.agent.harness import (
    REPO,
    Harness,
    agent_process,
    album_mapping,
    work_order,
)
from tests.support.swarm import LibtorrentSeeder
from workers.agent.ticket_workdir import TicketWorkdir
from workers.media import probe

pytestmark = pytest.mark.e2e
ALL = (Stage.DOWNLOAD, Stage.CONVERT, Stage.PLACE)


def crashing(harness: Harness, where: str) -> subprocess.Popen[bytes]:
    env = {**os.environ, "PYTHONPATH": str(REPO), "QT_CRASH_AT": where}
    log = (harness.base_dir / "agent.log").open("ab")
    try:
        return subprocess.Popen([sys.executable, "-m", "tests.e2e.workers.agent.crashing_agent",
                                 "--config", str(harness.write_config_file()), "--plain"],
                                cwd=REPO, env=env, stdout=log, stderr=subprocess.STDOUT,
                                stdin=subprocess.DEVNULL, start_new_session=True)
    finally:
        log.close()


def killed(process: subprocess.Popen[bytes], harness: Harness, timeout: float = 60) -> None:
    try:
        code = process.wait(timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
        raise AssertionError((harness.base_dir / "agent.log").read_text()[-3000:]) from None
    assert code == -signal.SIGKILL, (harness.base_dir / "agent.log").read_text()[-3000:]


def restart_and_finish(harness: Harness, execution: str) -> dict[str, object]:
    agent = agent_process(harness.write_config_file(), harness.base_dir / "agent.log")
    try:
        done = harness.wait(execution, timeout=90)
    finally:
        agent.send_signal(signal.SIGTERM)
        code = agent.wait(30)
    assert code == 0, "SIGTERM must stop the agent cleanly"
    assert done["status"] == "SUCCEEDED", (harness.base_dir / "agent.log").read_text()[-3000:]
    return done


def assert_all_placed(harness: Harness, ticket_id: str) -> None:
    ticket = harness.store.get(ticket_id)
    assert ticket.state.value == "completed"
    for item in ticket.request.items:
        dest = Path(item.dest_path)
        assert dest.is_file()
        if item.kind.value == "track":
            assert probe(dest).codec == "vorbis"
        leftovers = [p.name for p in dest.parent.iterdir() if p.name.startswith(".qt-")]
        assert not leftovers


def test_killed_during_download_resumes_the_same_torrent(
        harness: Harness, album_torrent: AlbumTorrent) -> None:
    with LibtorrentSeeder(upload_rate_limit=40_000) as seeder:
        seeder.seed(album_torrent.torrent, album_torrent.data_dir)
        ticket = harness.create_ticket(with_cover_item=False, embed_cover=False)
        (harness.base_dir / "album.torrent").write_bytes(album_torrent.torrent)
        candidate = {"title": "album", "info_hash": album_torrent.info_hash,
                     "download_url": "http://127.0.0.1:9/unused"}
        # The .torrent is fetched once; a restarted agent must not need it again.
        from local.torznab_server import LocalRelease, TorznabServer

        release = LocalRelease(title="album", categories=(3040,), torrent=album_torrent.torrent,
                               release_id="a")
        with TorznabServer([release]) as indexer:
            candidate["download_url"] = f"{indexer.url}/dl/a.torrent"
            work = work_order(ticket, album_mapping(ticket, album_torrent.album_dir),
                              candidate=candidate)
            execution = harness.start(ALL, ticket.ticket_id, work)
            killed(crashing(harness, "download"), harness)
            fetched = len([r for r in indexer.requests if r.path.startswith("/dl/")])
        state = TicketWorkdir(harness.base_dir / "agent", ticket.ticket_id).read()
        assert state["info_hash"] == album_torrent.info_hash
        seeder.set_upload_limit(0)
        restart_and_finish(harness, execution)
    assert fetched == 1
    assert_all_placed(harness, ticket.ticket_id)


def _local_flow(harness: Harness, album: Path, stages: tuple[Stage, ...], tracks: int = 5
                ) -> tuple[str, str]:
    ticket = harness.create_ticket(tracks=tracks, with_cover_item=tracks == 5)
    work = work_order(ticket, album_mapping(ticket, album, top=False), source_dir=str(album))
    return ticket.ticket_id, harness.start(stages, ticket.ticket_id, work)


def test_killed_during_conversion_keeps_finished_files(harness: Harness,
                                                       album_torrent: AlbumTorrent) -> None:
    ticket_id, execution = _local_flow(harness, album_torrent.album_dir, ALL)
    killed(crashing(harness, "convert"), harness)
    restart_and_finish(harness, execution)
    started = [d for k, d in harness.events(ticket_id) if k is E.CONVERSION_STARTED]
    assert [d["reused"] for d in started] == [0, 2]
    assert_all_placed(harness, ticket_id)


def test_killed_between_two_placements_resumes_placement(harness: Harness,
                                                         album_torrent: AlbumTorrent) -> None:
    ticket_id, execution = _local_flow(harness, album_torrent.album_dir, ALL)
    killed(crashing(harness, "place"), harness)
    ticket = harness.store.get(ticket_id)
    present = [Path(i.dest_path).is_file() for i in ticket.request.items]
    assert present.count(True) == 1  # exactly the first file, never a partial one
    restart_and_finish(harness, execution)
    assert_all_placed(harness, ticket_id)
    kinds = [k for k, _ in harness.events(ticket_id)]
    assert kinds.count(E.PLACEMENT_COMPLETED) == 1


@pytest.mark.parametrize("where", ["after:download", "after:convert", "after:place",
                                   "place_temp"])
def test_killed_between_work_and_answer_redoes_nothing(harness: Harness,
                                                       album_torrent: AlbumTorrent,
                                                       where: str) -> None:
    ticket_id, execution = _local_flow(harness, album_torrent.album_dir, ALL, tracks=2)
    killed(crashing(harness, where), harness)
    ticket = harness.store.get(ticket_id)
    if where == "place_temp":  # the first file's temp waits beside it, nothing placed
        assert not any(Path(i.dest_path).exists() for i in ticket.request.items)
    done = restart_and_finish(harness, execution)
    assert_all_placed(harness, ticket_id)
    events = harness.events(ticket_id)
    kinds = [k for k, _ in events]
    assert kinds.count(E.CONVERSION_STARTED) == 1, kinds  # converted once, never again
    assert kinds.count(E.PLACEMENT_COMPLETED) == 1, kinds
    if where != "place_temp":  # a placement cut short is resumed, hence started again
        assert kinds.count(E.PLACEMENT_STARTED) == 1, kinds
    states = [d["to_state"] for k, d in events if k is E.TICKET_STATE_CHANGED]
    assert states.count("completed") == 1, states
    placed = done["output"]["results"]["place"]["files"]
    assert sorted(f["dest_path"] for f in placed) == sorted(
        i.dest_path for i in ticket.request.items)
