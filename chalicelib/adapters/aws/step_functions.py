"""The Workflow port on Step Functions: one execution per ticket attempt, stages over SQS."""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from botocore.exceptions import ClientError

from chalicelib.adapters.aws.agent_control import SqsAgentControl
from chalicelib.domain.priority import Band, band_for
from chalicelib.domain.stage_protocol import ERROR_CANCELLED, failure_cause
from chalicelib.domain.ticket import Ticket

log = logging.getLogger("quentin.flow")
BANDED_STAGES = ("acquire", "download", "convert", "place")
SINGLE_QUEUES = ("approval", "flow", "agent-control")
_GONE = ("InvalidToken", "TaskTimedOut", "TaskDoesNotExist", "ExecutionDoesNotExist",
         "InvalidArn", "ExecutionNotFound")


@dataclass(frozen=True)
class FlowTimeouts:
    stage_secs: int = 6 * 3600
    heartbeat_secs: int = 300
    approval_secs: int = 30 * 24 * 3600

    def to_input(self) -> dict[str, int]:
        return {"stage": self.stage_secs, "heartbeat": self.heartbeat_secs,
                "approval": self.approval_secs}


def queue_name(prefix: str, stage: str, band: Band | None = None) -> str:
    """The SQS queue of a stage (banded stages have one queue per priority band)."""
    return f"{prefix}-{stage}-{band.value}" if band else f"{prefix}-{stage}"


def execution_name(ticket_id: str, attempt: int) -> str:
    """Execution names are the ticket id (first attempt) or ticket id + attempt number."""
    return ticket_id if attempt <= 1 else f"{ticket_id}-{attempt}"


class QueueDirectory:
    """Queue URLs by name, looked up once."""

    def __init__(self, sqs: Any, prefix: str) -> None:
        self._sqs = sqs
        self.prefix = prefix
        self._urls: dict[str, str] = {}

    def url(self, stage: str, band: Band | None = None) -> str:
        name = queue_name(self.prefix, stage, band)
        if name not in self._urls:
            self._urls[name] = self._sqs.get_queue_url(QueueName=name)["QueueUrl"]
        return self._urls[name]

    def for_priority(self, priority: int) -> dict[str, str]:
        band = band_for(priority)
        urls = {stage: self.url(stage, band) for stage in BANDED_STAGES}
        urls.update({"approval": self.url("approval"), "flow": self.url("flow")})
        return urls


