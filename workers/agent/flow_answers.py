"""Answering the Step Functions flow for a task token, and keeping a message hidden.

A token the flow no longer waits for (timed out, execution stopped) makes every call fail
with a "gone" error; that is reported as TaskGone so the caller stops working on it.
"""

from __future__ import annotations

import json
import logging
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from chalicelib.domain.stage_protocol import failure_cause

log = logging.getLogger("quentin.agent.flow")
GONE_CODES = frozenset({"TaskTimedOut", "TaskDoesNotExist", "InvalidToken",
                        "ExecutionDoesNotExist"})
MAX_CAUSE_CHARS = 32_000  # Step Functions' limit is 32768 characters
MAX_ERROR_CHARS = 256


class TaskGone(Exception):
    """The flow no longer waits for this task token."""


class FlowUnreachable(Exception):
    """Step Functions or SQS did not answer; the message stays for another try."""


def _call(method: Any, **kwargs: Any) -> Any:
    try:
        return method(**kwargs)
    except ClientError as exc:
        code = exc.response.get("Error", {}).get("Code", "")
        if code in GONE_CODES:
            raise TaskGone(code) from None
        raise FlowUnreachable(f"{code}: {exc}") from None
    except BotoCoreError as exc:
        raise FlowUnreachable(str(exc)) from None


class FlowAnswers:
    """SendTaskSuccess / Failure / Heartbeat, and SQS visibility and delete."""

    def __init__(self, sfn: Any, sqs: Any) -> None:
        self._sfn = sfn
        self._sqs = sqs

    def success(self, token: str, output: dict[str, Any]) -> None:
        _call(self._sfn.send_task_success, taskToken=token, output=json.dumps(output))

    def failure(self, token: str, error: str, reason: str, *, retryable: bool,
                **extra: Any) -> None:
        cause = failure_cause(reason, retryable=retryable, **extra)
        if len(cause) > MAX_CAUSE_CHARS:
            cause = failure_cause(reason[:MAX_CAUSE_CHARS // 2], retryable=retryable)
        _call(self._sfn.send_task_failure, taskToken=token, error=error[:MAX_ERROR_CHARS],
              cause=cause)

    def heartbeat(self, token: str) -> None:
        _call(self._sfn.send_task_heartbeat, taskToken=token)

    def keep_hidden(self, queue_url: str, receipt: str, seconds: int) -> None:
        _call(self._sqs.change_message_visibility, QueueUrl=queue_url, ReceiptHandle=receipt,
              VisibilityTimeout=seconds)

    def release(self, queue_url: str, receipt: str) -> None:
        """Make the message visible again at once, for another agent (or this one later)."""
        try:
            self.keep_hidden(queue_url, receipt, 0)
        except (TaskGone, FlowUnreachable) as exc:
            log.warning("message not released (it reappears after its timeout): %s", exc)

    def delete(self, queue_url: str, receipt: str) -> None:
        _call(self._sqs.delete_message, QueueUrl=queue_url, ReceiptHandle=receipt)
