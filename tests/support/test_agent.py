"""A test agent that speaks the stage protocol (qt.stage/1) without torrents or ffmpeg.

It polls the agent queues of a running stack (priority bands high → low), moves the ticket
through downloading / converting / placing with the real FlowState, writes a small file at
each destination, and answers the task tokens. Behaviour per ticket comes from the ticket's
`metadata_to_embed["test_behaviour"]`:

- "ok" (default);
- "transient_once": the first download attempt fails with Transient (the flow retries);
- "silent_once": the first download message is ignored (no heartbeat: the flow times out
  and retries);
- "download_fails_once": the first candidate fails with DownloadFailed (next candidate);
- "conversion_fails_once": the first conversion fails for good (the ticket goes to Failed;
  a retry through the API then succeeds);
- "hold:<stage>": stop before answering <stage> until `release()` or a cancel.

With `metadata_to_embed["test_catalog"] == "register"` a finished download is recorded in the
torrent catalog (as the real agent always does), so later tickets can be served from it.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from chalicelib.adapters.aws.agent_registry import DynamoAgentRegistry
from chalicelib.adapters.aws.audit_log import DynamoAuditLog
from chalicelib.adapters.aws.clients import aws_client
from chalicelib.adapters.aws.models import build_models
from chalicelib.adapters.aws.searcher_models import build_searcher_models
from chalicelib.adapters.aws.ticket_store import DynamoTicketStore
from chalicelib.adapters.aws.torrent_catalog import DynamoTorrentCatalog
from chalicelib.adapters.clock import SystemClock
from chalicelib.config import Config
from chalicelib.domain.agents import AgentBeat
from chalicelib.domain.priority import BANDS_HIGH_FIRST
from chalicelib.domain.stage_protocol import (
    ERROR_CANCELLED,
    ERROR_DOWNLOAD_FAILED,
    ERROR_TRANSIENT,
    Stage,
    StageMessage,
    failure_cause,
)
from chalicelib.domain.states import TicketState
from chalicelib.services.audit import AuditRecorder
from chalicelib.services.catalog_entries import catalog_contents, downloaded_torrent
from chalicelib.services.flow_state import FlowState, TicketCancelled
from chalicelib.services.tickets import NoEvents

SAVE_PATH = "/tmp/test-agent"
AGENT_ID = "test-agent"
STAGE_STATE = {Stage.DOWNLOAD: TicketState.DOWNLOADING, Stage.CONVERT: TicketState.CONVERTING,
               Stage.PLACE: TicketState.PLACING}
WORK_ORDER = (TicketState.DOWNLOADING, TicketState.CONVERTING, TicketState.PLACING)


class TestAgent:
    __test__ = False  # not a pytest test class

    def __init__(self, config: Config, *, max_parallel: int = 4) -> None:
        self.max_parallel = max_parallel
        self.config = config
        self.sqs = aws_client(config, "sqs")
        self.sfn = aws_client(config, "stepfunctions")
        models = build_models(config)
        self.store = DynamoTicketStore(models)
        self.flow = FlowState(self.store, AuditRecorder(DynamoAuditLog(models), SystemClock()),
                              NoEvents(), SystemClock(), actor="test-agent")
        self.catalog = DynamoTorrentCatalog(build_searcher_models(config), SystemClock(), None)
        self.registry = DynamoAgentRegistry(build_searcher_models(config))
        prefix = config.aws.resource_prefix
        self.queues = [self._url(f"{prefix}-{stage}-{band.value}")
                       for band in BANDS_HIGH_FIRST for stage in ("place", "convert", "download")]
        self.control = self._url(f"{prefix}-agent-control")
        self.handled: list[tuple[str, str, int]] = []  # (ticket, stage, attempt) in order
        self.seen: dict[tuple[str, str], int] = {}
        self.cancelled: set[str] = set()
        self._released = threading.Event()
        self._stop = threading.Event()
        self.paused = threading.Event()
        self._slots = threading.Semaphore(max_parallel)
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()

    def _url(self, name: str) -> str:
        return str(self.sqs.get_queue_url(QueueName=name)["QueueUrl"])

    def start(self) -> TestAgent:
        self._thread = threading.Thread(target=self._loop, daemon=True, name="test-agent")
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        self._released.set()
        if self._thread:
            self._thread.join(timeout=10)

    def release(self) -> None:
        self._released.set()

    def _loop(self) -> None:
        while not self._stop.is_set():
            try:
                self._poll()
            except Exception:  # the stack may be restarting: like a real agent, keep trying
                time.sleep(0.2)

    def _poll(self) -> None:
        if self.paused.is_set():
            time.sleep(0.05)
            return
        self._poll_control()
        for url in self.queues:
            if not self._slots.acquire(timeout=0.1):
                return
            try:
                got = self.sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=1,
                                               WaitTimeSeconds=0)
            except Exception:
                self._slots.release()
                raise
            messages = got.get("Messages", [])
            if messages:
                threading.Thread(target=self._work, args=(url, messages[0]),
                                 daemon=True).start()
                return
            self._slots.release()
        time.sleep(0.05)

    def _poll_control(self) -> None:
        got = self.sqs.receive_message(QueueUrl=self.control, MaxNumberOfMessages=10,
                                       WaitTimeSeconds=0)
        for m in got.get("Messages", []):
            body = json.loads(m["Body"])
            if body.get("action") == "cancel":
                self.cancelled.add(body["ticket_id"])
            self.sqs.delete_message(QueueUrl=self.control, ReceiptHandle=m["ReceiptHandle"])

    def _work(self, url: str, message: dict[str, Any]) -> None:
        try:
            self._handle(url, message)
        except Exception:  # a dead token or a restarting stack: the flow will retry
            pass
        finally:
            self._slots.release()

    def _handle(self, url: str, message: dict[str, Any]) -> None:
        msg = StageMessage.parse(message["Body"])
        self.sqs.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])
        with self._lock:
            key = (msg.ticket_id, msg.stage.value)
            self.seen[key] = self.seen.get(key, 0) + 1
            count = self.seen[key]
            self.handled.append((msg.ticket_id, msg.stage.value, count))
        self._stage(msg, count)

    def _stage(self, msg: StageMessage, count: int) -> None:
        assert msg.work is not None, "agent stages always carry a work order"
        behaviour = str(msg.work.metadata.get("test_behaviour", "ok"))
        token = msg.task_token
        if msg.stage is Stage.DOWNLOAD and count == 1:
            if behaviour == "silent_once":
                return
            if behaviour == "transient_once":
                self.sfn.send_task_failure(taskToken=token, error=ERROR_TRANSIENT,
                                           cause=failure_cause("tracker hiccup", retryable=True))
                return
            if behaviour == "download_fails_once":
                self.flow.note_failure(msg.ticket_id, ERROR_DOWNLOAD_FAILED,
                                       "stalled: no progress", retryable=False)
                self.sfn.send_task_failure(
                    taskToken=token, error=ERROR_DOWNLOAD_FAILED,
                    cause=failure_cause("stalled: no progress", retryable=False))
                return
        if self._past(msg):
            # A flow restarted from its first agent stage: like the real agent, a stage whose
            # work is done answers with its result at once, without moving the ticket back.
            self.sfn.send_task_success(taskToken=token, output=json.dumps(self._result(msg)))
            return
        try:
            self.flow.enter(msg.ticket_id, STAGE_STATE[msg.stage], f"test agent: {msg.stage}")
        except TicketCancelled:
            self._cancelled(token)
            return
        if msg.stage is Stage.CONVERT and count == 1 and behaviour == "conversion_fails_once":
            self.flow.note_failure(msg.ticket_id, "ConversionFailed",
                                   "ffmpeg: invalid data found", retryable=False)
            self.sfn.send_task_failure(
                taskToken=token, error="ConversionFailed",
                cause=failure_cause("ffmpeg: invalid data found", retryable=False))
            return
        if behaviour == f"hold:{msg.stage.value}":
            while not self._released.wait(0.1):
                if msg.ticket_id in self.cancelled or self._is_cancelled(msg.ticket_id):
                    self._cancelled(token)
                    return
                self.sfn.send_task_heartbeat(taskToken=token)
        output = self._result(msg)
        if msg.stage is Stage.DOWNLOAD and msg.work.metadata.get("test_catalog") == "register" \
                and msg.work.candidate is not None:
            name = (msg.work.files[0].path or "x").split("/", 1)[0]
            sizes = {f.path: 1000 for f in msg.work.files if f.path}
            self.catalog.register_torrent(
                downloaded_torrent(name, msg.work.candidate.info_hash or "0" * 40,
                                   sizes.items()),
                catalog_contents(msg.work, sizes), save_path=SAVE_PATH, agent_id=AGENT_ID)
            # Alive as far as the service knows: it serves kept files only from live agents.
            self.registry.beat(AgentBeat(AGENT_ID, "test", SystemClock().now()))
        if msg.stage is Stage.PLACE:
            try:
                self.flow.enter(msg.ticket_id, TicketState.COMPLETED, "placed",
                                {"files": output["placed"]})
            except TicketCancelled:
                self._cancelled(token)
                return
        self.sfn.send_task_success(taskToken=token, output=json.dumps(output))

    def _past(self, msg: StageMessage) -> bool:
        """Whether the ticket is already beyond `msg`'s stage."""
        state = self.store.get(msg.ticket_id).state
        return state in WORK_ORDER and msg.stage is not Stage.PLACE and \
            WORK_ORDER.index(state) > WORK_ORDER.index(STAGE_STATE[msg.stage])

    def _is_cancelled(self, ticket_id: str) -> bool:
        return self.store.get(ticket_id).state is TicketState.CANCELLED

    def _cancelled(self, token: str) -> None:
        self.sfn.send_task_failure(taskToken=token, error=ERROR_CANCELLED,
                                   cause=failure_cause("cancelled", retryable=False))

    @staticmethod
    def _result(msg: StageMessage) -> dict[str, Any]:
        assert msg.work is not None
        if msg.stage is Stage.DOWNLOAD:
            return {"save_path": SAVE_PATH, "files": [
                {"item_id": f.item_id, "local_path": f"{SAVE_PATH}/{f.path}"}
                for f in msg.work.files]}
        if msg.stage is Stage.CONVERT:
            return {"outputs": [{"item_id": f.item_id, "dest_path": f.dest_path}
                                for f in msg.work.files]}
        placed = []
        for f in msg.work.files:
            dest = Path(f.dest_path)
            dest.parent.mkdir(parents=True, exist_ok=True)
            dest.write_text(f"{f.item_id} from {f.path}\n")
            placed.append({"item_id": f.item_id, "dest_path": f.dest_path,
                           "source_path": f.path})
        return {"placed": placed}


def wait_for(predicate: Callable[[], Any], timeout: float = 30, every: float = 0.1) -> Any:
    """Poll until `predicate` returns something truthy; fail with its last value."""
    deadline = time.monotonic() + timeout
    last = None
    while time.monotonic() < deadline:
        last = predicate()
        if last:
            return last
        time.sleep(every)
    raise AssertionError(f"condition not met in {timeout}s (last: {last!r})")