class StepFunctionsWorkflow:
    def __init__(
        self,
        sfn: Any,
        sqs: Any,
        state_machine_name: str,
        queues: QueueDirectory,
        timeouts: FlowTimeouts,
        agents: SqsAgentControl | None = None,
    ) -> None:
        self._sfn = sfn
        self._sqs = sqs
        self._agents = agents or SqsAgentControl(sqs, queues.prefix, lambda: [])
        self._name = state_machine_name
        self._resolved_arn: str | None = None
        self.queues = queues
        self._queues = queues
        self._timeouts = timeouts

    @property
    def _arn(self) -> str:
        """The state machine's ARN, looked up by name once (no account id in the config)."""
        if self._resolved_arn is None:
            for page in self._sfn.get_paginator("list_state_machines").paginate():
                for machine in page["stateMachines"]:
                    if machine["name"] == self._name:
                        self._resolved_arn = str(machine["stateMachineArn"])
            if self._resolved_arn is None:
                raise RuntimeError(f"state machine {self._name} does not exist")
        return self._resolved_arn

    def _execution_arn(self, ticket_id: str, attempt: int) -> str:
        base = self._arn.replace(":stateMachine:", ":execution:")
        return f"{base}:{execution_name(ticket_id, attempt)}"

    def start(self, ticket: Ticket, start_at: str = "acquire") -> None:
        flow_input = {
            "ticket_id": ticket.ticket_id,
            "attempt": max(1, ticket.flow_attempt),
            "priority": ticket.priority,
            "start_at": start_at,
            "queues": self._queues.for_priority(ticket.priority),
            "timeouts": self._timeouts.to_input(),
            "work": ticket.work_order.to_dict() if ticket.work_order else None,
            "results": {},
        }
        name = execution_name(ticket.ticket_id, ticket.flow_attempt)
        try:
            self._sfn.start_execution(stateMachineArn=self._arn, name=name,
                                      input=json.dumps(flow_input))
        except ClientError as e:
            if e.response["Error"]["Code"] != "ExecutionAlreadyExists":
                raise
            log.info("execution already started", extra={"ticket_id": ticket.ticket_id,
                                                          "execution": name})

    def stop(self, ticket: Ticket, reason: str) -> None:
        if ticket.approval_token:
            self.fail(ticket.approval_token, ERROR_CANCELLED,
                      failure_cause(reason, retryable=False))
        try:
            self._sfn.stop_execution(
                executionArn=self._execution_arn(ticket.ticket_id, ticket.flow_attempt),
                error=ERROR_CANCELLED, cause=reason[:200],
            )
        except ClientError as e:
            if e.response["Error"]["Code"] not in _GONE:
                raise
        self._agents.cancel(ticket)

    def answer(self, token: str, output: dict[str, object]) -> bool:
        try:
            self._sfn.send_task_success(taskToken=token, output=json.dumps(output, default=str))
            return True
        except ClientError as e:
            if e.response["Error"]["Code"] in _GONE:
                return False
            raise

    def fail(self, token: str, error: str, cause: str) -> bool:
        try:
            self._sfn.send_task_failure(taskToken=token, error=error, cause=cause)
            return True
        except ClientError as e:
            if e.response["Error"]["Code"] in _GONE:
                return False
            raise

    def heartbeat(self, token: str) -> bool:
        try:
            self._sfn.send_task_heartbeat(taskToken=token)
            return True
        except ClientError as e:
            if e.response["Error"]["Code"] in _GONE:
                return False
            raise

    def describe_machine(self) -> dict[str, object]:
        """Health detail: the state machine exists and its status."""
        described = self._sfn.describe_state_machine(stateMachineArn=self._arn)
        return {"state_machine": self._name, "status": described.get("status", "ACTIVE")}

    def queue_depths(self) -> dict[str, object]:
        """Health detail: messages waiting in each stage queue (dead letters flagged)."""
        depths: dict[str, int] = {}
        for stage in BANDED_STAGES:
            for band in Band:
                depths[f"{stage}-{band.value}"] = self._depth(self.queues.url(stage, band))
        for name in (*SINGLE_QUEUES, *(f"{s}-dlq" for s in (*BANDED_STAGES, *SINGLE_QUEUES))):
            depths[name] = self._depth(self.queues.url(name))
        dead = {k: v for k, v in depths.items() if k.endswith("-dlq") and v}
        return {"waiting": depths, "dead_letters": dead}

    def _depth(self, url: str) -> int:
        got = self._sqs.get_queue_attributes(QueueUrl=url,
                                             AttributeNames=["ApproximateNumberOfMessages"])
        return int(got["Attributes"]["ApproximateNumberOfMessages"])

    def status(self, ticket_id: str, attempt: int) -> str | None:
        """RUNNING, SUCCEEDED, FAILED, ABORTED, TIMED_OUT, or None when there is none."""
        try:
            described = self._sfn.describe_execution(
                executionArn=self._execution_arn(ticket_id, attempt))
        except ClientError as e:
            if e.response["Error"]["Code"] in _GONE:
                return None
            raise
        return str(described["status"])

    def history(self, ticket: Ticket) -> list[dict[str, object]]:
        runs: list[dict[str, object]] = []
        for attempt in range(1, max(1, ticket.flow_attempt) + 1):
            arn = self._execution_arn(ticket.ticket_id, attempt)
            try:
                described = self._sfn.describe_execution(executionArn=arn)
            except ClientError as e:
                if e.response["Error"]["Code"] in _GONE:
                    continue
                raise
            events: list[dict[str, object]] = []
            for page in self._sfn.get_paginator("get_execution_history").paginate(
                executionArn=arn
            ):
                events.extend(_event(e) for e in page["events"])
            runs.append({
                "attempt": attempt,
                "execution_name": execution_name(ticket.ticket_id, attempt),
                "status": described["status"],
                "started_at": _iso(described.get("startDate")),
                "stopped_at": _iso(described.get("stopDate")),
                "events": events,
            })
        return runs


def _iso(value: Any) -> str | None:
    return value.isoformat() if isinstance(value, datetime) else None


def _event(raw: dict[str, Any]) -> dict[str, object]:
    """One history event with the details a person reads (no task tokens)."""
    out: dict[str, object] = {"id": raw.get("id"), "type": raw.get("type"),
                              "at": _iso(raw.get("timestamp"))}
    for key, value in raw.items():
        if key.endswith("EventDetails") and isinstance(value, dict):
            detail = {k: v for k, v in value.items()
                      if k in ("name", "error", "cause", "resourceType", "resource")}
            if detail:
                out["details"] = detail
    return out
