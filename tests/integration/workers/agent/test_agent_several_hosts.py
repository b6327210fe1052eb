"""Several agents (media hosts) on one stack: later stages run where the files are, a gone
owner fails its tickets retryably, and every agent reports itself for /health."""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, cast

import pytest

from chalicelib.adapters.aws.agent_control import SqsAgentControl
from chalicelib.adapters.aws.agent_registry import DynamoAgentRegistry
from chalicelib.adapters.aws.searcher_models import build_searcher_models
from chalicelib.adapters.aws.torrent_catalog import DynamoTorrentCatalog
from chalicelib.adapters.clock import SystemClock
from chalicelib.bootstrap import agent_alive
from chalicelib.domain.agents import AgentBeat
from chalicelib.domain.catalog import CatalogContent
from chalicelib.domain.stage_protocol import Stage, StageMessage
from chalicelib.domain.states import TicketState
from chalicelib.services.acquisition import AcquisitionService
from chalicelib.services.audit import AuditRecorder
from chalicelib.services.catalog_entries import downloaded_torrent
from chalicelib.services.health import HealthService
from tests.integration.workers.agent.harness import (
    TRACKS,
    AgentThread,
    Harness,
    album_mapping,
    work_order,
)
from tests.support.swarm import wait_until
from workers.agent.ticket_workdir import TicketWorkdir
from workers.agent.wiring import AgentParts, build_agent

ALL = (Stage.DOWNLOAD, Stage.CONVERT, Stage.PLACE)


def host(harness: Harness, name: str) -> AgentParts:
    """An agent with its own id, work dir, downloads and torrent state below base_dir/name."""
    c = harness.config
    config = dataclasses.replace(
        c, agent=dataclasses.replace(c.agent, id=name, work_dir=f"{name}/agent",
                                     status_interval_secs=0.5),
        torrent_client=dataclasses.replace(c.torrent_client, download_dir=f"{name}/downloads",
                                           state_dir=f"{name}/torrent-state"))
    return build_agent(config, harness.base_dir)


def ran(parts: AgentParts, ticket_id: str) -> list[str]:
    return [stage for tid, stage, outcome in parts.agent.outcomes
            if tid == ticket_id and outcome == "success"]


def test_later_stages_run_on_the_agent_that_downloaded(harness: Harness,
                                                       album_source: Path) -> None:
    tickets, executions = [], []
    for _ in range(6):
        ticket = harness.create_ticket(tracks=1, with_cover_item=False, embed_cover=False)
        mapping = album_mapping(ticket, album_source, top=False)
        work = work_order(ticket, mapping, source_dir=str(album_source))
        tickets.append(ticket.ticket_id)
        executions.append(harness.start(ALL, ticket.ticket_id, work))
    with AgentThread(host(harness, "host-a")) as a, AgentThread(host(harness, "host-b")) as b:
        done = [harness.wait(e, timeout=120) for e in executions]
    assert [d["status"] for d in done] == ["SUCCEEDED"] * len(done), done
    for ticket_id, result in zip(tickets, done, strict=True):
        owner = result["output"]["results"]["download"]["agent_id"]
        assert owner in ("host-a", "host-b")
        here, there = (a, b) if owner == "host-a" else (b, a)
        assert ran(here.parts, ticket_id) == ["download", "convert", "place"], ticket_id
        assert ran(there.parts, ticket_id) == []
        assert harness.store.get(ticket_id).state is TicketState.COMPLETED


def test_a_ticket_whose_agent_is_gone_fails_retryably(harness: Harness,
                                                      album_source: Path) -> None:
    registry = DynamoAgentRegistry(build_searcher_models(harness.config))
    long_ago = datetime.now(UTC) - timedelta(hours=2)
    registry.beat(AgentBeat("ghost", "0.1.0", long_ago))
    ticket = harness.create_ticket(tracks=1, with_cover_item=False, embed_cover=False)
    mapping = album_mapping(ticket, album_source, top=False)
    work = work_order(ticket, mapping, source_dir=str(album_source))
    results: dict[str, Any] = {"download": {"agent_id": "ghost", "files": [
        {"item_id": m["item_id"], "local_path": str(album_source / m["path"])}
        for m in mapping]}}
    execution = harness.start((Stage.CONVERT, Stage.PLACE), ticket.ticket_id, work, results)
    with AgentThread(host(harness, "host-a")) as a:
        done = harness.wait(execution, timeout=60)
    assert done["status"] == "FAILED" and done["error"] == "AgentGone", done
    failure = harness.store.get(ticket.ticket_id).state_payload["last_failure"]
    assert failure["retryable"] is True
    assert failure["reason"].startswith("agent ghost, which holds this ticket's downloaded "
                                        "files, has been silent for ")
    assert ran(a.parts, ticket.ticket_id) == []


