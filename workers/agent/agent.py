"""The agent's loop: poll the stage queues within concurrency limits, run tasks, obey
cancel messages, and shut down gracefully.

Threads: one poller per stage (download, convert, place), one worker thread per running
task, and one control thread (cancel messages, seeding checks, the agent's heartbeat). A
stage polls only while it has a free slot, so messages it cannot start yet stay in SQS for
another agent. Cancels come addressed to this agent (its own control queue); the shared
control queue is still read, for a cancel sent by an older service.
"""

from __future__ import annotations

import contextlib
import json
import logging
import threading
import time
from collections.abc import Callable
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from chalicelib.domain.agents import agent_queue_name
from chalicelib.domain.stage_protocol import CONTROL_SCHEMA, Stage
from chalicelib.ports import Metrics
from chalicelib.services.metrics import QUEUE_LAG
from workers.agent.flow_answers import FlowAnswers, FlowUnreachable, TaskGone
from workers.agent.queue_poller import BandPoller
from workers.agent.routing import FORWARD, PASS_SECS, RUN, WAIT, Route
from workers.agent.settings import AGENT_STAGES, AgentSettings
from workers.agent.task import StageTask, StopReason
from workers.agent.task_runner import TaskRunner

log = logging.getLogger("quentin.agent")
ONCE_IDLE_SECS = 2.0  # --once: stop after every queue was empty and nothing ran this long
QUEUE_RETRY_SECS = 5.0
# Run only where the files are: the download ran there, or (download) the catalog keeps them.
OWNED_STAGES = (Stage.DOWNLOAD, Stage.CONVERT, Stage.PLACE)


