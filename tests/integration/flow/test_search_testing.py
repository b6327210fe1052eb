"""POST /api/v1/search/test: one query through the real indexer, scored, no ticket made."""

from __future__ import annotations

from tests.integration.flow.conftest import FlowRig


def test_search_test_scores_what_the_indexer_finds(rig: FlowRig) -> None:
    before = rig.stack.call("GET", "/api/v1/stats").body["total"]
    answer = rig.stack.call("POST", "/api/v1/search/test",
                            {"query": "Test Artist - Test Album", "expected": "album"})
    assert answer.status == 200, answer.text
    found = answer.body
    assert found["scored_against"] == {"artist": "Test Artist", "album": "Test Album",
                                       "title": "Test Artist - Test Album"}
    titles = [c["candidate"]["title"] for c in found["candidates"]]
    assert titles and all(t.startswith("Test Artist - Test Album") for t in titles)
    assert found["candidates"][0]["total"] >= found["candidates"][-1]["total"]
    assert found["candidates"][0]["components"]
    assert rig.stack.call("GET", "/api/v1/stats").body["total"] == before
    audit = rig.stack.call("GET", "/api/v1/audit?event_type=SearchExecuted&limit=5").body
    assert found["audit_event_id"] in {e["event_id"] for e in audit["events"]}


def test_search_test_input_errors(rig: FlowRig) -> None:
    for body, field in [({}, "query"), ({"query": "x", "expected": "vinyl"}, "expected"),
                        ({"query": "x", "year": "1999"}, "year")]:
        answer = rig.stack.call("POST", "/api/v1/search/test", body)
        assert answer.status == 400
        assert answer.body["errors"][0]["field"] == field
