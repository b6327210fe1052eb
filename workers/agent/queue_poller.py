"""Receive stage messages from a stage's priority-band queues, higher bands first."""

from __future__ import annotations

import json
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from chalicelib.domain.stage_protocol import ERROR_INVALID, ProtocolError, StageMessage
from workers.agent.flow_answers import FlowAnswers, FlowUnreachable, TaskGone
from workers.agent.task import StageTask

log = logging.getLogger("quentin.agent.queues")
SQS_MAX_BATCH = 10


@dataclass(frozen=True)
class Received:
    queue_url: str
    band_rank: int  # 0 = the highest band
    body: str
    receipt_handle: str
    sent_at: float | None = None  # epoch seconds SQS received it (the queue lag's start)


def order_batch(received: Sequence[tuple[Received, StageMessage]]
                ) -> list[tuple[Received, StageMessage]]:
    """Higher band first, then higher priority, then arrival order."""
    indexed = list(enumerate(received))
    indexed.sort(key=lambda pair: (pair[1][0].band_rank, -pair[1][1].priority, pair[0]))
    return [item for _, item in indexed]


def token_of(body: str) -> str | None:
    """The task token of a message that is not a valid stage message, if one can be read."""
    try:
        data = json.loads(body)
    except ValueError:
        return None
    token = data.get("task_token") if isinstance(data, dict) else None
    return token if isinstance(token, str) and token else None


class BandPoller:
    """Polls one stage's queues (given highest band first)."""

    def __init__(self, sqs: Any, answers: FlowAnswers, queue_urls: Sequence[str], *,
                 visibility_secs: int, long_poll_secs: int) -> None:
        self._sqs = sqs
        self._answers = answers
        self._urls = list(queue_urls)
        self._visibility = visibility_secs
        self._long_poll = long_poll_secs

    def receive(self, wanted: int) -> list[StageTask]:
        """Up to `wanted` valid tasks: each band is tried at once, highest first; when all are
        empty the highest band is long-polled. Invalid messages are failed and deleted."""
        wanted = max(1, min(wanted, SQS_MAX_BATCH))
        got: list[Received] = []
        for rank, url in enumerate(self._urls):
            got = self._receive(url, rank, wanted, wait=0)
            if got:
                break
        if not got and self._long_poll and self._urls:
            got = self._receive(self._urls[0], 0, wanted, wait=self._long_poll)
        parsed: list[tuple[Received, StageMessage]] = []
        for item in got:
            try:
                message = StageMessage.parse(item.body)
                if not message.stage.runs_on_agent:
                    raise ProtocolError(f"stage {message.stage.value!r} does not run on the agent")
            except ProtocolError as exc:
                self._reject(item, str(exc))
                continue
            parsed.append((item, message))
        return [StageTask(message=m, queue_url=r.queue_url, receipt_handle=r.receipt_handle,
                          sent_at=r.sent_at, body=r.body)
                for r, m in order_batch(parsed)]

    def _receive(self, url: str, rank: int, wanted: int, wait: int) -> list[Received]:
        answer = self._sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=wanted,
                                           WaitTimeSeconds=wait,
                                           VisibilityTimeout=self._visibility,
                                           AttributeNames=["SentTimestamp"])
        return [Received(url, rank, m["Body"], m["ReceiptHandle"], _sent_at(m))
                for m in answer.get("Messages", [])]

    def _reject(self, item: Received, reason: str) -> None:
        log.warning("invalid stage message: %s", reason, extra={"queue": item.queue_url})
        token = token_of(item.body)
        try:
            if token:
                self._answers.failure(token, ERROR_INVALID, reason, retryable=False)
        except (TaskGone, FlowUnreachable) as exc:
            log.warning("could not fail the invalid message's task: %s", exc)
        try:
            self._answers.delete(item.queue_url, item.receipt_handle)
        except (TaskGone, FlowUnreachable) as exc:
            log.warning("invalid message not deleted: %s", exc)


def _sent_at(message: dict[str, Any]) -> float | None:
    sent = (message.get("Attributes") or {}).get("SentTimestamp")
    return int(sent) / 1000 if sent else None
