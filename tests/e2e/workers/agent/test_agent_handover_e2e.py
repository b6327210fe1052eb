"""Two agents (media hosts) on one stack with a real swarm: when the agent downloading a
ticket stops mid-download, the other one takes the download over and finishes the ticket,
and convert and place run where the files are."""

from __future__ import annotations

import pytest

from local.torznab_server import LocalRelease, TorznabServer
from tests.e2e.workers.agent.conftest import AlbumTorrent
from tests.integration.workers.agent.harness import (
    AgentThread,
    Harness,
    album_mapping,
    work_order,
)
from tests.integration.workers.agent.test_agent_several_hosts import ALL, host, ran
from tests.support.swarm import LibtorrentSeeder, wait_until

pytestmark = pytest.mark.e2e


def test_a_stopped_agent_hands_its_download_to_the_other(
        harness: Harness, album_torrent: AlbumTorrent) -> None:
    with LibtorrentSeeder(upload_rate_limit=40_000) as seeder:
        seeder.seed(album_torrent.torrent, album_torrent.data_dir)
        ticket = harness.create_ticket(with_cover_item=False, embed_cover=False)
        release = LocalRelease(title="album", categories=(3040,), torrent=album_torrent.torrent,
                               release_id="a")
        with TorznabServer([release]) as indexer:
            candidate = {"title": "album", "info_hash": album_torrent.info_hash,
                         "download_url": f"{indexer.url}/dl/a.torrent"}
            work = work_order(ticket, album_mapping(ticket, album_torrent.album_dir),
                              candidate=candidate)
            execution = harness.start(ALL, ticket.ticket_id, work)
            first = AgentThread(host(harness, "host-a")).__enter__()
            try:
                def downloading() -> bool:
                    pct = harness.store.get(ticket.ticket_id).state_payload.get("progress_pct")
                    return isinstance(pct, int | float) and pct > 0
                wait_until(downloading, 30, "host-a to be downloading")
            finally:
                first.stop()  # releases the download message to the queue
            assert harness.sfn.describe_execution(executionArn=execution)["status"] == "RUNNING"
            seeder.set_upload_limit(0)
            with AgentThread(host(harness, "host-b")) as second:
                done = harness.wait(execution, timeout=90)
    assert done["status"] == "SUCCEEDED", done
    assert done["output"]["results"]["download"]["agent_id"] == "host-b"
    assert ran(second.parts, ticket.ticket_id) == ["download", "convert", "place"]
    assert ran(first.parts, ticket.ticket_id) == []
    assert harness.store.get(ticket.ticket_id).state.value == "completed"
