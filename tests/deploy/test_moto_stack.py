"""The translated template deployed to moto's CloudFormation, and the resources it made."""

from __future__ import annotations

import json
import time
import urllib.request
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import boto3
import pytest

from deploy.deploy import deploy_stack, ensure_bucket, upload_code, upload_dashboard
from local.aws_emulator import EmbeddedAws
from local.provision import LOCAL_TYPES, provision
from tests.deploy.conftest import Packaged

PREFIX = "qd"
CODE_BUCKET = "qt-deploy-artifacts"


def moto_shim(template: dict[str, Any]) -> dict[str, Any]:
    """What moto 5.2.5 cannot take from a real template (each gap checked on this machine).

    - a RestApi defined by an OpenAPI Body needs a Name in moto;
    - the Deployment of that API (empty, to moto) fails: drop it and the Stage's reference;
    - moto skips CloudFront, so outputs reading the distribution's attributes cannot resolve.
    """
    shimmed: dict[str, Any] = json.loads(json.dumps(template))
    resources = shimmed["Resources"]
    for logical, res in list(resources.items()):
        if res["Type"] == "AWS::ApiGateway::RestApi":
            res["Properties"]["Name"] = logical
        elif res["Type"] == "AWS::ApiGateway::Deployment":
            del resources[logical]
        elif res["Type"] == "AWS::ApiGateway::Stage":
            res["Properties"].pop("DeploymentId", None)
    shimmed["Outputs"] = {k: v for k, v in shimmed["Outputs"].items()
                          if "DashboardDistribution" not in json.dumps(v)}
    return shimmed


def execute_state_machines(endpoint: str, execute: bool) -> None:
    """Switch moto's Step Functions between its executing backend and the plain one.

    moto keeps the two apart: a stack creates its state machine in the plain backend, and only
    the executing one runs ASL (see NOTES.md).
    """
    request = urllib.request.Request(
        f"{endpoint}/moto-api/config", method="POST",
        data=json.dumps({"stepfunctions": {"execute_state_machine": execute}}).encode())
    urllib.request.urlopen(request, timeout=10).close()


@dataclass
class Stack:
    endpoint: str
    outputs: dict[str, str]
    template: dict[str, Any]

    def client(self, service: str) -> Any:
        return boto3.client(service, endpoint_url=self.endpoint, region_name="us-east-1",
                            aws_access_key_id="testing", aws_secret_access_key="testing")


@pytest.fixture(scope="module")
def stack(packaged: Packaged) -> Iterator[Stack]:
    aws = EmbeddedAws()
    endpoint = aws.start()
    try:
        probe = Stack(endpoint, {}, packaged.cfn)
        # What `make deploy` does (deploy/deploy.py), against moto.
        s3 = probe.client("s3")
        ensure_bucket(s3, CODE_BUCKET, "us-east-1")
        key = upload_code(s3, CODE_BUCKET, packaged.zip_path)
        outputs = deploy_stack(probe.client("cloudformation"), "qt-test",
                               moto_shim(packaged.cfn),
                               {"Prefix": PREFIX, "CodeBucket": CODE_BUCKET, "CodeKey": key},
                               timeout_secs=60)
        yield Stack(endpoint, outputs, packaged.cfn)
    finally:
        aws.stop()


def test_stack_is_complete_and_the_dashboard_uploads(stack: Stack, tmp_path: Path) -> None:
    cfn = stack.client("cloudformation")
    assert cfn.describe_stacks(StackName="qt-test")["Stacks"][0]["StackStatus"] == (
        "CREATE_COMPLETE")
    (tmp_path / "index.html").write_text("<!doctype html><title>q</title>")
    (tmp_path / "app-1a2b.js").write_text("console.log(1)")
    assert "DashboardBucketName" in stack.outputs, stack.outputs
    bucket = stack.outputs["DashboardBucketName"]
    assert upload_dashboard(stack.client("s3"), bucket, tmp_path) == ["app-1a2b.js",
                                                                      "index.html"]
    s3 = stack.client("s3")
    page = s3.head_object(Bucket=bucket, Key="index.html")
    assert page["ContentType"] == "text/html" and page["CacheControl"] == "no-cache"
    script = s3.head_object(Bucket=bucket, Key="app-1a2b.js")
    assert script["ContentType"] in ("text/javascript", "application/javascript")
    assert "immutable" in script["CacheControl"]


def _of_type(template: dict[str, Any], kind: str) -> dict[str, Any]:
    return {k: r for k, r in template["Resources"].items() if r.get("Type") == kind}