def test_a_live_owner_keeps_its_stage_from_other_agents(harness: Harness,
                                                        album_source: Path) -> None:
    registry = DynamoAgentRegistry(build_searcher_models(harness.config))
    registry.beat(AgentBeat("host-b", "0.1.0", datetime.now(UTC)))  # alive, not running yet
    ticket = harness.create_ticket(tracks=1, with_cover_item=False, embed_cover=False)
    mapping = album_mapping(ticket, album_source, top=False)
    work = work_order(ticket, mapping, source_dir=str(album_source))
    results: dict[str, Any] = {"download": {"agent_id": "host-b", "files": [
        {"item_id": m["item_id"], "local_path": str(album_source / m["path"])}
        for m in mapping]}}
    execution = harness.start((Stage.CONVERT, Stage.PLACE), ticket.ticket_id, work, results)
    with AgentThread(host(harness, "host-a")) as a:
        wait_until(lambda: len(registry.agents()) == 2, 10, "host-a's heartbeat")
        time.sleep(3)  # host-a forwards it to host-b's queue, where it waits for host-b
        assert harness.sfn.describe_execution(executionArn=execution)["status"] == "RUNNING"
        with AgentThread(host(harness, "host-b")) as b:
            done = harness.wait(execution, timeout=60)
    assert done["status"] == "SUCCEEDED", done
    assert ran(a.parts, ticket.ticket_id) == []
    assert ran(b.parts, ticket.ticket_id) == ["convert", "place"]

    listed = HealthService([], agents=registry, clock=SystemClock(),
                           agent_gone_secs=harness.config.agent.gone_after_secs
                           ).report()["agents"]
    assert set(listed) == {"host-a", "host-b"}
    assert listed["host-a"]["version"] == "0.1.0" and listed["host-a"]["gone"] is False
    assert listed["host-a"]["client_status"] == "ok"
    assert str(harness.base_dir / "host-a" / "downloads") in listed["host-a"]["free_bytes"]


class Searched(Exception):
    """The acquisition went on to search: the catalog did not serve the ticket."""


class NotSearched:
    """Search and LLM stand-in: a ticket the catalog covers must never reach them."""

    def __getattr__(self, name: str) -> Any:
        raise Searched(name)


def keep_in_catalog(harness: Harness, album_source: Path, agent_id: str,
                    tracks: int) -> DynamoTorrentCatalog:
    """What the download stage leaves in the catalog once `agent_id` downloaded the album."""
    catalog = DynamoTorrentCatalog(build_searcher_models(harness.config), SystemClock())
    root = album_source.name
    contents = [CatalogContent(path=f"{root}/{n:02d} - {TRACKS[n - 1]}.flac", size=1000,
                               catalog_track_id=f"t{n}") for n in range(1, tracks + 1)]
    meta = downloaded_torrent(root, "ab" * 20, [(c.path, c.size) for c in contents])
    catalog.register_torrent(meta, contents, save_path=str(album_source.parent),
                             agent_id=agent_id)
    return catalog


def covered_by_catalog(harness: Harness, catalog: DynamoTorrentCatalog, ticket_id: str,
                       keeper_alive: Callable[[str], bool] | None = None) -> dict[str, Any]:
    """The acquisition stage's answer for the ticket: the work order over the kept files."""
    acquisition = AcquisitionService(
        harness.flow, harness.store, cast(Any, NotSearched()), cast(Any, NotSearched()),
        AuditRecorder(harness.audit_log, SystemClock()), catalog=catalog,
        keeper_alive=keeper_alive)
    answer = acquisition.acquire(StageMessage(Stage.ACQUIRE, ticket_id, "token"))
    assert answer["outcome"] == "covered", answer
    return dict(answer["work"])


def test_a_catalog_hit_is_served_only_by_the_agent_keeping_the_files(
        harness: Harness, album_source: Path) -> None:
    catalog = keep_in_catalog(harness, album_source, "host-b", tracks=2)
    ticket = harness.create_ticket(tracks=2, with_cover_item=False, embed_cover=False,
                                   state=TicketState.PENDING)
    work = covered_by_catalog(harness, catalog, ticket.ticket_id)
    assert work["agent_id"] == "host-b" and work["candidate"] is None
    registry = DynamoAgentRegistry(build_searcher_models(harness.config))
    registry.beat(AgentBeat("host-b", "0.1.0", datetime.now(UTC)))  # alive, not running yet
    execution = harness.start(ALL, ticket.ticket_id, work)
    with AgentThread(host(harness, "host-a")) as a:
        time.sleep(3)  # host-a receives the download and forwards it to host-b's queue
        assert harness.sfn.describe_execution(executionArn=execution)["status"] == "RUNNING"
        with AgentThread(host(harness, "host-b")) as b:
            done = harness.wait(execution, timeout=60)
    assert done["status"] == "SUCCEEDED", done
    assert done["output"]["results"]["download"]["agent_id"] == "host-b"
    assert ran(a.parts, ticket.ticket_id) == []
    assert ran(b.parts, ticket.ticket_id) == ["download", "convert", "place"]
    assert harness.store.get(ticket.ticket_id).state is TicketState.COMPLETED


