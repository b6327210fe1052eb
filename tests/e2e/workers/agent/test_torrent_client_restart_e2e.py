"""The torrent client (real qbittorrent-nox) SIGKILLed and started again in the middle of a
download the agent follows: the download resumes in the same stage and the ticket completes,
with nothing fetched, failed or placed twice."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from chalicelib.domain.audit import AuditEventType as E
from chalicelib.domain.stage_protocol import Stage
from local.torznab_server import LocalRelease
from tests.e2e.workers.agent.conftest import AlbumTorrent
from tests.e2e.workers.agent.test_agent_torrent_e2e import check_placed
from tests.integration.workers.agent.harness import (
    AgentThread,
    album_mapping,
    make_harness,
    work_order,
)
from tests.support.swarm import LibtorrentSeeder, QbittorrentProcess

pytestmark = pytest.mark.e2e
ALL = (Stage.DOWNLOAD, Stage.CONVERT, Stage.PLACE)


def _progress(client: QbittorrentProcess, info_hash: str) -> float:
    found = client.api().torrents_info(torrent_hashes=info_hash)
    return float(found[0].progress) if found else 0.0


def test_qbittorrent_killed_mid_download_resumes_and_completes(
        agent_aws: str, tmp_path: Path, album_torrent: AlbumTorrent) -> None:
    with LibtorrentSeeder(upload_rate_limit=30_000) as seeder, \
            QbittorrentProcess.start(tmp_path / "client", password="client-pw") as client:
        seeder.seed(album_torrent.torrent, album_torrent.data_dir)
        harness = make_harness(agent_aws, tmp_path / "agent-home", torrent_client={
            "kind": "qbittorrent", "url": client.url, "username": client.username,
            "password": client.password})
        release = LocalRelease(title="album", categories=(3040,), torrent=album_torrent.torrent)
        ticket = harness.create_ticket(with_cover_item=False, embed_cover=False)
        candidate = {"title": "Test Album", "magnet_uri": release.magnet_uri}
        work = work_order(ticket, album_mapping(ticket, album_torrent.album_dir),
                          candidate=candidate)
        execution = harness.start(ALL, ticket.ticket_id, work)
        with AgentThread(harness.agent()):
            deadline = time.monotonic() + 60
            while _progress(client, album_torrent.info_hash) < 0.1:
                assert time.monotonic() < deadline, "the download never started"
                time.sleep(0.1)
            client.restart()  # SIGKILL, then the same profile again
            seeder.set_upload_limit(0)
            done = harness.wait(execution, timeout=90)
        assert done["status"] == "SUCCEEDED", done
        check_placed(harness, ticket.ticket_id)
        tagged = client.api().torrents_info(tag=f"qt-{ticket.ticket_id}")
        assert [t.hash for t in tagged] == [album_torrent.info_hash]
    kinds = [k for k, _ in harness.events(ticket.ticket_id)]
    assert E.DOWNLOAD_FAILED not in kinds
    assert kinds.count(E.DOWNLOAD_STARTED) == 1 and kinds.count(E.DOWNLOAD_COMPLETED) == 1
    assert kinds.count(E.PLACEMENT_COMPLETED) == 1
