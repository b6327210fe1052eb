"""The whole agent path with real torrents: download → convert → tag → place → completed.

Embedded libtorrent (the default client) and qBittorrent (qbittorrent-nox as the client
under test, another one seeding), a loopback opentracker, the local Torznab server serving
the .torrent, a real Step Functions flow on moto's server.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from chalicelib.domain.audit import AuditEventType as E
from chalicelib.domain.stage_protocol import Stage
from chalicelib.domain.states import TicketState
from local.torrent_maker import make_torrent
from local.torznab_server import LocalRelease, TorznabServer
from tests.e2e.workers.agent.conftest import AlbumTorrent
from tests.integration.workers.agent.harness import (
    AgentThread,
    Harness,
    album_mapping,
    make_harness,
    work_order,
)
from tests.support.sample_content import make_random_file
from tests.support.swarm import LibtorrentSeeder, QbittorrentProcess
from workers.media import probe, read_tags

pytestmark = pytest.mark.e2e
ALL = (Stage.DOWNLOAD, Stage.CONVERT, Stage.PLACE)


def check_placed(harness: Harness, ticket_id: str) -> None:
    ticket = harness.store.get(ticket_id)
    assert ticket.state is TicketState.COMPLETED
    assert len(ticket.state_payload["files"]) == len(ticket.request.items)
    for item in ticket.request.tracks:
        dest = Path(item.dest_path)
        assert probe(dest).codec == "vorbis"
        tags = read_tags(dest)
        assert (tags.title, tags.track_number, tags.album) == (item.name, item.track_number,
                                                              "Test Album")
    kinds = [k for k, _ in harness.events(ticket_id)]
    assert E.DOWNLOAD_STARTED in kinds and E.DOWNLOAD_COMPLETED in kinds
    assert E.DOWNLOAD_PROGRESS in kinds or kinds.count(E.DOWNLOAD_COMPLETED) == 1


def test_libtorrent_download_from_a_torznab_link_to_completed(
        harness: Harness, album_torrent: AlbumTorrent) -> None:
    release = LocalRelease(title="Test Artist - Test Album (2020) [FLAC]", categories=(3040,),
                           torrent=album_torrent.torrent, release_id="album")
    with LibtorrentSeeder() as seeder, TorznabServer([release]) as indexer:
        seeder.seed(album_torrent.torrent, album_torrent.data_dir)
        ticket = harness.create_ticket()
        candidate = {"title": release.title, "info_hash": album_torrent.info_hash,
                     "download_url": f"{indexer.url}/dl/album.torrent", "indexer": "local"}
        work = work_order(ticket, album_mapping(ticket, album_torrent.album_dir),
                          candidate=candidate)
        execution = harness.start(ALL, ticket.ticket_id, work)
        with AgentThread(harness.agent()):
            done = harness.wait(execution, timeout=90)
    assert done["status"] == "SUCCEEDED", done
    download = done["output"]["results"]["download"]
    assert download["info_hash"] == album_torrent.info_hash
    assert {f["item_id"] for f in download["files"]} == {i.item_id for i in
                                                         harness.store.get(ticket.ticket_id)
                                                         .request.items}
    check_placed(harness, ticket.ticket_id)


def test_qbittorrent_download_by_magnet_to_completed(
        agent_aws: str, tmp_path: Path, album_torrent: AlbumTorrent) -> None:
    with QbittorrentProcess.start(tmp_path / "seeder") as seeder, \
            QbittorrentProcess.start(tmp_path / "client", password="client-pw") as client:
        seeder.seed(album_torrent.torrent, album_torrent.data_dir)
        harness = make_harness(agent_aws, tmp_path / "agent-home", torrent_client={
            "kind": "qbittorrent", "url": client.url, "username": client.username,
            "password": client.password})
        release = LocalRelease(title="album", categories=(3040,), torrent=album_torrent.torrent)
        ticket = harness.create_ticket()
        candidate = {"title": "Test Album", "magnet_uri": release.magnet_uri}
        work = work_order(ticket, album_mapping(ticket, album_torrent.album_dir),
                          candidate=candidate)
        execution = harness.start(ALL, ticket.ticket_id, work)
        with AgentThread(harness.agent()):
            done = harness.wait(execution, timeout=90)
        assert done["status"] == "SUCCEEDED", done
        check_placed(harness, ticket.ticket_id)
        tagged = client.api().torrents_info(tag=f"qt-{ticket.ticket_id}")
        assert [t.hash for t in tagged] == [album_torrent.info_hash]


def test_a_stalled_download_fails_with_download_failed(agent_aws: str, tmp_path: Path) -> None:
    harness = make_harness(agent_aws, tmp_path, agent={"stall_timeout_secs": 2.0})
    lonely = make_random_file(tmp_path / "nobody-seeds" / "file.bin", 200_000, seed=7)
    torrent = make_torrent(lonely.parent, [])
    ticket = harness.create_ticket(tracks=1, with_cover_item=False)
    item = ticket.request.items[0]
    work: dict[str, Any] = work_order(ticket, [{"item_id": item.item_id,
                                                "path": "nobody-seeds/file.bin"}])
    served = LocalRelease(title="nobody seeds", categories=(3040,), torrent=torrent,
                          release_id="lonely")
    with TorznabServer([served]) as indexer:
        work["candidate"] = {"title": "nobody seeds",
                             "download_url": f"{indexer.url}/dl/lonely.torrent"}
        execution = harness.start((Stage.DOWNLOAD,), ticket.ticket_id, work)
        with AgentThread(harness.agent()):
            done = harness.wait(execution, timeout=30)
    assert done["status"] == "FAILED" and done["error"] == "DownloadFailed"
    failed = [d for k, d in harness.events(ticket.ticket_id) if k is E.DOWNLOAD_FAILED]
    assert failed and failed[-1]["reason"].startswith("stalled:")
    assert failed[-1]["retryable"] is False
    assert not list((tmp_path / "downloads" / ticket.ticket_id).rglob("*.bin"))
