"""A real flow for the agent's tests: moto's server, the service's tables, the agent's queues,
and a small Step Functions state machine that sends stage messages and waits for the
agent's answer (real task tokens), plus tickets in the real ticket store."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from chalicelib.adapters.aws.audit_log import DynamoAuditLog
from chalicelib.adapters.aws.clients import aws_client
from chalicelib.adapters.aws.models import build_models
from chalicelib.adapters.aws.ticket_store import DynamoTicketStore
from chalicelib.adapters.clock import SystemClock
from chalicelib.config import Config, parse_config
from chalicelib.domain.audit import AuditEventType
from chalicelib.domain.priority import BANDS_HIGH_FIRST
from chalicelib.domain.stage_protocol import SCHEMA, Stage
from chalicelib.domain.states import TicketState
from chalicelib.domain.ticket import Ticket
from chalicelib.domain.validation import parse_ticket_request
from chalicelib.services.audit import AuditRecorder
from chalicelib.services.flow_state import FlowState
from chalicelib.services.tickets import NoEvents
from local.provision import provision
from workers.agent.settings import AGENT_STAGES, control_queue_name, stage_queue_name
from workers.agent.wiring import AgentParts, build_agent

REPO = Path(__file__).resolve().parents[4]
ROLE = "arn:aws:iam::123456789012:role/quentin-test"
TRACKS = ("Track One", "Track Two", "Track Three", "Track Four", "Track Five")


def stage_state(stage: Stage, queue_url: str, result_path: str | None, end: bool,
                next_state: str | None = None) -> dict[str, Any]:
    body = {"schema": SCHEMA, "stage": stage.value, "ticket_id.$": "$.ticket_id",
            "task_token.$": "$$.Task.Token", "priority.$": "$.priority", "work.$": "$.work",
            "results.$": "$.results"}
    state: dict[str, Any] = {
        "Type": "Task", "Resource": "arn:aws:states:::sqs:sendMessage.waitForTaskToken",
        "HeartbeatSeconds": 60, "Parameters": {"QueueUrl": queue_url, "MessageBody": body},
        "ResultPath": result_path}
    if end:
        state["End"] = True
    else:
        state["Next"] = next_state
    return state


@dataclass
class Harness:
    """One test's resources (own prefix) on the session's embedded AWS."""

    config: Config
    base_dir: Path
    media_root: Path
    sqs: Any
    sfn: Any
    flow: FlowState
    store: DynamoTicketStore
    audit_log: DynamoAuditLog
    queue_urls: dict[str, str] = field(default_factory=dict)
    machines: dict[str, str] = field(default_factory=dict)

    # --- resources ---------------------------------------------------------------------

    def queue(self, stage: Stage, band: str = "normal") -> str:
        return self.queue_urls[stage_queue_name(self.config.aws.resource_prefix, stage, band)]

    @property
    def control_queue(self) -> str:
        return self.queue_urls[control_queue_name(self.config.aws.resource_prefix)]

    def machine(self, stages: tuple[Stage, ...], band: str = "normal") -> str:
        """A state machine running `stages` in order; each result lands in $.results.<stage>."""
        key = "-".join(s.value for s in stages) + f"-{band}"
        if key in self.machines:
            return self.machines[key]
        names = [f"S{i}_{s.value}" for i, s in enumerate(stages)]
        states = {names[i]: stage_state(s, self.queue(s, band), f"$.results.{s.value}",
                                        end=i == len(stages) - 1,
                                        next_state=names[i + 1] if i + 1 < len(stages) else None)
                  for i, s in enumerate(stages)}
        definition = {"StartAt": names[0], "States": states}
        arn = self.sfn.create_state_machine(
            name=f"{self.config.aws.resource_prefix}-{key}", definition=json.dumps(definition),
            roleArn=ROLE)["stateMachineArn"]
        self.machines[key] = arn
        return arn

    def start(self, stages: tuple[Stage, ...], ticket_id: str, work: dict[str, Any],
              results: dict[str, Any] | None = None, band: str = "normal") -> str:
        payload = {"ticket_id": ticket_id, "priority": work.get("priority", 100), "work": work,
                   "results": results or {}}
        return str(self.sfn.start_execution(
            stateMachineArn=self.machine(stages, band), name=f"{ticket_id}-{uuid.uuid4().hex[:6]}",
            input=json.dumps(payload))["executionArn"])

    def wait(self, execution_arn: str, timeout: float = 60.0) -> dict[str, Any]:
        deadline = time.monotonic() + timeout
        while True:
            described = self.sfn.describe_execution(executionArn=execution_arn)
            if described["status"] != "RUNNING":
                out = described.get("output")
                return {"status": described["status"], "error": described.get("error"),
                        "output": json.loads(out) if out else None}
            if time.monotonic() > deadline:
                raise TimeoutError(f"execution still running after {timeout}s")
            time.sleep(0.1)

    # --- tickets -----------------------------------------------------------------------

    def create_ticket(self, tracks: int = 5, *, fmt: str = "ogg_vorbis", bitrate: int = 320,
                      embed_cover: bool = True, with_cover_item: bool = True,
                      state: TicketState = TicketState.AUTO_APPROVED) -> Ticket:
        tid = uuid.uuid4().hex
        dest = self.media_root / "albums" / tid
        body: dict[str, Any] = {
            "priority": 100, "request_scope": "full_album",
            "search": {"artist": "Test Artist", "album": "Test Album", "year": 2020},
            "tracks": [{"catalog_track_id": f"t{n}", "disc_number": 1, "track_number": n,
                        "name": TRACKS[n - 1], "duration_secs": 3,
                        "dest_path": f"{dest}/d1t{n:02d}.ogg"} for n in range(1, tracks + 1)],
            "constraints": {"format": fmt, "bitrate_kbps": bitrate, "embed_cover": embed_cover},
            "metadata_to_embed": {"artist": "Test Artist", "album": "Test Album", "year": 2020,
                                  "genre": "Test"},
        }
        if with_cover_item:
            body["images"] = [{"catalog_image_id": "cover", "dest_path": f"{dest}/cover.jpg"}]
        request = parse_ticket_request(body, list(self.config.placement.allowed_roots))
        ticket = self.store.create(Ticket.new(tid, request, "tester", SystemClock().now()))
        path = {TicketState.AUTO_APPROVED: (TicketState.ACQUIRING, TicketState.AUTO_APPROVED),
                TicketState.PENDING: ()}[state]
        for step in path:
            self.flow.enter(tid, step, "test setup")
        return self.store.get(ticket.ticket_id)

    def events(self, ticket_id: str) -> list[tuple[AuditEventType, dict[str, Any]]]:
        page = self.audit_log.query(ticket_id=ticket_id, event_type=None, start=None, end=None,
                                    limit=200, cursor=None, newest_first=False)
        return [(e.event_type, e.data) for e in page.items]

    # --- the agent ---------------------------------------------------------------------

    def agent(self, **kwargs: Any) -> AgentParts:
        return build_agent(self.config, self.base_dir, **kwargs)

    def write_config_file(self) -> Path:
        """The same configuration as TOML, for an agent run as a subprocess."""
        c = self.config
        text = f"""
