"""The agent's download stage and the machine it runs on: the interface kill switch and the
disk space check, with the real agent, libtorrent and a Step Functions flow on moto."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest

from chalicelib.domain.audit import AuditEventType as E
from chalicelib.domain.stage_protocol import Stage
from chalicelib.domain.states import TicketState
from local.torrent_maker import make_torrent
from local.torznab_server import LocalRelease, TorznabServer
from tests.integration.workers.agent.harness import AgentThread, make_harness, work_order
from tests.support.netns import Namespace
from tests.support.sample_content import make_random_file
from tests.support.swarm import wait_until

pytestmark = pytest.mark.e2e


def lonely_download(tmp_path: Path, harness: Any) -> tuple[Any, dict[str, Any], LocalRelease]:
    content = make_random_file(tmp_path / "content" / "file.bin", 400_000, seed=9)
    torrent = make_torrent(content.parent, [])
    ticket = harness.create_ticket(tracks=1, with_cover_item=False)
    item = ticket.request.items[0]
    work: dict[str, Any] = work_order(ticket, [{"item_id": item.item_id,
                                                "path": "content/file.bin"}])
    return ticket, work, LocalRelease(title="file", categories=(3040,), torrent=torrent,
                                      release_id="file")


def test_a_downed_interface_keeps_the_ticket_waiting_with_the_reason(
        agent_aws: str, tmp_path: Path) -> None:
    with Namespace.create() as ns:
        harness = make_harness(agent_aws, tmp_path, torrent_client={"interface": ns.host_if})
        ticket, work, release = lonely_download(tmp_path, harness)
        ns.set_host_link(up=False)
        with TorznabServer([release]) as indexer:
            work["candidate"] = {"title": "file",
                                 "download_url": f"{indexer.url}/dl/file.torrent"}
            execution = harness.start((Stage.DOWNLOAD,), ticket.ticket_id, work)
            with AgentThread(harness.agent()):
                def waiting() -> bool:
                    payload = harness.store.get(ticket.ticket_id).state_payload
                    return bool(payload.get("waiting_reason"))

                wait_until(waiting, 30, "the ticket to wait for the interface")
                stored = harness.store.get(ticket.ticket_id)
                assert stored.state_payload["waiting_reason"] == (
                    f"network interface {ns.host_if} is down; nothing downloads until it is up")
                time.sleep(2)  # longer than a heartbeat: the flow keeps waiting
                described = harness.sfn.describe_execution(executionArn=execution)
                assert described["status"] == "RUNNING"
                ns.set_host_link(up=True)
                wait_until(lambda: not harness.store.get(ticket.ticket_id)
                           .state_payload.get("waiting_reason"), 10, "the wait to end")
                assert harness.store.get(ticket.ticket_id).state is TicketState.DOWNLOADING
                harness.sfn.stop_execution(executionArn=execution)


def test_too_little_disk_space_fails_before_downloading(agent_aws: str, tmp_path: Path) -> None:
    # 10^9 % headroom: the conversion would need more than any disk here has.
    harness = make_harness(agent_aws, tmp_path, agent={"conversion_headroom_pct": 10**9},
                           orchestrator={"max_attempts": 1})
    ticket, work, release = lonely_download(tmp_path, harness)
    with TorznabServer([release]) as indexer:
        work["candidate"] = {"title": "file", "download_url": f"{indexer.url}/dl/file.torrent"}
        execution = harness.start((Stage.DOWNLOAD,), ticket.ticket_id, work)
        with AgentThread(harness.agent()):
            done = harness.wait(execution, timeout=60)
    assert done["status"] == "FAILED", done
    failed = [d for k, d in harness.events(ticket.ticket_id) if k is E.DOWNLOAD_FAILED]
    assert failed, harness.events(ticket.ticket_id)
    reason = failed[-1]["reason"]
    assert reason.startswith("not enough disk space at ") and "conversion" in reason
    assert failed[-1]["retryable"] is True
    assert not list((tmp_path / "downloads" / ticket.ticket_id).rglob("*.bin"))
