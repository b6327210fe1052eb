"""Every AWS call a function makes is granted by that function's role in the packaged template.

The local stack runs in this process, the same handlers AWS would run: the API, the WebSocket
handlers (through the local gateway), the SQS stage handlers (through the dispatcher that
stands in for the event source mappings), the reconciler, and the test agent for the agent's
side. Every botocore call is recorded with the function it was made for (read off the call
stack), turned into an IAM action and the template resource it touches, and looked up in that
function's policy.
"""

from __future__ import annotations

import base64
import json
import re
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from types import FrameType
from typing import Any

import botocore.client
import pytest
from websockets.sync.client import connect

from chalicelib.config import load_config
from local.provision import load_template, resource_names
from local.stack import LocalStack
from local.torznab_server import TorznabServer
from tests.deploy.conftest import Packaged
from tests.integration.flow.conftest import INDEXER_KEY, TRACKS, releases
from tests.support.local_stack import ADMIN_KEY, free_port, write_config
from tests.support.test_agent import TestAgent

ROOT = Path(__file__).resolve().parents[2]
APP = str(ROOT / "app.py")
DISPATCHER = str(ROOT / "local" / "dispatcher.py")
TEST_AGENT = str(ROOT / "tests" / "support" / "test_agent.py")
# app.py function -> Chalice function (every route runs in api_handler, through `endpoint`).
APP_FUNCTIONS = {"handler": "api_handler", "ws_connect": "websocket_connect",
                 "ws_message": "websocket_message", "ws_disconnect": "websocket_disconnect",
                 "reconcile_flows": "reconcile_flows",
                 **{f"on_{q}": f"on_{q}" for q in ("acquire_high", "acquire_normal",
                                                   "acquire_low", "approval", "flow")}}
PREFIX = "qp"


@dataclass(frozen=True)
class Call:
    function: str
    action: str
    resource: tuple[str, str]  # (kind, logical id): arn / index / object / execution / any


def _function_of(frame: FrameType | None, params: dict[str, Any]) -> str | None:
    while frame is not None:
        path, name = frame.f_code.co_filename, frame.f_code.co_name
        if path == APP and name in APP_FUNCTIONS:
            return APP_FUNCTIONS[name]
        if path == DISPATCHER and name in ("_run", "poll_once"):
            # The event source mapping's own reads: granted to the function of that queue.
            suffix = str(params.get("QueueUrl", "")).rsplit("/", 1)[1].removeprefix(PREFIX + "-")
            return "on_" + suffix.replace("-", "_")
        if path == TEST_AGENT:
            return "agent"
        frame = frame.f_back
    return None  # the local stack's own work: provisioning, snapshots, startup


class Recorder:
    def __init__(self, names: dict[str, str]) -> None:
        self.by_name = {physical: logical for logical, physical in names.items()}
        self.calls: set[Call] = set()
        self._original = botocore.client.BaseClient._make_api_call

    def install(self) -> None:
        recorder, original = self, self._original

        def recording(client: Any, operation: str, params: dict[str, Any]) -> Any:
            function = _function_of(sys._getframe(1), params)
            if function is not None:
                service = client.meta.service_model.service_name
                for action, resource in recorder.resolve(service, operation, params):
                    recorder.calls.add(Call(function, action, resource))
            return original(client, operation, params)

        botocore.client.BaseClient._make_api_call = recording

    def uninstall(self) -> None:
        botocore.client.BaseClient._make_api_call = self._original

    def resolve(self, service: str, op: str, params: dict[str, Any],
                ) -> list[tuple[str, tuple[str, str]]]:
        if service == "dynamodb":
            tables = list(params.get("RequestItems", {})) or [params["TableName"]]
            kind = "index" if params.get("IndexName") else "arn"
            return [(f"dynamodb:{op}", (kind, self.by_name[t])) for t in tables]
        if service == "sqs":
            name = params.get("QueueName") or params["QueueUrl"].rsplit("/", 1)[1]
            # IAM authorises SQS batch calls by the single action (DeleteMessage...).
            return [(f"sqs:{op.removesuffix('Batch')}", ("arn", self.by_name[name]))]
        if service == "stepfunctions":
            if op in ("StartExecution", "DescribeStateMachine"):
                return [(f"states:{op}", ("arn", "TicketFlow"))]
            if op in ("DescribeExecution", "StopExecution", "GetExecutionHistory"):
                return [(f"states:{op}", ("execution", "TicketFlow"))]
            return [(f"states:{op}", ("any", ""))]
        if service == "s3":
            bucket = self.by_name[params["Bucket"]]
            if op == "HeadBucket":
                return [("s3:ListBucket", ("arn", bucket))]
            return [(f"s3:{op}", ("object", bucket))]
        if service == "apigatewaymanagementapi":
            return [("execute-api:ManageConnections", ("websocket", "WebsocketAPI"))]
        raise AssertionError(f"no IAM mapping for {service}.{op}")


