"""Run the flow's Lambda stages for a batch of SQS records, and answer their task tokens."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import Any

from chalicelib.bootstrap import Flow
from chalicelib.domain.errors import ExternalServiceError
from chalicelib.domain.stage_protocol import (
    ERROR_TRANSIENT,
    ProtocolError,
    Stage,
    StageMessage,
    failure_cause,
)

log = logging.getLogger("quentin.stages")
ERROR_STAGE = "StageError"


def handle_records(records: Iterable[tuple[str, str]], flow: Flow) -> dict[str, Any]:
    """Process (message id, body) pairs; the answer lists the ones SQS must deliver again.

    A stage that fails answers its token with a failure (the flow decides what comes next),
    so only records whose answer could not be delivered, or that are not stage messages at
    all, are reported as failures (and end in the queue's DLQ after a few tries).
    """
    failures = []
    for message_id, body in records:
        try:
            handle_message(body, flow)
        except Exception:
            log.exception("stage message not handled", extra={"message_id": message_id})
            failures.append({"itemIdentifier": message_id})
    return {"batchItemFailures": failures}


def handle_message(body: str, flow: Flow) -> None:
    try:
        msg = StageMessage.parse(body)
    except ProtocolError:
        raise
    context = {"ticket_id": msg.ticket_id, "stage": msg.stage.value, "attempt": msg.attempt}
    log.info("stage started", extra=context)
    try:
        output = _run(msg, flow)
    except ExternalServiceError as e:
        log.warning("stage failed, retryable", extra={**context, "error": e.message})
        flow.workflow.fail(msg.task_token, ERROR_TRANSIENT,
                           failure_cause(e.message, retryable=True, service=e.service))
        return
    except Exception as e:
        log.exception("stage failed", extra=context)
        flow.workflow.fail(msg.task_token, ERROR_STAGE,
                           failure_cause(f"{type(e).__name__}: {e}"[:1000], retryable=True))
        return
    if output is not None:
        flow.workflow.answer(msg.task_token, output)
    log.info("stage finished", extra={**context, "outcome": (output or {}).get("outcome")})


def _run(msg: StageMessage, flow: Flow) -> dict[str, Any] | None:
    if msg.stage is Stage.ACQUIRE:
        return flow.acquisition.acquire(msg)
    if msg.stage is Stage.NEXT_CANDIDATE:
        return flow.acquisition.next_candidate(msg)
    if msg.stage is Stage.APPROVAL:
        flow.stages.await_approval(msg)
        return None  # answered later by a person (or at once by await_approval itself)
    if msg.stage is Stage.RECORD_FAILURE:
        return flow.stages.record_failure(msg)
    raise ProtocolError(f"stage {msg.stage.value} runs on the agent, not in a Lambda")


def sqs_records(event: Any) -> list[tuple[str, str]]:
    """(message id, body) of each record of a Chalice SQSEvent or a raw SQS event dict."""
    if isinstance(event, dict):
        return [(r["messageId"], r["body"]) for r in event.get("Records", [])]
    return [(r.to_dict()["messageId"], r.body) for r in event]

