"""Create the data resources of the deployment template through the AWS API.

The deployment template (infra/template.json, merged into `chalice package` output by
`make package`) is the one description of the resources: the local stack creates its tables,
queues, buckets and state machine on the embedded AWS, so the two cannot drift. What only AWS
runs (IAM roles, CloudFront, alarms, the Lambda functions and APIs Chalice adds) is left out:
locally the dispatcher and the WebSocket gateway stand in for them. Creating is idempotent:
what exists is left alone.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

INFRA = Path(__file__).resolve().parent.parent / "infra"
TEMPLATE = INFRA / "template.json"
LOCAL_ACCOUNT = "123456789012"
# The resource types the local stack creates (everything else is AWS-only, see above).
LOCAL_TYPES = ("AWS::DynamoDB::Table", "AWS::S3::Bucket", "AWS::SQS::Queue",
               "AWS::StepFunctions::StateMachine")


def load_template(path: Path = TEMPLATE) -> dict[str, Any]:
    """The deployment template reduced to the resources the local stack creates."""
    data: dict[str, Any] = json.loads(path.read_text())
    local = {logical: res for logical, res in data["Resources"].items()
             if res.get("Type") in LOCAL_TYPES}
    return {**data, "Resources": local}


def resolve(value: Any, params: dict[str, str], names: dict[str, str]) -> Any:
    """Resolve the few intrinsic functions the template uses: Fn::Sub, Ref, Fn::GetAtt Arn."""
    if isinstance(value, dict):
        if "Fn::Sub" in value:
            text = value["Fn::Sub"]
            for k, v in {**params, **names}.items():
                text = text.replace("${" + k + "}", v)
            return text
        if "Fn::GetAtt" in value:
            logical, _attr = value["Fn::GetAtt"]
            return names[logical]
        if "Ref" in value:
            ref = value["Ref"]
            return params.get(ref) or names[ref]
        return {k: resolve(v, params, names) for k, v in value.items()}
    if isinstance(value, list):
        return [resolve(v, params, names) for v in value]
    return value


def _params(prefix: str) -> dict[str, str]:
    return {"Prefix": prefix, "AWS::AccountId": LOCAL_ACCOUNT, "AWS::Region": "us-east-1",
            "AWS::Partition": "aws"}


def resource_names(template: dict[str, Any], prefix: str) -> dict[str, str]:
    """Logical id → physical name of every resource."""
    params = _params(prefix)
    names: dict[str, str] = {}
    for logical, res in template["Resources"].items():
        props = res.get("Properties", {})
        for key in ("TableName", "QueueName", "BucketName", "StateMachineName"):
            if key in props:
                names[logical] = resolve(props[key], params, names)
    return names


def provision(
    session: Any,
    prefix: str,
    template: dict[str, Any] | None = None,
    *,
    max_attempts: int | None = None,
) -> dict[str, str]:
    """Create every table, queue, bucket and state machine of the template.

    Returns logical id → physical name. `max_attempts` overrides the MaxAttempts of every
    Retry in the state machine (the deployed template carries the default).
    """
    tpl = template or load_template()
    params = _params(prefix)
    names = resource_names(tpl, prefix)
    dynamodb = session("dynamodb")
    s3 = session("s3")
    existing_tables = set(dynamodb.list_tables()["TableNames"])
    existing_buckets = {b["Name"] for b in s3.list_buckets().get("Buckets", [])}
    for logical, res in tpl["Resources"].items():
        kind = res.get("Type")
        if kind == "AWS::StepFunctions::StateMachine":
            definition = load_definition(res["Metadata"]["DefinitionFile"], max_attempts)
            _create_state_machine(session("stepfunctions"), names[logical], definition, prefix)
            continue
        if kind not in LOCAL_TYPES:
            continue
        props = resolve(res.get("Properties", {}), params, names)
        if kind == "AWS::DynamoDB::Table" and props["TableName"] not in existing_tables:
            ttl = props.pop("TimeToLiveSpecification", None)
            dynamodb.create_table(**props)
            if ttl:
                dynamodb.update_time_to_live(TableName=props["TableName"],
                                             TimeToLiveSpecification=ttl)
        elif kind == "AWS::S3::Bucket" and props["BucketName"] not in existing_buckets:
            s3.create_bucket(Bucket=props["BucketName"])
        elif kind == "AWS::SQS::Queue":
            _create_queue(session("sqs"), props, names)
    return names


def load_definition(uri: str, max_attempts: int | None = None) -> dict[str, Any]:
    """The state machine's ASL from infra/, with MaxAttempts overridden if asked.

    The file holds no ${...} substitution (queue URLs come in the execution input), so the
    local stack runs it as it is.
    """
    definition: dict[str, Any] = json.loads((INFRA / uri).read_text())
    if max_attempts is not None:
        for state in definition["States"].values():
            for retry in state.get("Retry", []):
                retry["MaxAttempts"] = max_attempts
    return definition


def _create_state_machine(sfn: Any, name: str, definition: dict[str, Any], prefix: str) -> None:
    # The embedded AWS checks no permission; the role only has to look like one.
    role_arn = f"arn:aws:iam::{LOCAL_ACCOUNT}:role/{prefix}-ticket-flow"
    existing = {m["name"]: m["stateMachineArn"] for m in sfn.list_state_machines()["stateMachines"]}
    if name in existing:
        sfn.update_state_machine(stateMachineArn=existing[name], definition=json.dumps(definition))
    else:
        sfn.create_state_machine(name=name, definition=json.dumps(definition),
                                 roleArn=role_arn)


def _create_queue(sqs: Any, props: dict[str, Any], names: dict[str, str]) -> None:
    attributes: dict[str, str] = {}
    for key in ("VisibilityTimeout", "MessageRetentionPeriod", "ReceiveMessageWaitTimeSeconds"):
        if key in props:
            attributes[key] = str(props[key])
    redrive = props.get("RedrivePolicy")
    if redrive:
        dlq_name = redrive["deadLetterTargetArn"]  # resolved to the DLQ's name
        dlq_url = sqs.get_queue_url(QueueName=dlq_name)["QueueUrl"]
        arn = sqs.get_queue_attributes(QueueUrl=dlq_url, AttributeNames=["QueueArn"])
        attributes["RedrivePolicy"] = json.dumps({
            "deadLetterTargetArn": arn["Attributes"]["QueueArn"],
            "maxReceiveCount": str(redrive.get("maxReceiveCount", 5)),
        })
    sqs.create_queue(QueueName=props["QueueName"], Attributes=attributes)