def test_tables_have_their_indexes(stack: Stack) -> None:
    """(moto's CloudFormation ignores TimeToLiveSpecification: TTL is checked in the template
    and on the local stack's tables below.)"""
    dynamodb = stack.client("dynamodb")
    tables = _of_type(stack.template, "AWS::DynamoDB::Table")
    assert len(tables) == 7
    for table in tables.values():
        props = table["Properties"]
        name = props["TableName"]["Fn::Sub"].replace("${Prefix}", PREFIX)
        got = dynamodb.describe_table(TableName=name)["Table"]
        assert got["BillingModeSummary"]["BillingMode"] == "PAY_PER_REQUEST"
        assert {i["IndexName"] for i in got.get("GlobalSecondaryIndexes", [])} == {
            i["IndexName"] for i in props.get("GlobalSecondaryIndexes", [])}


def test_queues_send_failures_to_their_dead_letter_queue(stack: Stack) -> None:
    sqs = stack.client("sqs")
    queues = _of_type(stack.template, "AWS::SQS::Queue")
    assert len(queues) == 22
    redriven = 0
    for logical in queues:
        url = stack.outputs[f"{logical}Url"]
        attributes = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["All"])["Attributes"]
        if logical.endswith("DeadLetterQueue"):
            assert "RedrivePolicy" not in attributes
            continue
        redrive = json.loads(attributes["RedrivePolicy"])
        stage = logical.removesuffix("Queue")
        for band in ("High", "Normal", "Low"):
            stage = stage.removesuffix(band)
        dlq = stack.outputs[f"{stage}DeadLetterQueueUrl"]
        assert redrive["deadLetterTargetArn"].endswith(":" + dlq.rsplit("/", 1)[1])
        assert int(redrive["maxReceiveCount"]) == 5
        redriven += 1
    assert redriven == 15


def test_stage_functions_are_fed_by_their_queues(stack: Stack) -> None:
    lambdas = stack.client("lambda")
    functions = {f["FunctionArn"]: f for f in lambdas.list_functions()["Functions"]}
    assert len(functions) == 10
    assert {f["Runtime"] for f in functions.values()} == {"python3.12"}
    mappings = lambdas.list_event_source_mappings()["EventSourceMappings"]
    by_queue = {m["EventSourceArn"].rsplit(":", 1)[1]: m for m in mappings}
    assert set(by_queue) == {f"{PREFIX}-{q}" for q in
                             ("acquire-high", "acquire-normal", "acquire-low", "approval", "flow")}
    sqs = stack.client("sqs")
    for queue, mapping in by_queue.items():
        assert mapping["BatchSize"] == 10
        assert mapping["FunctionResponseTypes"] == ["ReportBatchItemFailures"]
        function = functions[mapping["FunctionArn"]]
        url = sqs.get_queue_url(QueueName=queue)["QueueUrl"]
        visibility = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=[
            "VisibilityTimeout"])["Attributes"]["VisibilityTimeout"]
        # AWS refuses a mapping whose queue hides a message for less than the function runs.
        assert int(visibility) >= function["Timeout"], queue


def test_reconciler_runs_on_its_schedule(stack: Stack) -> None:
    events = stack.client("events")
    rules = [r for r in events.list_rules()["Rules"] if r.get("ScheduleExpression")]
    assert [r["ScheduleExpression"] for r in rules] == ["rate(15 minutes)"]
    (target,) = events.list_targets_by_rule(Rule=rules[0]["Name"])["Targets"]
    function = stack.client("lambda").get_function(FunctionName=target["Arn"])
    assert function["Configuration"]["Handler"] == "app.reconcile_flows"


def test_agent_role_exists_with_its_own_policy(stack: Stack) -> None:
    """(Its content is checked on the template: moto returns inline policies of a stack's roles
    as Python reprs.)"""
    iam = stack.client("iam")
    name = stack.outputs["AgentRoleArn"].rsplit("/", 1)[1]
    assert iam.list_role_policies(RoleName=name)["PolicyNames"] == ["Agent"]
    assert iam.list_attached_role_policies(RoleName=name)["AttachedPolicies"] == []


