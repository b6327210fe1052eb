"""Run one stage task from start to answer: keep it alive, run the stage, answer, delete."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable

from chalicelib.domain.errors import InvalidTransition
from chalicelib.domain.stage_protocol import (
    ERROR_CANCELLED,
    ERROR_TRANSIENT,
    Stage,
)
from workers.agent.flow_answers import FlowAnswers, FlowUnreachable, TaskGone
from workers.agent.ports import StageHandler
from workers.agent.task import StageFailure, StageStopped, StageTask, StopReason
from workers.agent.ticket_reporter import TicketReporter

log = logging.getLogger("quentin.agent")


class Keepalive:
    """While a task runs: heartbeat the flow and extend the message's visibility."""

    def __init__(self, task: StageTask, answers: FlowAnswers, interval_secs: float,
                 visibility_secs: int) -> None:
        self._task = task
        self._answers = answers
        self._interval = interval_secs
        self._visibility = visibility_secs
        self._done = threading.Event()
        self._thread = threading.Thread(target=self._loop, daemon=True,
                                        name=f"keepalive-{task.ticket_id[:8]}")
        self.beats = 0

    def __enter__(self) -> Keepalive:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._done.set()
        self._thread.join(timeout=10)

    def _loop(self) -> None:
        while not self._done.wait(self._interval):
            task = self._task
            try:
                self._answers.keep_hidden(task.queue_url, task.receipt_handle, self._visibility)
                self._answers.heartbeat(task.message.task_token)
                self.beats += 1
            except TaskGone as exc:
                log.warning("the flow gave up on this task (%s); stopping it", exc,
                            extra={"ticket_id": task.ticket_id})
                task.stop(StopReason.LOST)
                return
            except FlowUnreachable as exc:
                log.warning("heartbeat failed: %s", exc, extra={"ticket_id": task.ticket_id})


class TaskRunner:
    """Everything around a stage's own work, the same for every stage."""

    def __init__(self, answers: FlowAnswers, handlers: dict[Stage, StageHandler],
                 reporter_for: Callable[[str], TicketReporter],
                 cancel_ticket: Callable[[str], object], *, heartbeat_secs: float,
                 visibility_secs: int) -> None:
        self._answers = answers
        self._handlers = handlers
        self._reporter_for = reporter_for
        self._cancel_ticket = cancel_ticket
        self._heartbeat = heartbeat_secs
        self._visibility = visibility_secs

    def run(self, task: StageTask) -> str:
        """Work on `task` and answer the flow; returns the outcome ("success", an error name,
        "released", "lost" or "duplicate")."""
        message = task.message
        started = time.monotonic()
        log.info("task started", extra={"ticket_id": task.ticket_id, "stage": message.stage.value,
                                        "attempt": message.attempt})
        if self._answered_already(task):
            outcome = "duplicate"
        else:
            with Keepalive(task, self._answers, self._heartbeat, self._visibility):
                outcome = self._work(task)
        if outcome == "released":
            self._answers.release(task.queue_url, task.receipt_handle)
        else:
            try:
                self._answers.delete(task.queue_url, task.receipt_handle)
            except (TaskGone, FlowUnreachable) as exc:
                log.warning("message not deleted (it will be redelivered): %s", exc,
                            extra={"ticket_id": task.ticket_id})
        task.show(outcome=outcome)
        log.info("task finished", extra={"ticket_id": task.ticket_id,
                                         "stage": message.stage.value, "outcome": outcome,
                                         "elapsed_secs": round(time.monotonic() - started, 3)})
        return outcome

    def _answered_already(self, task: StageTask) -> bool:
        """Whether the flow no longer waits on this message's token: SQS delivered a copy
        of a message that was answered (or the flow moved on). Checked before any work, so
        such a copy neither redoes the stage nor writes on the ticket; it is only deleted."""
        try:
            self._answers.heartbeat(task.message.task_token)
        except TaskGone as exc:
            log.info("message already answered (%s): dropping this copy", exc,
                     extra={"ticket_id": task.ticket_id, "stage": task.message.stage.value})
            return True
        except FlowUnreachable:
            return False  # cannot tell: work as usual; the answer decides
        return False

    def _work(self, task: StageTask) -> str:
        token = task.message.task_token
        handler = self._handlers[task.message.stage]
        failure: StageFailure
        try:
            reporter = self._reporter_for(task.ticket_id)
            task.check()
            output = handler.run(task, reporter)
            task.check()
            return self._answer(task, lambda: self._answers.success(token, output), "success")
        except StageStopped as stop:
            return self._stopped(task, stop.reason)
        except StageFailure as exc:
            log.warning("stage failed: %s", exc.reason,
                        extra={"ticket_id": task.ticket_id, "error": exc.error})
            failure = exc
        except InvalidTransition as exc:
            failure = StageFailure(ERROR_TRANSIENT, f"ticket cannot enter this stage: {exc}",
                                   retryable=False)
        except Exception as exc:  # a bug or an outage: the flow retries with backoff
            log.exception("stage crashed", extra={"ticket_id": task.ticket_id})
            failure = StageFailure(ERROR_TRANSIENT, f"agent error: {type(exc).__name__}: {exc}",
                                   retryable=True)
        try:
            self._reporter_for(task.ticket_id).note_failure(failure.error, failure.reason,
                                                            retryable=failure.retryable)
        except Exception:  # the answer below matters more than this note
            log.warning("failure reason not kept on the ticket",
                        extra={"ticket_id": task.ticket_id})
        return self._answer(task, lambda: self._answers.failure(
            token, failure.error, failure.reason, retryable=failure.retryable,
            **failure.extra), failure.error)

    def _stopped(self, task: StageTask, reason: StopReason) -> str:
        if reason is StopReason.RELEASED:
            return "released"
        if reason is StopReason.LOST:
            return "lost"
        self._cancel_ticket(task.ticket_id)
        return self._answer(task, lambda: self._answers.failure(
            task.message.task_token, ERROR_CANCELLED, "ticket cancelled", retryable=False),
            ERROR_CANCELLED)

    @staticmethod
    def _answer(task: StageTask, send: Callable[[], None], outcome: str) -> str:
        try:
            send()
        except TaskGone as exc:
            log.warning("answer refused, the flow gave up on this task: %s", exc,
                        extra={"ticket_id": task.ticket_id})
            return "lost"
        except FlowUnreachable as exc:
            # Nobody heard the answer: hand the message back; the stage is idempotent.
            log.warning("answer not delivered: %s", exc, extra={"ticket_id": task.ticket_id})
            return "released"
        return outcome
