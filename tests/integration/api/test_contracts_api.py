"""The design's published contracts on the HTTP API: dates in /audit, no silent offset."""

from __future__ import annotations

from tests.integration.api.conftest import example_ticket
from tests.support.local_stack import RunningStack


def test_audit_accepts_a_bare_date_as_utc_midnight(stack: RunningStack) -> None:
    stack.call("POST", "/api/v1/ticket", example_ticket())
    since = stack.call("GET", "/api/v1/audit?from=2024-01-01&limit=5")
    assert since.status == 200 and since.body["events"]
    future = stack.call("GET", "/api/v1/audit?from=2999-01-01")
    assert future.status == 200 and future.body["events"] == []
    until = stack.call("GET", "/api/v1/audit?to=2024-01-01")
    assert until.status == 200 and until.body["events"] == []
    bad = stack.call("GET", "/api/v1/audit?from=2024-13-01")
    assert bad.status == 400 and bad.body["errors"][0]["field"] == "from"
    naive = stack.call("GET", "/api/v1/audit?from=2024-01-01T10:00:00")
    assert naive.status == 400  # a time without a zone stays ambiguous


def test_tickets_offset_is_refused_with_a_pointer_to_cursor(stack: RunningStack) -> None:
    answer = stack.call("GET", "/api/v1/tickets?offset=20")
    assert answer.status == 400
    assert answer.body["errors"][0]["field"] == "offset"
    assert "cursor" in answer.body["errors"][0]["message"]
    assert stack.call("GET", "/api/v1/tickets?limit=1").status == 200


def test_catalog_lists_kept_torrents_and_the_storage_budget(stack: RunningStack) -> None:
    body = stack.call("GET", "/api/v1/catalog").body
    assert body["torrents"] == []  # this stack has no agent: nothing was downloaded
    assert body["storage"] == {"used_bytes": 0, "budget_bytes": None, "cleanup_candidates": []}
    coverage = stack.call("GET", "/api/v1/catalog/coverage?artist=Radiohead")
    assert coverage.status == 200 and coverage.body == {"artist": "Radiohead", "albums": []}
    missing = stack.call("GET", "/api/v1/catalog/coverage")
    assert missing.status == 400 and missing.body["errors"][0]["field"] == "artist"
