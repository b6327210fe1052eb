"""Two agents (media hosts) on one stack with a real swarm: a download stays with the agent
that started it. Stopped mid-download and back within `gone_after_secs`, that agent resumes
it, although the other agent received the message meanwhile (and forwarded it)."""

from __future__ import annotations

import pytest

from chalicelib.domain.stage_protocol import Stage
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


def test_a_stopped_agent_keeps_its_download_and_resumes_it(
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
                    payload = harness.store.get(ticket.ticket_id).state_payload
                    pct = payload.get("progress_pct")
                    return isinstance(pct, int | float) and pct > 0
                wait_until(downloading, 30, "host-a to be downloading")
            finally:
                first.stop()  # releases the download message to the queue
            assert harness.store.get(ticket.ticket_id).state_payload["agent_id"] == "host-a"
            with AgentThread(host(harness, "host-b")) as second:
                # host-b receives the released message: it forwards it to host-a's queue,
                # or, once host-a has been silent a few status intervals, keeps it hidden.
                forwarded = harness.sqs.get_queue_url(
                    QueueName=f"{harness.config.aws.resource_prefix}-agent-host-a-download")
                shared = harness.queue(Stage.DOWNLOAD)
                wait_until(lambda: _waiting(harness, forwarded["QueueUrl"]) == 1 or (
                    _waiting(harness, shared) == 0 and _hidden(harness, shared) == 1), 30,
                    "host-b to forward or keep the download for host-a")
                assert harness.sfn.describe_execution(
                    executionArn=execution)["status"] == "RUNNING"
                seeder.set_upload_limit(0)
                with AgentThread(host(harness, "host-a")) as again:
                    done = harness.wait(execution, timeout=90)
    assert done["status"] == "SUCCEEDED", done
    assert done["output"]["results"]["download"]["agent_id"] == "host-a"
    assert ran(again.parts, ticket.ticket_id) == ["download", "convert", "place"]
    assert ran(first.parts, ticket.ticket_id) == []  # stopped: released, not finished
    assert ran(second.parts, ticket.ticket_id) == []
    assert not (harness.base_dir / "host-b" / "downloads" / ticket.ticket_id).exists()
    assert harness.store.get(ticket.ticket_id).state.value == "completed"


def _waiting(harness: Harness, url: str, what: str = "ApproximateNumberOfMessages") -> int:
    got = harness.sqs.get_queue_attributes(QueueUrl=url, AttributeNames=[what])
    return int(got["Attributes"][what])


def _hidden(harness: Harness, url: str) -> int:
    return _waiting(harness, url, "ApproximateNumberOfMessagesNotVisible")