def _granted_resources(statement: dict[str, Any]) -> set[tuple[str, str]]:
    """The (kind, logical id) keys a statement's resources cover."""
    keys: set[tuple[str, str]] = set()
    resources = statement["Resource"]
    for resource in resources if isinstance(resources, list) else [resources]:
        if resource == "*":
            keys.add(("any", ""))
        elif "Fn::GetAtt" in resource:
            keys.add(("arn", resource["Fn::GetAtt"][0]))
        elif "Ref" in resource:
            keys.add(("arn", resource["Ref"]))
        else:
            text = resource["Fn::Sub"]
            names = [n.split(".")[0] for n in re.findall(r"\$\{([^}]+)\}", text)
                     if not n.startswith("AWS::")]
            logical = names[0] if names else ""
            if "/index/*" in text:
                keys.add(("index", logical))
            elif ":execution:" in text:
                keys.add(("execution", logical))
            elif "execute-api" in text:
                keys.add(("websocket", "WebsocketAPI"))
            elif text.endswith(".Arn}/*"):
                keys.add(("object", logical))
    return keys


def granted(template: dict[str, Any], role: str) -> set[tuple[str, tuple[str, str]]]:
    grants = set()
    for policy in template["Resources"][role]["Properties"]["Policies"]:
        for statement in policy["PolicyDocument"]["Statement"]:
            actions = statement["Action"]
            for action in actions if isinstance(actions, list) else [actions]:
                for key in _granted_resources(statement):
                    grants.add((action, key))
    return grants


def role_of(template: dict[str, Any], function: str) -> str:
    if function == "agent":
        return "AgentRole"
    for res in template["Resources"].values():
        if res["Type"] == "AWS::Serverless::Function" and res["Properties"]["Handler"] in (
                f"app.{function}", "app.app" if function == "api_handler" else ""):
            return str(res["Properties"]["Role"]["Fn::GetAtt"][0])
    websocket = {"websocket_connect": "$connect", "websocket_message": "$default",
                 "websocket_disconnect": "$disconnect"}[function]
    for res in template["Resources"].values():
        if res["Type"] == "AWS::ApiGatewayV2::Route" and res["Properties"]["RouteKey"] == (
                websocket):
            integration = res["Properties"]["Target"]["Fn::Join"][1][1]["Ref"]
            uri = template["Resources"][integration]["Properties"]["IntegrationUri"]
            function_logical = uri["Fn::Sub"][1]["WebsocketHandler"]["Ref"]
            return str(template["Resources"][function_logical]["Properties"]["Role"][
                "Fn::GetAtt"][0])
    raise AssertionError(f"no role for {function}")


