"""Health, stats and the OpenAPI document."""

from __future__ import annotations

import re

import app as api
from tests.integration.api.conftest import example_ticket, settled, settled_ticket
from tests.support.local_stack import RunningStack


def test_health_reports_each_dependency(stack: RunningStack) -> None:
    answer = stack.call("GET", "/api/v1/health", key=None)
    assert answer.status == 200
    assert answer.body["status"] == "ok"
    checks = answer.body["checks"]
    assert {"dynamodb_tickets", "dynamodb_audit", "s3_exports", "sqs_stage_queues",
            "stepfunctions_flow"} <= set(checks)
    assert checks["stepfunctions_flow"]["state_machine"] == "qt-ticket-flow"
    assert "download-high" in checks["sqs_stage_queues"]["waiting"]
    assert checks["sqs_stage_queues"]["dead_letters"] == {}
    assert all(c["ok"] for c in answer.body["checks"].values())


def test_stats_count_per_state(stack: RunningStack) -> None:
    # Tickets move on their own (pending → acquiring → ...): count only while none moves.
    before = settled(stack)
    created = stack.call("POST", "/api/v1/ticket", example_ticket()).body
    state = settled_ticket(stack, created["ticket_id"])["state"]
    after = settled(stack)
    assert after["by_state"][state] == before["by_state"].get(state, 0) + 1
    assert after["total"] == before["total"] + 1
    assert set(after["by_state"]) >= {"pending", "cancelled", "completed", "failed"}


def test_openapi_lists_every_route_and_method(stack: RunningStack) -> None:
    doc = stack.call("GET", "/api/v1/openapi.json", key=None).body
    assert doc["openapi"].startswith("3.")
    for path, entries in api.app.routes.items():
        spec_path = re.sub(r"\{(\w+)\}", r"{\1}", path)
        assert spec_path in doc["paths"], path
        for method in entries:
            assert method.lower() in doc["paths"][spec_path], (path, method)
    for path in doc["paths"]:
        assert path in api.app.routes, f"documented but not served: {path}"


def test_unknown_route_is_not_200(stack: RunningStack) -> None:
    assert stack.call("GET", "/api/v1/nothing-here").status in (403, 404)


def test_health_gives_status_and_latency_per_dependency_and_an_agents_slot(
        stack: RunningStack) -> None:
    body = stack.call("GET", "/api/v1/health", key=None).body
    for name, check in body["checks"].items():
        assert check["status"] == "ok" and check["latency_ms"] >= 0, name
    assert body["agents"] == {}  # this stack runs no agent


def test_stats_report_rates_over_a_window(stack: RunningStack) -> None:
    created = stack.call("POST", "/api/v1/ticket", example_ticket()).body
    settled_ticket(stack, created["ticket_id"])  # acquisition_failed: no indexer here
    body = stack.call("GET", "/api/v1/stats?window=1h").body
    assert body["window"] == "1h" and body["window_secs"] == 3600
    assert body["outcomes"]["acquisition_failed"] >= 1
    assert body["tickets_per_hour"]["acquisition_failed"] >= 1
    assert "acquiring" in body["median_secs_by_stage"]
    assert body["success_ratio"] == 0.0 or body["outcomes"].get("completed")
    assert body["hourly"] and "outcomes" in body["hourly"][-1]
    bad = stack.call("GET", "/api/v1/stats?window=forever")
    assert bad.status == 400 and bad.body["errors"][0]["field"] == "window"
