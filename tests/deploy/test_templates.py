"""The packaged templates: cfn-lint, least privilege, and what the deployment must contain."""

from __future__ import annotations

import copy
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

from deploy.least_privilege import wider_grants
from tests.deploy.conftest import Packaged

CFN_LINT = Path(sys.executable).with_name("cfn-lint")
ROOT = Path(__file__).resolve().parents[2]
SAM_VENV = ROOT / "build" / "sam-cli"


def sam_cli() -> Path:
    """aws-sam-cli in its own venv under build/ (installed once, ~30 s; reused after)."""
    requirements = ROOT / "deploy" / "sam-cli-requirements.txt"
    stamp = SAM_VENV / ".requirements"
    if not stamp.exists() or stamp.read_text() != requirements.read_text():
        subprocess.run([sys.executable, "-m", "venv", "--clear", str(SAM_VENV)], check=True)
        subprocess.run([str(SAM_VENV / "bin" / "pip"), "install", "--quiet",
                        "--disable-pip-version-check", "-r", str(requirements)], check=True,
                       timeout=900)
        stamp.write_text(requirements.read_text())
    return SAM_VENV / "bin" / "sam"


def test_cfn_lint_finds_nothing_in_either_template(packaged: Packaged, tmp_path: Path) -> None:
    """Both templates lint clean; a copy with a broken reference, linted in the same run, shows
    the run really checks what it is given."""
    broken = packaged.cfn
    broken["Resources"]["TicketFlow"]["Properties"]["RoleArn"] = {
        "Fn::GetAtt": ["NoSuchRole", "Arn"]}
    broken_path = tmp_path / "broken.json"
    broken_path.write_text(json.dumps(broken))
    done = subprocess.run([str(CFN_LINT), "--format", "parseable", str(packaged.sam_path),
                           str(packaged.cfn_path), str(broken_path)],
                          capture_output=True, text=True, timeout=300)
    findings = [line for line in done.stdout.splitlines() if line.strip()]
    ours = [line for line in findings if not line.startswith(str(broken_path))]
    assert ours == [], "\n".join(ours[:40]) + done.stderr[-2000:]
    assert any("NoSuchRole" in line for line in findings), done.stdout[-2000:]


def test_sam_validate_lint_accepts_the_sam_template(packaged: Packaged) -> None:
    done = subprocess.run([str(sam_cli()), "validate", "--lint", "-t", str(packaged.sam_path)],
                          capture_output=True, text=True, timeout=300,
                          env={"PATH": "/usr/bin:/bin", "HOME": str(SAM_VENV),
                               "SAM_CLI_TELEMETRY": "0", "AWS_DEFAULT_REGION": "us-east-1"})
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    assert "is a valid SAM Template" in done.stdout + done.stderr


def test_no_grant_is_wider_than_least_privilege(packaged: Packaged) -> None:
    assert wider_grants(packaged.cfn) == []
    assert wider_grants(packaged.sam) == []


def _role(template: dict[str, Any], logical: str) -> dict[str, Any]:
    role: dict[str, Any] = template["Resources"][logical]
    return role


def test_the_check_fails_on_each_kind_of_wider_grant(packaged: Packaged) -> None:
    def widened(change: Any) -> list[str]:
        template = copy.deepcopy(packaged.cfn)
        change(template["Resources"])
        return wider_grants(template)

    def statement(resources: dict[str, Any], role: str) -> dict[str, Any]:
        found: dict[str, Any] = resources[role]["Properties"]["Policies"][0][
            "PolicyDocument"]["Statement"][1]
        return found

    def star_action(r: dict[str, Any]) -> None:
        statement(r, "ApiHandlerRole")["Action"] = "dynamodb:*"

    def star_resource(r: dict[str, Any]) -> None:
        statement(r, "OnFlowRole")["Resource"] = "*"

    def whole_account(r: dict[str, Any]) -> None:
        statement(r, "ReconcileFlowsRole")["Resource"] = {
            "Fn::Sub": "arn:${AWS::Partition}:dynamodb:${AWS::Region}:${AWS::AccountId}:table/*"}

    def managed(r: dict[str, Any]) -> None:
        r["OnApprovalRole"]["Properties"]["ManagedPolicyArns"] = [
            "arn:aws:iam::aws:policy/AmazonDynamoDBFullAccess"]

    def agent_reads_acquire(r: dict[str, Any]) -> None:
        agent = r["AgentRole"]["Properties"]["Policies"][0]["PolicyDocument"]["Statement"][0]
        agent["Resource"].append({"Fn::GetAtt": ["AcquireHighQueue", "Arn"]})

    def agent_scans(r: dict[str, Any]) -> None:
        agent = r["AgentRole"]["Properties"]["Policies"][0]["PolicyDocument"]["Statement"][2]
        agent["Action"].append("dynamodb:Scan")

    def agent_creates_stack_queues(r: dict[str, Any]) -> None:
        agent = r["AgentRole"]["Properties"]["Policies"][0]["PolicyDocument"]["Statement"][0]
        agent["Action"].append("sqs:CreateQueue")

    def agent_owns_every_prefixed_queue(r: dict[str, Any]) -> None:
        own = r["AgentRole"]["Properties"]["Policies"][0]["PolicyDocument"]["Statement"][-1]
        assert own["Sid"] == "OwnConvertAndPlaceQueuesMadeOnStart"
        own["Resource"][0] = {"Fn::Sub": "arn:${AWS::Partition}:sqs:${AWS::Region}:"
                                         "${AWS::AccountId}:${Prefix}-*"}

    for change in (star_action, star_resource, whole_account, managed, agent_reads_acquire,
                   agent_scans, agent_creates_stack_queues, agent_owns_every_prefixed_queue):
        assert widened(change), change.__name__


