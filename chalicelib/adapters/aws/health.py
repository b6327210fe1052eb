"""Health probes of the AWS resources the service depends on (tables, bucket, flow, queues)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from chalicelib.adapters.aws.clients import aws_client
from chalicelib.adapters.aws.step_functions import StepFunctionsWorkflow
from chalicelib.config import Config
from chalicelib.ports import HealthProbe


@dataclass(frozen=True)
class DynamoTableProbe:
    name: str
    client: Any
    table: str

    def check(self) -> dict[str, Any]:
        described = self.client.describe_table(TableName=self.table)
        return {"table": self.table, "table_status": described["Table"]["TableStatus"]}


@dataclass(frozen=True)
class S3BucketProbe:
    name: str
    client: Any
    bucket: str

    def check(self) -> None:
        self.client.head_bucket(Bucket=self.bucket)


@dataclass(frozen=True)
class StageQueuesProbe:
    name: str
    workflow: StepFunctionsWorkflow

    def check(self) -> dict[str, object]:
        return self.workflow.queue_depths()


@dataclass(frozen=True)
class StateMachineProbe:
    name: str
    workflow: StepFunctionsWorkflow

    def check(self) -> dict[str, object]:
        return self.workflow.describe_machine()


def aws_health_checks(config: Config, workflow: StepFunctionsWorkflow) -> list[HealthProbe]:
    """One probe per AWS dependency, named as /api/v1/health reports them."""
    dynamodb = aws_client(config, "dynamodb")
    return [
        DynamoTableProbe("dynamodb_tickets", dynamodb, config.tickets_table),
        DynamoTableProbe("dynamodb_audit", dynamodb, config.audit_table),
        S3BucketProbe("s3_exports", aws_client(config, "s3"), config.exports_bucket),
        StageQueuesProbe("sqs_stage_queues", workflow),
        StateMachineProbe("stepfunctions_flow", workflow),
    ]