[auth]
method = "none"
[aws]
endpoint_url = "{c.aws.endpoint_url}"
resource_prefix = "{c.aws.resource_prefix}"
[placement]
allowed_roots = {json.dumps(list(c.placement.allowed_roots))}
[torrent_client]
kind = "{c.torrent_client.kind}"
url = "{c.torrent_client.url}"
username = "{c.torrent_client.username}"
password = "{c.torrent_client.password}"
download_dir = "{c.torrent_client.download_dir}"
state_dir = "{c.torrent_client.state_dir}"
stall_timeout_secs = {c.torrent_client.stall_timeout_secs}
interface = "{c.torrent_client.interface}"
listen_port = {c.torrent_client.listen_port}
dht = {json.dumps(c.torrent_client.dht)}
dht_bootstrap_nodes = {json.dumps(list(c.torrent_client.dht_bootstrap_nodes))}
lsd = {json.dumps(c.torrent_client.lsd)}
port_forwarding = {json.dumps(c.torrent_client.port_forwarding)}
[orchestrator]
max_concurrent_conversions = {c.orchestrator.max_concurrent_conversions}
heartbeat_timeout_secs = {c.orchestrator.heartbeat_timeout_secs}
[agent]
work_dir = "{c.agent.work_dir}"
poll_wait_secs = {c.agent.poll_wait_secs}
heartbeat_interval_secs = {c.agent.heartbeat_interval_secs}
visibility_timeout_secs = {c.agent.visibility_timeout_secs}
progress_interval_secs = {c.agent.progress_interval_secs}
"""
        path = self.base_dir / "agent.toml"
        path.write_text(text)
        return path


# Tests never reach another machine: loopback only, no DHT routers, no LSD, no UPnP/NAT-PMP.
OFFLINE_NETWORK: dict[str, Any] = {"interface": "127.0.0.1", "listen_port": 0, "dht": False,
                                   "dht_bootstrap_nodes": [], "lsd": False,
                                   "port_forwarding": False}


def make_harness(endpoint: str, base_dir: Path, **sections: Any) -> Harness:
    prefix = f"t{uuid.uuid4().hex[:10]}"
    media = base_dir / "media"
    media.mkdir(parents=True, exist_ok=True)
    raw: dict[str, Any] = {
        "auth": {"method": "none"},
        "aws": {"endpoint_url": endpoint, "resource_prefix": prefix},
        "placement": {"allowed_roots": [str(media)]},
        "torrent_client": {"download_dir": "downloads", "state_dir": "torrent-state",
                           "stall_timeout_secs": 30, **OFFLINE_NETWORK},
        "orchestrator": {"heartbeat_timeout_secs": 60, "max_concurrent_conversions": 2},
        "agent": {"work_dir": "agent", "poll_wait_secs": 1, "heartbeat_interval_secs": 1.0,
                  "visibility_timeout_secs": 4, "progress_interval_secs": 0.5},
    }
    for name, values in sections.items():
        raw[name] = {**raw.get(name, {}), **values}
    config = parse_config(raw, {})

    def client(service: str) -> Any:
        return aws_client(config, service)

    provision(client, prefix)
    sqs = client("sqs")
    urls: dict[str, str] = {}
    names = [stage_queue_name(prefix, s, b.value) for s in AGENT_STAGES for b in BANDS_HIGH_FIRST]
    for name in [*names, control_queue_name(prefix)]:
        urls[name] = sqs.create_queue(QueueName=name)["QueueUrl"]
    models = build_models(config)
    store = DynamoTicketStore(models)
    audit_log = DynamoAuditLog(models)
    flow = FlowState(store, AuditRecorder(audit_log, SystemClock()), NoEvents(), SystemClock(),
                     actor="test")
    return Harness(config, base_dir, media, sqs, client("stepfunctions"), flow, store,
                   audit_log, urls)


class AgentThread:
    """Run an in-process agent until stopped."""

    def __init__(self, parts: AgentParts, once: bool = False) -> None:
        self.parts = parts
        self.error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, args=(once,), daemon=True)

    def _run(self, once: bool) -> None:
        try:
            self.parts.agent.run(once=once)
        except BaseException as exc:  # surfaced by stop()
            self.error = exc

    def __enter__(self) -> AgentThread:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def stop(self) -> None:
        self.parts.agent.stop()
        self._thread.join(timeout=60)
        self.parts.close()
        if self.error is not None:
            raise self.error


def agent_process(config_path: Path, log_path: Path, *extra: str,
                  module: str = "workers.agent") -> subprocess.Popen[bytes]:
    """`python -m workers.agent --config ...` as a child process (its own session)."""
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    log = log_path.open("ab")
    try:
        return subprocess.Popen([sys.executable, "-m", module, "--config", str(config_path),
                                 "--plain", *extra], cwd=REPO, env=env, stdout=log,
                                stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                start_new_session=True)
    finally:
        log.close()


def work_order(ticket: Ticket, files: list[dict[str, Any]], *, candidate: dict[str, Any] | None
               = None, source_dir: str | None = None) -> dict[str, Any]:
    """The WorkOrder dict for `ticket`: `files` maps item ids to paths in the source."""
    request = ticket.request
    by_id = {f["item_id"]: f for f in files}
    work_files = []
    for item in request.items:
        mapped = by_id.get(item.item_id)
        if mapped is None:
            continue
        work_files.append({"item_id": item.item_id, "kind": item.kind.value,
                           "dest_path": item.dest_path, "path": mapped.get("path"),
                           "file_index": mapped.get("file_index"), "name": item.name,
                           "disc_number": item.disc_number, "track_number": item.track_number,
                           "duration_secs": item.duration_secs})
    c = request.constraints
    return {"ticket_id": ticket.ticket_id, "priority": request.priority, "candidate": candidate,
            "source_dir": source_dir, "files": work_files,
            "constraints": {"format": c.format.value, "bitrate_kbps": c.bitrate_kbps,
                            "sample_rate_hz": c.sample_rate_hz, "embed_cover": c.embed_cover,
                            "embed_metadata": c.embed_metadata},
            "metadata": dict(request.metadata_to_embed)}


def album_mapping(ticket: Ticket, album_dir: Path, *, top: bool = True) -> list[dict[str, Any]]:
    """Map the ticket's items to the generated album's files (path inside the torrent)."""
    prefix = f"{album_dir.name}/" if top else ""
    files = []
    for item in ticket.request.items:
        if item.kind.value == "track" and item.track_number:
            name = f"{item.track_number:02d} - {TRACKS[item.track_number - 1]}.flac"
            files.append({"item_id": item.item_id, "path": prefix + name})
        elif item.kind.value == "image":
            files.append({"item_id": item.item_id, "path": prefix + "cover.jpg"})
    return files