def test_state_machine_runs_until_the_first_task_token_reaches_the_acquire_queue(
    stack: Stack,
) -> None:
    sfn = stack.client("stepfunctions")
    arn = stack.outputs["StateMachineArn"]
    execute_state_machines(stack.endpoint, False)
    described = sfn.describe_state_machine(stateMachineArn=arn)
    assert described["status"] == "ACTIVE"
    # moto cannot execute a machine a stack created: run a copy made through the API.
    execute_state_machines(stack.endpoint, True)
    copy = sfn.create_state_machine(name=f"copy-{uuid.uuid4().hex[:8]}",
                                    definition=described["definition"],
                                    roleArn=described["roleArn"])["stateMachineArn"]
    queues = {"acquire": stack.outputs["AcquireNormalQueueUrl"],
              "download": stack.outputs["DownloadNormalQueueUrl"],
              "convert": stack.outputs["ConvertNormalQueueUrl"],
              "place": stack.outputs["PlaceNormalQueueUrl"],
              "approval": stack.outputs["ApprovalQueueUrl"], "flow": stack.outputs["FlowQueueUrl"]}
    flow_input = {"ticket_id": "t-deploy", "attempt": 1, "priority": 100, "start_at": "acquire",
                  "queues": queues, "timeouts": {"stage": 60, "heartbeat": 30, "approval": 60},
                  "work": None, "results": {}}
    execution = sfn.start_execution(stateMachineArn=copy, name="t-deploy",
                                    input=json.dumps(flow_input))["executionArn"]
    sqs = stack.client("sqs")
    got = sqs.receive_message(QueueUrl=queues["acquire"], WaitTimeSeconds=10)["Messages"]
    body = json.loads(got[0]["Body"])
    assert body["stage"] == "acquire" and body["ticket_id"] == "t-deploy"
    assert body["task_token"]  # $$.Task.Token survived the template's substitution
    sfn.send_task_success(taskToken=body["task_token"],
                          output=json.dumps({"outcome": "dry_run_complete"}))
    deadline = time.monotonic() + 10
    while sfn.describe_execution(executionArn=execution)["status"] == "RUNNING":
        assert time.monotonic() < deadline
        time.sleep(0.1)
    assert sfn.describe_execution(executionArn=execution)["status"] == "SUCCEEDED"


def test_local_stack_creates_the_same_resources_as_the_deployed_stack(stack: Stack) -> None:
    """local/provision.py on a fresh prefix makes exactly what CloudFormation made for PREFIX."""
    local_prefix = "lp"
    provision(stack.client, local_prefix)

    def created(prefix: str, stack_made: bool) -> dict[str, set[str]]:
        # Paginated: the shared emulator holds other tests' tables too (a page is 100 names).
        pages = stack.client("dynamodb").get_paginator("list_tables").paginate()
        tables = {n.removeprefix(prefix) for page in pages for n in page["TableNames"]
                  if n.startswith(prefix + "-")}
        queues = {u.rsplit("/", 1)[1].removeprefix(prefix) for u in stack.client("sqs").list_queues(
            QueueNamePrefix=prefix + "-").get("QueueUrls", [])}
        buckets = {b["Name"].removeprefix(prefix) for b in stack.client("s3").list_buckets()[
            "Buckets"] if b["Name"].startswith(prefix + "-")}
        execute_state_machines(stack.endpoint, not stack_made)  # see execute_state_machines
        machines = {m["name"].removeprefix(prefix) for m in stack.client("stepfunctions")
                    .list_state_machines()["stateMachines"] if m["name"].startswith(prefix + "-")}
        return {"tables": tables, "queues": queues, "buckets": buckets, "machines": machines}

    deployed, local = created(PREFIX, True), created(local_prefix, False)
    assert local == deployed
    kinds = dict(zip(("tables", "buckets", "queues", "machines"), LOCAL_TYPES, strict=True))
    assert {k: len(v) for k, v in deployed.items()} == {
        k: len(_of_type(stack.template, kind)) for k, kind in kinds.items()}
    for table in deployed["tables"]:
        def indexes(prefix: str, table: str = table) -> set[str]:
            got = stack.client("dynamodb").describe_table(TableName=prefix + table)["Table"]
            return {i["IndexName"] for i in got.get("GlobalSecondaryIndexes", [])}
        assert indexes(local_prefix) == indexes(PREFIX), table
    tables = _of_type(stack.template, "AWS::DynamoDB::Table").values()
    with_ttl = {t["Properties"]["TableName"]["Fn::Sub"].replace("${Prefix}", local_prefix)
                for t in tables if "TimeToLiveSpecification" in t["Properties"]}
    dynamodb = stack.client("dynamodb")
    enabled = {local_prefix + t for t in local["tables"] if dynamodb.describe_time_to_live(
        TableName=local_prefix + t)["TimeToLiveDescription"]["TimeToLiveStatus"] == "ENABLED"}
    assert enabled == with_ttl and with_ttl