class Agent:
    """Runs until `stop()` (or, with once=True, until the queues are drained)."""

    def __init__(self, settings: AgentSettings, sqs: Any, answers: FlowAnswers,
                 runner: TaskRunner, cancel_ticket: Callable[[str], object], *,
                 seeding_sweep: Callable[[], object] | None = None,
                 slots: dict[Stage, int] | None = None,
                 metrics: Metrics | None = None,
                 route: Callable[[StageTask], Route] = lambda task: Route(RUN),
                 beacon: Callable[[], object] | None = None) -> None:
        self._settings = settings
        self._sqs = sqs
        self._answers = answers
        self._runner = runner
        self._cancel_ticket = cancel_ticket
        self._sweep = seeding_sweep
        self._metrics = metrics
        self._route = route
        self._beacon = beacon
        self._slots = slots or {Stage.DOWNLOAD: settings.max_downloads, Stage.CONVERT: 1,
                                Stage.PLACE: 1}
        self._stopping = threading.Event()
        self._lock = threading.Condition()
        self._active: dict[int, StageTask] = {}
        self._workers: list[threading.Thread] = []
        self._idle_since: dict[Stage, float | None] = {s: None for s in AGENT_STAGES}
        self.outcomes: list[tuple[str, str, str]] = []  # (ticket_id, stage, outcome)

    # --- control -------------------------------------------------------------------------

    def stop(self) -> None:
        """Stop taking messages; running downloads and conversions are released to the
        queue, a running placement finishes (it is short and must not be torn)."""
        if self._stopping.is_set():
            return
        log.info("agent stopping")
        self._stopping.set()
        with self._lock:
            for task in self._active.values():
                if task.message.stage is not Stage.PLACE:
                    task.stop(StopReason.RELEASED)
            self._lock.notify_all()

    def cancel(self, ticket_id: str) -> None:
        """Stop every task of the ticket (each cleans up and answers Cancelled); with none
        running, clean up at once."""
        with self._lock:
            running = [t for t in self._active.values() if t.ticket_id == ticket_id]
        for task in running:
            task.stop(StopReason.CANCELLED)
        if not running:
            self._cancel_ticket(ticket_id)

    def active_tasks(self) -> list[StageTask]:
        with self._lock:
            return list(self._active.values())

    # --- running -------------------------------------------------------------------------

    def run(self, *, once: bool = False) -> None:
        urls = self._resolve_queues(once)
        if urls is None:
            return
        stage_urls, control_urls = urls
        long_poll = 1 if once else self._settings.poll_wait_secs
        threads = [threading.Thread(target=self._poll_stage, name=f"poll-{stage.value}",
                                    args=(stage, BandPoller(
                                        self._sqs, self._answers, stage_urls[stage],
                                        visibility_secs=self._settings.visibility_timeout_secs,
                                        long_poll_secs=long_poll)))
                   for stage in AGENT_STAGES]
        threads.append(threading.Thread(target=self._poll_control, args=(control_urls, long_poll),
                                        name="poll-control"))
        for thread in threads:
            thread.start()
        log.info("agent running", extra={"once": once, "slots": {
            s.value: n for s, n in self._slots.items()}})
        try:
            while not self._stopping.wait(0.2):
                if once and self._drained():
                    self.stop()
        finally:
            self.stop()
            for thread in threads:
                thread.join()
            for worker in list(self._workers):
                worker.join()
        log.info("agent stopped")

    def _drained(self) -> bool:
        now = time.monotonic()
        with self._lock:
            if self._active:
                return False
            marks = list(self._idle_since.values())
        return all(m is not None and now - m >= ONCE_IDLE_SECS for m in marks)

    def _resolve_queues(self, once: bool) -> tuple[dict[Stage, list[str]], list[str]] | None:
        while not self._stopping.is_set():
            try:
                stage_urls = {stage: [self._url(name) for name in
                                      self._settings.stage_queues(stage)]
                              for stage in AGENT_STAGES}
                for stage in OWNED_STAGES:  # our own queue first: work only we can do
                    stage_urls[stage].insert(0, self._own_queue(self._settings.own_queue(stage)))
                control = [self._own_queue(self._settings.own_control_queue),
                           self._url(self._settings.control_queue)]
                return stage_urls, control
            except ClientError as exc:
                if once:
                    raise
                log.warning("queues not available yet (%s); retrying", exc)
                self._stopping.wait(QUEUE_RETRY_SECS)
        return None

    def _own_queue(self, name: str) -> str:
        answer = self._sqs.create_queue(
            QueueName=name,
            Attributes={"VisibilityTimeout": str(self._settings.visibility_timeout_secs)})
        return str(answer["QueueUrl"])

    def _url(self, name: str) -> str:
        return str(self._sqs.get_queue_url(QueueName=name)["QueueUrl"])

    def _free_slots(self, stage: Stage) -> int:
        with self._lock:
            busy = sum(1 for t in self._active.values() if t.message.stage is stage)
        return self._slots[stage] - busy

    def _poll_stage(self, stage: Stage, poller: BandPoller) -> None:
        while not self._stopping.is_set():
            free = self._free_slots(stage)
            if free <= 0:
                with self._lock:
                    self._lock.wait(0.5)
                continue
            try:
                tasks = poller.receive(free)
            except (ClientError, BotoCoreError) as exc:
                log.warning("receiving %s messages failed: %s", stage.value, exc)
                self._stopping.wait(1.0)
                continue
            with self._lock:
                if tasks:
                    self._idle_since[stage] = None
                elif self._idle_since[stage] is None and not any(
                        t.message.stage is stage for t in self._active.values()):
                    self._idle_since[stage] = time.monotonic()
            for task in tasks:
                if self._stopping.is_set():
                    self._answers.release(task.queue_url, task.receipt_handle)
                    continue
                route = self._route(task)
                if route.action == FORWARD and route.owner:  # another agent holds the files
                    self._forward(task, route.owner)
                elif route.action == WAIT:
                    self._wait_for_owner(task, route.owner)
                else:
                    self._start(task)

    def _forward(self, task: StageTask, owner: str) -> None:
        """Send the message to the owner's own queue and drop it here (same task token)."""
        stage = task.message.stage
        extra = {"ticket_id": task.ticket_id, "stage": stage.value, "owner": owner}
        try:
            url = self._url(agent_queue_name(self._settings.resource_prefix, owner, stage.value))
            self._sqs.send_message(QueueUrl=url, MessageBody=task.body)
            self._answers.delete(task.queue_url, task.receipt_handle)
            log.info("forwarded to the agent holding the files", extra=extra)
        except (ClientError, BotoCoreError, TaskGone, FlowUnreachable) as exc:
            # No queue of the owner's yet (or SQS hiccup): let it reappear for the owner.
            log.warning("not forwarded (%s); the message waits for its owner", exc,
                        extra=extra)
            with contextlib.suppress(TaskGone, FlowUnreachable):
                self._answers.keep_hidden(task.queue_url, task.receipt_handle, PASS_SECS)

    def _wait_for_owner(self, task: StageTask, owner: str | None) -> None:
        """Hide the message a while: its owner is silent; seen again, it is routed again."""
        log.info("the agent holding the files is silent; the message waits",
                 extra={"ticket_id": task.ticket_id, "stage": task.message.stage.value,
                        "owner": owner})
        with contextlib.suppress(TaskGone, FlowUnreachable):
            self._answers.keep_hidden(task.queue_url, task.receipt_handle, PASS_SECS)

    def _start(self, task: StageTask) -> None:
        if self._metrics is not None and task.sent_at is not None:
            self._metrics.emit(QUEUE_LAG, max(0.0, time.time() - task.sent_at), "Seconds",
                               {"stage": task.message.stage.value})
        with self._lock:
            self._active[id(task)] = task
        worker = threading.Thread(target=self._work, args=(task,), name=task.label)
        self._workers = [w for w in self._workers if w.is_alive()] + [worker]
        worker.start()

    def _work(self, task: StageTask) -> None:
        outcome = "crashed"
        try:
            outcome = self._runner.run(task)
        except Exception:
            log.exception("task runner crashed", extra={"ticket_id": task.ticket_id})
        finally:
            with self._lock:
                self._active.pop(id(task), None)
                self.outcomes.append((task.ticket_id, task.message.stage.value, outcome))
                self._lock.notify_all()

    def _poll_control(self, urls: list[str], long_poll: int) -> None:
        """Own control queue long-polled (bounded by the heartbeat interval), others peeked."""
        next_sweep = time.monotonic() + self._settings.seeding_check_secs
        next_beat = time.monotonic()
        wait = min(long_poll, max(1, int(self._settings.status_interval_secs)))
        while not self._stopping.is_set():
            if self._beacon is not None and time.monotonic() >= next_beat:
                next_beat = time.monotonic() + self._settings.status_interval_secs
                self._beacon()
            try:
                for rank, url in enumerate(urls):
                    answer = self._sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10,
                                                       WaitTimeSeconds=0 if rank else wait)
                    for message in answer.get("Messages", []):
                        self._control(message["Body"])
                        self._sqs.delete_message(QueueUrl=url,
                                                 ReceiptHandle=message["ReceiptHandle"])
            except (ClientError, BotoCoreError) as exc:
                log.warning("control queue: %s", exc)
                self._stopping.wait(1.0)
            if self._sweep is not None and time.monotonic() >= next_sweep:
                next_sweep = time.monotonic() + self._settings.seeding_check_secs
                try:
                    self._sweep()
                except Exception:
                    log.exception("seeding check failed")

    def _control(self, body: str) -> None:
        try:
            data = json.loads(body)
        except ValueError:
            data = None
        if not isinstance(data, dict) or data.get("schema") != CONTROL_SCHEMA or \
                data.get("action") != "cancel" or not isinstance(data.get("ticket_id"), str):
            log.warning("ignoring invalid control message")
            return
        ticket_id = data["ticket_id"]
        log.info("cancel requested", extra={"ticket_id": ticket_id})
        try:
            self.cancel(ticket_id)
        except Exception:
            log.exception("cancelling failed", extra={"ticket_id": ticket_id})
