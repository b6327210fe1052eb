"""The audit trail over HTTP: filters, pagination and the JSON Lines export."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from urllib.parse import quote

from tests.integration.api.conftest import example_ticket
from tests.support.local_stack import RunningStack


def _ticket_with_history(stack: RunningStack) -> str:
    tid: str = stack.call("POST", "/api/v1/ticket", example_ticket()).body["ticket_id"]
    stack.call("DELETE", f"/api/v1/ticket/{tid}")
    return tid


def test_ticket_trail_has_creation_state_change_and_cancel(stack: RunningStack) -> None:
    tid = _ticket_with_history(stack)
    events = stack.call("GET", f"/api/v1/audit?ticket_id={tid}").body["events"]
    types = [e["event_type"] for e in events]
    assert set(types) == {"TicketCreated", "TicketStateChanged", "TicketCancelled"}
    changed = next(e for e in events if e["event_type"] == "TicketStateChanged")
    assert changed["data"] == {"from_state": "pending", "to_state": "cancelled",
                               "reason": "cancelled by user"}
    assert all(e["actor"] == "admin" for e in events)


def test_filter_by_type_and_time(stack: RunningStack) -> None:
    start = datetime.now(UTC) - timedelta(seconds=1)
    tid = _ticket_with_history(stack)
    frm = quote(start.isoformat())
    created = stack.call("GET", f"/api/v1/audit?event_type=TicketCreated&from={frm}").body
    assert tid in {e["ticket_id"] for e in created["events"]}
    assert {e["event_type"] for e in created["events"]} == {"TicketCreated"}
    future = quote((datetime.now(UTC) + timedelta(hours=1)).isoformat())
    none = stack.call("GET", f"/api/v1/audit?from={future}").body["events"]
    assert none == []
    typed = stack.call("GET", f"/api/v1/audit?ticket_id={tid}&event_type=TicketCancelled")
    assert [e["event_type"] for e in typed.body["events"]] == ["TicketCancelled"]


def test_bad_audit_filters_are_400(stack: RunningStack) -> None:
    assert stack.call("GET", "/api/v1/audit?event_type=Nope").body["errors"][0]["field"] == \
        "event_type"
    assert stack.call("GET", "/api/v1/audit?from=yesterday").body["errors"][0]["field"] == "from"
    late, early = quote("2030-01-01T00:00:00Z"), quote("2020-01-01T00:00:00Z")
    assert stack.call("GET", f"/api/v1/audit?from={late}&to={early}").status == 400


def test_audit_pagination(stack: RunningStack) -> None:
    _ticket_with_history(stack)
    seen: list[str] = []
    cursor = ""
    while True:
        page = stack.call("GET", f"/api/v1/audit?limit=3&cursor={cursor}").body
        seen += [e["event_id"] for e in page["events"]]
        if not page["cursor"]:
            break
        cursor = page["cursor"]
    assert len(seen) == len(set(seen)) >= 4
    times = [e["at"] for e in stack.call("GET", "/api/v1/audit?limit=200").body["events"]]
    assert times == sorted(times, reverse=True)


def test_export_jsonl_streams_and_writes_to_s3(stack: RunningStack) -> None:
    tid = _ticket_with_history(stack)
    answer = stack.call("GET", "/api/v1/audit/export?format=jsonl")
    assert answer.status == 200
    assert answer.headers["Content-Type"] == "application/x-ndjson"
    lines = [json.loads(line) for line in answer.text.splitlines()]
    assert tid in {e["ticket_id"] for e in lines}
    assert int(answer.headers["X-Export-Count"]) == len(lines)
    location = answer.headers["X-Export-Location"]
    assert location.startswith("s3://qt-exports/exports/audit-")
    assert stack.call("GET", "/api/v1/audit/export?format=csv").status == 400
    exports = stack.call("GET", "/api/v1/audit?event_type=AdminExport").body["events"]
    assert location in {e["data"]["location"] for e in exports}
