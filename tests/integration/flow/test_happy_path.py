"""A ticket drives itself: search, score, auto-approve, the agent's stages, Completed."""

from __future__ import annotations

from pathlib import Path

from tests.integration.flow.conftest import FlowRig


def test_auto_approve_to_completed(rig: FlowRig) -> None:
    tid = rig.create(rig.ticket())
    done = rig.wait_state(tid, "completed", "failed", "needs_approval", "acquisition_failed")
    assert done["state"] == "completed", done["state_payload"]
    assert rig.states(tid) == ["pending", "acquiring", "auto_approved", "downloading",
                               "converting", "placing", "completed"]
    chosen = done["acquisition"]["candidates"][done["acquisition"]["recommended_index"]]
    assert chosen["candidate"]["title"].startswith("Test Artist - Test Album")
    assert chosen["components"] and all(c["reason"] for c in chosen["components"])
    mapped = {f["item_id"]: f["path"] for f in done["work_order"]["files"]}
    assert mapped["t2"].endswith("02 - Second Song.flac")
    for item in done["request"]["items"]:
        assert Path(item["dest_path"]).read_text().startswith(item["item_id"])
    assert rig.wait_flow(tid, "SUCCEEDED", "FAILED") == ["SUCCEEDED"]
    runs = rig.flow(tid)
    entered = [e["details"]["name"] for e in runs[0]["events"]
               if e["type"] == "TaskStateEntered"]
    assert entered[:2] == ["Acquire", "Download"] and entered[-1] == "Place"
    events = rig.stack.call("GET", f"/api/v1/audit?ticket_id={tid}&limit=200").body["events"]
    types = {e["event_type"] for e in events}
    assert {"TicketCreated", "SearchExecuted", "MatchingStarted", "MatchingCompleted",
            "TicketStateChanged"} <= types


def test_dry_run_keeps_candidates_and_downloads_nothing(rig: FlowRig) -> None:
    tid = rig.create(rig.ticket(dry_run=True, tag="-dry"))
    done = rig.wait_state(tid, "dry_run_complete", "failed")
    assert done["state"] == "dry_run_complete"
    assert done["acquisition"]["candidates"]
    assert done["work_order"] is None
    assert not any(t == tid for t, _, _ in rig.agent.handled)


def test_nothing_found_is_acquisition_failed_with_what_was_tried(rig: FlowRig) -> None:
    tid = rig.create(rig.ticket(artist="Nobody Known", album="Silent Record"))
    done = rig.wait_state(tid, "acquisition_failed", "failed")
    assert done["state"] == "acquisition_failed"
    payload = done["state_payload"]
    assert payload["queries_tried"] and "Nobody Known Silent Record" in payload["queries_tried"]
    assert rig.wait_flow(tid, "SUCCEEDED", "FAILED") == ["SUCCEEDED"]


def test_a_kept_torrent_serves_a_later_ticket_without_search_or_download(rig: FlowRig) -> None:
    first = rig.create(rig.ticket(artist="Another Group", album="Hidden Gem", tag="-kept1",
                                  catalog=True))
    rig.wait_state(first, "acquisition_failed")
    rig.stack.call("POST", f"/api/v1/ticket/{first}/force-search",
                   {"query": "AnotherGroup HiddenGem"})
    t = rig.wait_state(first, "needs_approval", "completed")
    if t["state"] == "needs_approval":
        rig.stack.call("POST", f"/api/v1/ticket/{first}/approve", {})
    assert rig.wait_state(first, "completed", "failed")["state"] == "completed"

    later = rig.create(rig.ticket(artist="Another Group", album="Hidden Gem", tracks=range(2, 4),
                                  tag="-kept2"))
    done = rig.wait_state(later, "completed", "failed", "needs_approval", "acquisition_failed")
    assert done["state"] == "completed", done["state_payload"]
    assert done["acquisition"]["method"] == "catalog"
    assert done["work_order"]["candidate"] is None
    assert done["work_order"]["source_dir"] == "/tmp/test-agent"
    assert done["work_order"]["agent_id"] == "test-agent"  # only it keeps those files
    paths = {f["item_id"]: f["path"] for f in done["work_order"]["files"]}
    assert paths["t2"].endswith("02 - Second Song.flac")
    searches = rig.stack.call("GET", f"/api/v1/audit?ticket_id={later}&event_type="
                                     "SearchExecuted").body["events"]
    assert searches == []
    entered = [e["details"]["name"] for e in rig.flow(later)[0]["events"]
               if e["type"].endswith("StateEntered")]
    assert "UseCoveredWork" in entered


def test_kept_files_that_are_gone_are_forgotten_and_a_retry_searches_again(
    rig: FlowRig,
) -> None:
    # Runs after the test above, which left "Another Group - Hidden Gem" in the catalog.
    tid = rig.create(rig.ticket(artist="Another Group", album="Hidden Gem", tracks=range(1, 3),
                                behaviour="download_fails_once", tag="-gone"))
    failed = rig.wait_state(tid, "failed", "completed")
    assert failed["state"] == "failed"
    assert failed["acquisition"]["method"] == "catalog"
    assert failed["state_payload"]["retryable"] is True
    assert "kept files are gone" in failed["history"][-1]["reason"]
    assert rig.stack.call("POST", f"/api/v1/ticket/{tid}/retry").body["state"] == "pending"
    again = rig.wait_state(tid, "acquisition_failed", "completed", "needs_approval")
    assert again["acquisition"].get("method") != "catalog"
    assert again["acquisition"]["queries_tried"]


def test_the_indexer_key_in_download_links_never_leaves_through_the_api(rig: FlowRig) -> None:
    from tests.integration.flow.conftest import INDEXER_KEY

    tid = rig.create(rig.ticket(tag="-secret"))
    done = rig.wait_state(tid, "completed", "failed")
    assert done["state"] == "completed"
    link = done["work_order"]["candidate"]["download_url"]
    assert "apikey=%2A%2A%2A" in link  # shown masked...
    assert any(t == tid and s == "download" for t, s, _ in rig.agent.handled)  # ...used real
    outputs = [
        rig.stack.call("GET", f"/api/v1/ticket/{tid}").text,
        rig.stack.call("GET", "/api/v1/tickets?limit=200").text,
        rig.stack.call("POST", "/api/v1/search/test", {"query": "Test Artist - Test Album"}).text,
        rig.stack.call("GET", "/api/v1/training/export").text,
        rig.stack.call("GET", "/api/v1/audit/export").text,
        rig.stack.call("GET", "/api/v1/config").text,
    ]
    assert all(INDEXER_KEY not in text for text in outputs)
