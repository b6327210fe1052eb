"""Indexers that hang, reset the connection, answer garbage or trickle their answer, beside one
that works (all on a local Torznab server, the real stack searching them): each failing
indexer is reported in the search's audit with a reason that says what happened, the search
ends within its timeout, and the working indexer still serves the ticket."""

from __future__ import annotations

import time
from pathlib import Path

from local.torznab_server import Fault, TorznabServer
from tests.integration.api.conftest import EXAMPLE_TICKET
from tests.integration.flow.conftest import INDEXER_KEY, releases
from tests.support.local_stack import free_port, start_stack, write_config
from tests.support.test_agent import wait_for

TIMEOUT_SECS = 2
EXPECTED = {  # indexer -> (error kind, words of its reason)
    "hang": ("timeout", f"no answer within {TIMEOUT_SECS}s"),
    "trickle": ("timeout", f"no complete answer within {TIMEOUT_SECS}s"),
    "reset": ("unavailable", "connection reset by the indexer"),
    "garbage": ("unavailable", "the answer is not HTTP"),
}


def test_failing_indexers_are_reported_and_the_working_one_serves(tmp_path: Path) -> None:
    indexer = TorznabServer(releases(tmp_path / "releases"), api_key=INDEXER_KEY)
    indexer.faults.update({"hang": Fault.HANG, "trickle": Fault.TRICKLE,
                           "reset": Fault.RESET, "garbage": Fault.GARBAGE})
    indexer.start()
    port = free_port()
    names = ["good", *EXPECTED]
    config = write_config(tmp_path, port, f"""
[searcher]
backend = "jackett"
url = "{indexer.url}"
api_key = "{INDEXER_KEY}"
indexers = {names!r}
min_interval_secs = 0.0
timeout_secs = {TIMEOUT_SECS}
""".replace("'", '"'))
    stack = start_stack(config, port)
    try:
        body = {**EXAMPLE_TICKET, "dry_run": True,
                "search": {"artist": "Test Artist", "album": "Test Album", "year": 2020}}
        created = stack.call("POST", "/api/v1/ticket", body)
        assert created.status == 201, created.text
        tid = created.body["ticket_id"]
        started = time.monotonic()

        def ended() -> dict[str, object] | None:
            t: dict[str, object] = stack.call("GET", f"/api/v1/ticket/{tid}").body
            return t if t["state"] not in ("pending", "acquiring") else None

        ticket = wait_for(ended, 30)
        took = time.monotonic() - started
        assert ticket["state"] == "dry_run_complete", ticket
        # Indexers are asked side by side and none may hold the search past its timeout
        # (the trickling one did, forever: the timeout bounded each read, not the answer).
        # The margin is for a loaded machine; each indexer's own duration is checked below.
        assert took < 15, took
        events = stack.call("GET", f"/api/v1/audit?ticket_id={tid}&event_type=SearchExecuted"
                            ).body["events"]
        reports = {r["indexer"]: r for e in events for r in e["data"]["indexers"]}
        assert set(reports) == set(names)
        assert reports["good"]["error"] is None and reports["good"]["result_count"] >= 1
        for name, (kind, words) in EXPECTED.items():
            error = reports[name]["error"]
            assert error is not None and error["kind"] == kind, (name, error)
            assert words in error["message"], (name, error)
            assert INDEXER_KEY not in error["message"]
            assert reports[name]["duration_ms"] < (TIMEOUT_SECS + 1.5) * 1000, reports[name]
    finally:
        stack.stop()
        indexer.stop()
