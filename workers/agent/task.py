"""One received stage message being worked on, and how a stage ends other than with success."""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from chalicelib.domain.stage_protocol import StageMessage


class StageFailure(Exception):
    """The stage failed; answered with SendTaskFailure(error, failure_cause(reason, ...))."""

    def __init__(self, error: str, reason: str, *, retryable: bool, **extra: Any) -> None:
        super().__init__(f"{error}: {reason}")
        self.error = error
        self.reason = reason
        self.retryable = retryable
        self.extra = extra


class StopReason(StrEnum):
    CANCELLED = "cancelled"  # the ticket was cancelled: clean up and answer Cancelled
    RELEASED = "released"  # the agent shuts down: hand the message back, answer nothing
    LOST = "lost"  # the flow no longer waits for this task (token timed out)


class StageStopped(Exception):
    """The stage stopped early because its task was told to (see StopReason)."""

    def __init__(self, reason: StopReason) -> None:
        super().__init__(reason.value)
        self.reason = reason


@dataclass
class StageTask:
    """A message from a stage queue, its parsed content, and the signals a stage obeys."""

    message: StageMessage
    queue_url: str
    receipt_handle: str
    received_at: float = field(default_factory=time.monotonic)
    sent_at: float | None = None  # epoch seconds the message entered its queue, when known
    stop_event: threading.Event = field(default_factory=threading.Event)
    stop_reason: StopReason | None = None
    # What a progress view shows: "what" is the current step, pct 0..100.
    status: dict[str, Any] = field(default_factory=dict)
    body: str = ""  # the message as received, for forwarding it to another agent

    @property
    def ticket_id(self) -> str:
        return self.message.ticket_id

    @property
    def label(self) -> str:
        return f"{self.message.stage.value} {self.ticket_id[:12]}"

    def stop(self, reason: StopReason) -> None:
        """Ask the stage to stop; the first reason given wins (cancel beats release)."""
        if self.stop_reason is None or reason is StopReason.CANCELLED:
            self.stop_reason = reason
        self.stop_event.set()

    def check(self) -> None:
        """Raise StageStopped if the task was told to stop."""
        if self.stop_event.is_set() and self.stop_reason is not None:
            raise StageStopped(self.stop_reason)

    def wait(self, seconds: float) -> None:
        """Sleep up to `seconds`, waking (and raising StageStopped) when told to stop."""
        self.stop_event.wait(seconds)
        self.check()

    def show(self, **status: Any) -> None:
        self.status = {**self.status, **status}
