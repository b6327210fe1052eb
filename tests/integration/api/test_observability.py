"""Metrics in the real local stack's log (EMF lines), and X-Ray traces of a Lambda handler."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from chalicelib.adapters.observability.emf import read_emf
from tests.integration.api.conftest import example_ticket, settled_ticket
from tests.support.local_stack import REPO, RunningStack


def _metrics(stack: RunningStack) -> list[dict[str, Any]]:
    return list(read_emf(stack.log_path.read_text(errors="replace").splitlines()))


def test_a_ticket_leaves_emf_metrics_in_the_local_log(stack: RunningStack) -> None:
    created = stack.call("POST", "/api/v1/ticket", example_ticket()).body
    assert settled_ticket(stack, created["ticket_id"])["state"] == "acquisition_failed"
    deadline = time.monotonic() + 5
    while True:
        seen = _metrics(stack)
        outcomes = [m for m in seen if m["name"] == "AcquisitionOutcome"]
        if outcomes or time.monotonic() > deadline:
            break
        time.sleep(0.1)
    assert all(m["namespace"] == "QuentinTorrentino" for m in seen)
    assert any(m["name"] == "TicketsCreated" and m["value"] == 1 for m in seen)
    transitions = {(m["dimensions"]["from"], m["dimensions"]["to"])
                   for m in seen if m["name"] == "StateTransitions"}
    assert {("pending", "acquiring"), ("acquiring", "acquisition_failed")} <= transitions
    assert {"outcome": "acquisition_failed"} in [m["dimensions"] for m in outcomes]
    durations = [m for m in seen if m["name"] == "StageDuration"]
    assert any(m["dimensions"] == {"stage": "acquiring"} and m["unit"] == "Seconds"
               for m in durations)


INVOKE = """
import json, sys
from types import SimpleNamespace
import app
ctx = SimpleNamespace(aws_request_id="req-trace-1", function_name="api")
path = "/api/v1/health"
event = {"resource": path, "path": path, "httpMethod": "GET", "headers": {},
         "requestContext": {"resourcePath": path, "httpMethod": "GET", "path": path,
                            "requestId": "req-trace-1", "identity": {"sourceIp": "127.0.0.1"}},
         "multiValueQueryStringParameters": None, "pathParameters": None,
         "stageVariables": None, "body": None, "isBase64Encoded": False}
print("STATUS", app.app(event, ctx)["statusCode"])
"""


def test_a_lambda_handler_sends_xray_subsegments_for_itself_and_aws_calls(
        tmp_path: Path) -> None:
    collector = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    collector.bind(("127.0.0.1", 0))
    collector.settimeout(0.5)
    config = tmp_path / "config.toml"
    # Nothing listens on the AWS endpoint: each call fails fast, and is traced all the same.
    config.write_text('[auth]\nmethod = "none"\n[aws]\nendpoint_url = "http://127.0.0.1:9"\n')
    env = {**os.environ, "PYTHONPATH": str(REPO), "QT_CONFIG_FILE": str(config),
           "AWS_LAMBDA_FUNCTION_NAME": "api", "LAMBDA_TASK_ROOT": str(REPO),
           "_X_AMZN_TRACE_ID": "Root=1-5759e988-bd862e3fe1be46a994272793;"
                               "Parent=53995c3f42cd8ad8;Sampled=1",
           "AWS_XRAY_DAEMON_ADDRESS": f"127.0.0.1:{collector.getsockname()[1]}",
           "AWS_MAX_ATTEMPTS": "1", "AWS_ACCESS_KEY_ID": "test", "AWS_SECRET_ACCESS_KEY": "t",
           "AWS_DEFAULT_REGION": "us-east-1"}
    env.pop("POWERTOOLS_TRACE_DISABLED", None)
    done = subprocess.run([sys.executable, "-c", INVOKE], env=env, cwd=tmp_path,
                          capture_output=True, text=True, timeout=60)
    assert "STATUS 503" in done.stdout, done.stderr + done.stdout
    segments = []
    try:
        while True:
            header, _, body = collector.recv(65536).decode().partition("\n")
            assert json.loads(header) == {"format": "json", "version": 1}
            segments.append(json.loads(body))
    except TimeoutError:
        pass
    finally:
        collector.close()
    by_name = {s["name"]: s for s in segments if s.get("trace_id")}
    handler = by_name["## health"]
    assert handler["trace_id"] == "1-5759e988-bd862e3fe1be46a994272793"
    assert handler["annotations"] == {"route": "/api/v1/health"}
    for service in ("dynamodb", "sqs", "states"):
        assert by_name[service]["parent_id"] == handler["id"], service
    logged = [json.loads(line) for line in done.stdout.splitlines() if line.startswith("{")]
    assert logged and all(line["request_id"] == "req-trace-1" for line in logged)