class Api:
    def __init__(self, url: str, media: Path) -> None:
        self.url = url
        self.media = media

    def call(self, method: str, path: str, body: Any = None) -> tuple[int, Any]:
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(self.url + path, data=data, method=method, headers={
            "X-API-Key": ADMIN_KEY, "Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(request, timeout=30) as answer:
                status, text = answer.status, answer.read().decode()
        except urllib.error.HTTPError as e:
            status, text = e.code, e.read().decode()
        try:
            return status, json.loads(text or "null")
        except ValueError:  # the JSON Lines exports
            return status, text

    def ticket(self, artist: str, album: str, priority: int, behaviour: str = "ok") -> str:
        status, body = self.call("POST", "/api/v1/ticket", {
            "priority": priority, "dry_run": False,
            "search": {"artist": artist, "album": album, "year": 2020},
            "tracks": [{"catalog_track_id": f"t{n}", "track_number": n, "disc_number": 1,
                        "name": TRACKS[n - 1],
                        "dest_path": f"{self.media}/{artist}/{album}-{priority}/{n:02d}.ogg"}
                       for n in (1, 2)],
            "constraints": {"format": "ogg_vorbis", "bitrate_kbps": 320},
            "metadata_to_embed": {"artist": artist, "test_behaviour": behaviour}})
        assert status == 201, body
        return str(body["ticket_id"])

    def wait(self, ticket_id: str, *states: str, timeout: float = 60) -> dict[str, Any]:
        deadline = time.monotonic() + timeout
        while True:
            _, ticket = self.call("GET", f"/api/v1/ticket/{ticket_id}")
            if ticket["state"] in states:
                return dict(ticket)
            assert time.monotonic() < deadline, (ticket["state"], ticket["state_payload"])
            time.sleep(0.2)


@pytest.fixture(scope="module")
def recorded(tmp_path_factory: pytest.TempPathFactory) -> Iterator[set[Call]]:
    tmp = tmp_path_factory.mktemp("calls")
    indexer = TorznabServer(releases(tmp / "releases"), api_key=INDEXER_KEY)
    indexer.start()
    config_path = write_config(tmp, free_port(), f"""
[aws]
resource_prefix = "{PREFIX}"
[searcher]
backend = "jackett"
url = "{indexer.url}"
api_key = "{INDEXER_KEY}"
min_interval_secs = 0.0
""")
    recorder = Recorder(resource_names(load_template(), PREFIX))
    recorder.install()
    stack = LocalStack(load_config(config_path), config_path.parent)
    agent: TestAgent | None = None
    try:
        stack.start()
        assert stack.services is not None
        agent = TestAgent(stack.services.config).start()
        api = Api(stack.url, tmp / "media")
        key = base64.urlsafe_b64encode(ADMIN_KEY.encode()).decode().rstrip("=")
        ws_url = stack.services.config.aws.websocket_url
        with connect(ws_url, subprotocols=["quentin.v1", f"quentin.key.{key}"]) as ws:  # type: ignore[list-item]
            ws.send(json.dumps({"action": "subscribe"}))
            assert json.loads(ws.recv(timeout=10))["type"] == "snapshot"
            # Auto-approved, high band: acquire, the agent's three stages, completed.
            high = api.ticket("Test Artist", "Test Album", 600)
            api.wait(high, "completed")
            # Needs approval (a live album), normal band: approved through the API.
            approved = api.ticket("Night Owls", "Harbour Lights", 100)
            api.wait(approved, "needs_approval")
            assert api.call("POST", f"/api/v1/ticket/{approved}/approve", {})[0] == 200
            api.wait(approved, "completed")
            # Cancelled while waiting for approval.
            cancelled = api.ticket("Night Owls", "Harbour Lights", 101)
            api.wait(cancelled, "needs_approval")
            assert api.call("DELETE", f"/api/v1/ticket/{cancelled}")[0] == 200
            # Low band, a conversion that fails (RecordFailure, the flow handler), a retry.
            retried = api.ticket("Test Artist", "Test Album", 10, "conversion_fails_once")
            api.wait(retried, "failed")
            assert api.call("POST", f"/api/v1/ticket/{retried}/retry")[0] == 200
            api.wait(retried, "completed")
        for path in ("/api/v1/tickets", "/api/v1/tickets?state=completed",
                     "/api/v1/tickets?requested_by=admin", f"/api/v1/ticket/{high}/flow",
                     f"/api/v1/audit?ticket_id={high}", "/api/v1/audit?event_type=TicketCreated",
                     "/api/v1/audit/export?format=jsonl", "/api/v1/training/export",
                     "/api/v1/stats", "/api/v1/health", "/api/v1/config", "/api/v1/realtime"):
            status, body = api.call("GET", path)
            assert status == 200, (path, body)
        status, body = api.call("POST", "/api/v1/search/test", {"query": "Test Artist"})
        assert status == 200, body
        import app

        app.reconcile_flows({"version": "0", "id": "1", "detail-type": "Scheduled Event",
                             "source": "aws.events", "account": "1", "region": "us-east-1",
                             "time": "2026-11-29T00:00:00Z", "resources": [], "detail": {}},
                            None)
        yield recorder.calls
    finally:
        recorder.uninstall()
        if agent is not None:
            agent.stop()
        stack.stop()
        indexer.stop()


def test_every_call_is_granted_to_the_function_that_makes_it(
    packaged: Packaged, recorded: set[Call],
) -> None:
    template = packaged.sam
    missing = sorted(f"{c.function}: {c.action} on {c.resource}" for c in recorded
                     if (c.action, c.resource) not in granted(template, role_of(template,
                                                                               c.function))
                     and (c.action, ("any", "")) not in granted(template, role_of(
                         template, c.function)))
    assert missing == [], "\n".join(missing)


def test_the_scenario_reached_every_function(recorded: set[Call]) -> None:
    assert {c.function for c in recorded} == {*APP_FUNCTIONS.values(), "agent"}


def test_the_check_sees_a_missing_grant(packaged: Packaged) -> None:
    """A policy without the tickets table's PutItem no longer covers the API's ticket write."""
    template = json.loads(json.dumps(packaged.sam))
    role = role_of(template, "api_handler")
    for policy in template["Resources"][role]["Properties"]["Policies"]:
        for statement in policy["PolicyDocument"]["Statement"]:
            if statement.get("Sid") == "Tickets":
                statement["Action"].remove("dynamodb:PutItem")
    assert ("dynamodb:PutItem", ("arn", "TicketsTable")) in granted(packaged.sam, role)
    assert ("dynamodb:PutItem", ("arn", "TicketsTable")) not in granted(template, role)