def test_each_queue_fed_function_reads_only_its_own_queue(packaged: Packaged) -> None:
    resources = packaged.sam["Resources"]
    fed = 0
    for logical, res in resources.items():
        if res["Type"] != "AWS::Serverless::Function":
            continue
        events = res["Properties"].get("Events", {})
        sqs = [e["Properties"] for e in events.values() if e["Type"] == "SQS"]
        role = _role(packaged.sam, res["Properties"]["Role"]["Fn::GetAtt"][0])
        statements = role["Properties"]["Policies"][0]["PolicyDocument"]["Statement"]
        readers = [s for s in statements if "sqs:ReceiveMessage" in s["Action"]]
        if not sqs:
            assert readers == [], logical
            continue
        fed += 1
        (source,) = sqs
        assert source["FunctionResponseTypes"] == ["ReportBatchItemFailures"], logical
        assert [r["Resource"] for r in readers] == [source["Queue"]], logical
    assert fed == 5


def test_the_template_declares_the_whole_deployment(packaged: Packaged) -> None:
    sam = packaged.sam
    types = {r["Type"] for r in sam["Resources"].values()}
    for needed in ("AWS::Serverless::Api", "AWS::ApiGatewayV2::Api",
                   "AWS::StepFunctions::StateMachine", "AWS::CloudFront::Distribution",
                   "AWS::CloudFront::OriginAccessControl", "AWS::CloudWatch::Alarm",
                   "AWS::Logs::LogGroup"):
        assert needed in types, needed
    routes = {r["Properties"]["RouteKey"] for r in sam["Resources"].values()
              if r["Type"] == "AWS::ApiGatewayV2::Route"}
    assert routes == {"$connect", "$disconnect", "$default"}
    schedules = [e["Properties"]["Schedule"] for r in sam["Resources"].values()
                 if r["Type"] == "AWS::Serverless::Function"
                 for e in r["Properties"].get("Events", {}).values() if e["Type"] == "Schedule"]
    assert schedules == ["rate(15 minutes)"]
    queues = {k for k, r in sam["Resources"].items() if r["Type"] == "AWS::SQS::Queue"}
    dlqs = {q for q in queues if q.endswith("DeadLetterQueue")}
    for queue in queues - dlqs:
        redrive = sam["Resources"][queue]["Properties"]["RedrivePolicy"]
        assert redrive["deadLetterTargetArn"]["Fn::GetAtt"][0] in dlqs, queue
    watched = {r["Properties"]["Dimensions"][0]["Value"]["Fn::GetAtt"][0]
               for r in sam["Resources"].values() if r["Type"] == "AWS::CloudWatch::Alarm"
               and r["Properties"].get("Namespace") == "AWS/SQS"}
    assert watched == dlqs
    failed = [r for r in sam["Resources"].values() if r["Type"] == "AWS::CloudWatch::Alarm"
              and "Metrics" in r["Properties"]]
    metrics = {m["MetricStat"]["Metric"]["MetricName"] for m in failed[0]["Properties"]["Metrics"]
               if "MetricStat" in m}
    assert metrics == {"ExecutionsFailed", "ExecutionsTimedOut"}
    ttl = {k for k, r in sam["Resources"].items() if r["Type"] == "AWS::DynamoDB::Table"
           and r["Properties"].get("TimeToLiveSpecification", {}).get("Enabled")}
    assert ttl == {"SearchCacheTable", "ConnectionsTable"}
    outputs = set(sam["Outputs"])
    for needed in ("ApiUrl", "WebSocketUrl", "DashboardUrl", "AgentRoleArn",
                   "AcquireHighQueueUrl", "DownloadHighQueueUrl", "AgentControlQueueUrl"):
        assert needed in outputs, needed


def test_dashboard_bucket_is_private_and_read_only_by_its_distribution(packaged: Packaged) -> None:
    resources = packaged.sam["Resources"]
    bucket = resources["DashboardBucket"]["Properties"]
    assert all(bucket["PublicAccessBlockConfiguration"].values())
    assert "WebsiteConfiguration" not in bucket
    (grant,) = resources["DashboardBucketPolicy"]["Properties"]["PolicyDocument"]["Statement"]
    assert grant["Principal"] == {"Service": "cloudfront.amazonaws.com"}
    assert grant["Action"] == "s3:GetObject"
    source = grant["Condition"]["StringEquals"]["AWS:SourceArn"]["Fn::Sub"]
    assert source.endswith("distribution/${DashboardDistribution}")
    config = resources["DashboardDistribution"]["Properties"]["DistributionConfig"]
    behaviours = {b["PathPattern"]: b["TargetOriginId"] for b in config["CacheBehaviors"]}
    assert behaviours == {"/api/*": "api"}  # the dashboard calls the API on its own origin
    assert config["DefaultCacheBehavior"]["ViewerProtocolPolicy"] == "redirect-to-https"