def test_a_catalog_hit_whose_keeping_agent_is_gone_fails_retryably(
        harness: Harness, album_source: Path) -> None:
    registry = DynamoAgentRegistry(build_searcher_models(harness.config))
    registry.beat(AgentBeat("ghost", "0.1.0", datetime.now(UTC) - timedelta(hours=2)))
    catalog = keep_in_catalog(harness, album_source, "ghost", tracks=1)
    ticket = harness.create_ticket(tracks=1, with_cover_item=False, embed_cover=False,
                                   state=TicketState.PENDING)
    work = covered_by_catalog(harness, catalog, ticket.ticket_id)
    execution = harness.start(ALL, ticket.ticket_id, work)
    with AgentThread(host(harness, "host-a")) as a:
        done = harness.wait(execution, timeout=60)
    assert done["status"] == "FAILED" and done["error"] == "AgentGone", done
    failure = harness.store.get(ticket.ticket_id).state_payload["last_failure"]
    assert failure["retryable"] is True
    assert failure["reason"].startswith("agent ghost, which holds this ticket's catalogued ")
    assert ran(a.parts, ticket.ticket_id) == []
    # The service knows the keeper is gone: a new (or retried) ticket searches instead.
    alive = agent_alive(registry, SystemClock(), harness.config.agent.gone_after_secs)
    again = harness.create_ticket(tracks=1, with_cover_item=False, embed_cover=False,
                                  state=TicketState.PENDING)
    with pytest.raises(Searched):
        covered_by_catalog(harness, catalog, again.ticket_id, alive)
    harness.flow.enter(again.ticket_id, TicketState.ACQUISITION_FAILED, "not searched here")
    registry.beat(AgentBeat("ghost", "0.1.0", datetime.now(UTC)))  # back: its files serve
    back = harness.create_ticket(tracks=1, with_cover_item=False, embed_cover=False,
                                 state=TicketState.PENDING)
    assert covered_by_catalog(harness, catalog, back.ticket_id, alive)["agent_id"] == "ghost"


def _idle_workdir(harness: Harness, agent_id: str, ticket_id: str) -> TicketWorkdir:
    """State a finished stage left for `ticket_id` on `agent_id`'s disk."""
    workdir = TicketWorkdir(harness.base_dir / agent_id / "agent", ticket_id)
    workdir.update(note="state of a stage that ended")
    return workdir


def test_a_cancel_reaches_the_agent_working_on_the_ticket_and_only_it(
        harness: Harness) -> None:
    named = harness.create_ticket(tracks=1)
    harness.flow.progress(named.ticket_id, agent_id="host-a")  # host-a's stages wrote this
    unnamed = harness.create_ticket(tracks=1)
    on_a = _idle_workdir(harness, "host-a", named.ticket_id)
    on_b = _idle_workdir(harness, "host-b", named.ticket_id)
    everywhere = [_idle_workdir(harness, h, unnamed.ticket_id) for h in ("host-a", "host-b")]
    registry = DynamoAgentRegistry(build_searcher_models(harness.config))
    control = SqsAgentControl(harness.sqs, harness.config.aws.resource_prefix,
                              lambda: [b.agent_id for b in registry.agents()])
    with AgentThread(host(harness, "host-a")), AgentThread(host(harness, "host-b")):
        wait_until(lambda: len(registry.agents()) == 2, 10, "both agents' heartbeats")
        reached = control.cancel(harness.store.get(named.ticket_id))
        assert reached == [f"{harness.config.aws.resource_prefix}-agent-host-a-control"]
        wait_until(lambda: not on_a.exists(), 15, "host-a to clean the cancelled ticket up")
        # No agent is named: every agent heard of lately is told.
        assert len(control.cancel(harness.store.get(unnamed.ticket_id))) == 2
        wait_until(lambda: not any(w.exists() for w in everywhere), 15,
                   "both agents to clean the unnamed ticket up")
    assert on_b.exists()  # host-b never heard of the cancel addressed to host-a
