"""The ticket routes over real HTTP, against the local stack on moto's server."""

from __future__ import annotations

import threading

from tests.integration.api.conftest import example_ticket, settled, settled_ticket
from tests.support.local_stack import USER_KEY, RunningStack

VALID_MAGNET = "magnet:?xt=urn:btih:" + "a" * 40 + "&dn=x"


def test_create_accepts_the_example_verbatim_and_get_returns_it(stack: RunningStack) -> None:
    created = stack.call("POST", "/api/v1/ticket", example_ticket())
    assert created.status == 201, created.text
    ticket = created.body
    assert ticket["state"] == "pending"
    assert ticket["flow_attempt"] == 1
    assert ticket["requested_by"] == "admin"
    assert created.headers["Location"] == f"/api/v1/ticket/{ticket['ticket_id']}"
    got = stack.call("GET", f"/api/v1/ticket/{ticket['ticket_id']}")
    assert got.status == 200
    assert got.body["request"]["query_context"]["artist"] == "Radiohead"
    assert got.body["request"]["items"][0]["dest_path"] == "/media/albums/abc123/d1t01.ogg"
    assert got.body["request"]["constraints"]["format"] == "ogg_vorbis"
    assert got.body["history"][0]["to_state"] == "pending"
    # No indexer is configured here: the flow searches, finds nothing, and says so.
    done = settled_ticket(stack, ticket["ticket_id"])
    assert [h["to_state"] for h in done["history"]] == ["pending", "acquiring",
                                                         "acquisition_failed"]


def test_client_sent_requested_by_is_ignored(stack: RunningStack) -> None:
    body = example_ticket(requested_by="mallory")
    body["tracks"][0]["dest_path"] = "/media/albums/other/1.ogg"
    created = stack.call("POST", "/api/v1/ticket", body, key=USER_KEY)
    assert created.status == 201
    assert created.body["requested_by"] == "music-server"


def test_validation_names_every_offending_field(stack: RunningStack) -> None:
    body = example_ticket(priority=70000)
    body["tracks"][0]["duration_secs"] = -3
    body["tracks"][0]["dest_path"] = "relative/x.ogg"
    body["constraints"]["format"] = "wma"
    answer = stack.call("POST", "/api/v1/ticket", body)
    assert answer.status == 400
    fields = {e["field"] for e in answer.body["errors"]}
    assert {"priority", "tracks[0].duration_secs", "tracks[0].dest_path",
            "constraints.format"} <= fields
    assert answer.body["message"]


def test_bad_dest_paths_are_refused(stack: RunningStack) -> None:
    for path, words in [("/media/../etc/passwd", ".."), ("/etc/x.ogg", "allowed roots"),
                        ("/mediax/a.ogg", "allowed roots")]:
        body = example_ticket()
        body["tracks"][0]["dest_path"] = path
        answer = stack.call("POST", "/api/v1/ticket", body)
        assert answer.status == 400, path
        assert words in answer.text


def test_duplicate_dest_paths_are_refused(stack: RunningStack) -> None:
    body = example_ticket()
    body["images"][0]["dest_path"] = body["tracks"][0]["dest_path"]
    answer = stack.call("POST", "/api/v1/ticket", body)
    assert answer.status == 400
    assert "duplicates" in answer.text


def test_missing_fields_and_non_json_bodies(stack: RunningStack) -> None:
    body = example_ticket()
    del body["search"]["album"]
    answer = stack.call("POST", "/api/v1/ticket", body)
    assert answer.status == 400
    assert any(e["field"] == "search.album" for e in answer.body["errors"])
    not_json = stack.call("POST", "/api/v1/ticket", raw=b"{not json")
    assert not_json.status == 400 and not_json.body["errors"][0]["field"] == "body"
    array = stack.call("POST", "/api/v1/ticket", [1, 2])
    assert array.status == 400
    empty = stack.call("POST", "/api/v1/ticket", raw=b"")
    assert empty.status == 400


def test_body_too_large_is_413(stack: RunningStack) -> None:
    answer = stack.call("POST", "/api/v1/ticket", raw=b"{" + b" " * 70000 + b"}")
    assert answer.status == 413
    assert "larger than" in answer.body["message"]


def test_a_rejected_body_creates_nothing(stack: RunningStack) -> None:
    before = stack.call("GET", "/api/v1/stats").body["total"]
    stack.call("POST", "/api/v1/ticket", example_ticket(priority=-1))
    assert stack.call("GET", "/api/v1/stats").body["total"] == before


def test_unknown_ticket_is_404(stack: RunningStack) -> None:
    for method, path in [("GET", ""), ("DELETE", ""), ("POST", "/approve"), ("POST", "/retry")]:
        answer = stack.call(method, f"/api/v1/ticket/doesnotexist{path}")
        assert answer.status == 404, (method, path)
        assert "doesnotexist" in answer.body["message"]


def test_cancel_then_actions_on_a_cancelled_ticket_conflict(stack: RunningStack) -> None:
    tid = stack.call("POST", "/api/v1/ticket", example_ticket()).body["ticket_id"]
    cancelled = stack.call("DELETE", f"/api/v1/ticket/{tid}?reason=changed%20my%20mind")
    assert cancelled.status == 200
    assert cancelled.body["state"] == "cancelled"
    assert cancelled.body["history"][-1]["reason"] == "changed my mind"
    again = stack.call("DELETE", f"/api/v1/ticket/{tid}")
    assert again.status == 409
    assert again.body["current_state"] == "cancelled"


def test_actions_that_do_not_fit_the_state_are_409_with_the_current_state(
    stack: RunningStack,
) -> None:
    tid = stack.call("POST", "/api/v1/ticket", example_ticket()).body["ticket_id"]
    assert settled_ticket(stack, tid)["state"] == "acquisition_failed"
    for path, body in [("approve", {}), ("reject", {"reason": "no"}), ("retry", None)]:
        answer = stack.call("POST", f"/api/v1/ticket/{tid}/{path}", body)
        assert answer.status == 409, path
        assert answer.body["current_state"] == "acquisition_failed"
    stack.call("DELETE", f"/api/v1/ticket/{tid}")
    for path, body in [("force-search", {"query": "radiohead ok computer"}),
                       ("force-magnet", {"magnet_uri": VALID_MAGNET})]:
        answer = stack.call("POST", f"/api/v1/ticket/{tid}/{path}", body)
        assert answer.status == 409, path
        assert answer.body["current_state"] == "cancelled"


def test_action_inputs_are_validated(stack: RunningStack) -> None:
    tid = stack.call("POST", "/api/v1/ticket", example_ticket()).body["ticket_id"]
    bad = [
        ("force-magnet", {"magnet_uri": "http://example.invalid/x.torrent"}, "magnet_uri"),
        ("force-magnet", {"magnet_uri": "magnet:?xt=urn:btih:1234"}, "magnet_uri"),
        ("force-magnet", {}, "magnet_uri"),
        ("force-search", {"query": ""}, "query"),
        ("approve", {"candidate_idx": -1}, None),
        ("reject", {"reason": 5}, "reason"),
    ]
    for path, body, field in bad:
        answer = stack.call("POST", f"/api/v1/ticket/{tid}/{path}", body)
        assert answer.status in (400, 409), path
        if field:
            assert answer.status == 400, path
            assert answer.body["errors"][0]["field"] == field


def test_list_by_state_is_ordered_by_priority_then_age(stack: RunningStack) -> None:
    ids = []
    for prio in (5, 60000, 60000, 300):
        body = example_ticket(priority=prio)
        body["tracks"][0]["dest_path"] = f"/media/order/{len(ids)}.ogg"
        body["images"] = []
        ids.append(stack.call("POST", "/api/v1/ticket", body).body["ticket_id"])
    settled(stack)
    listed = stack.call("GET", "/api/v1/tickets?state=acquisition_failed&limit=200").body[
        "tickets"]
    mine = [t["ticket_id"] for t in listed if t["ticket_id"] in ids]
    states = {i: stack.call("GET", f"/api/v1/ticket/{i}").body["state"] for i in ids}
    assert len(mine) == 4, (states, len(listed))
    assert mine == [ids[1], ids[2], ids[3], ids[0]]


def test_pagination_walks_every_ticket_once(stack: RunningStack) -> None:
    for i in range(5):
        body = example_ticket()
        body["tracks"][0]["dest_path"] = f"/media/page/{i}.ogg"
        stack.call("POST", "/api/v1/ticket", body)
    total = settled(stack)["total"]
    seen: list[str] = []
    cursor = ""
    for _ in range(100):
        page = stack.call("GET", f"/api/v1/tickets?limit=2&cursor={cursor}").body
        seen += [t["ticket_id"] for t in page["tickets"]]
        if not page["cursor"]:
            break
        cursor = page["cursor"]
    assert len(seen) == len(set(seen)) == total


def test_list_filters_and_bad_query_parameters(stack: RunningStack) -> None:
    stack.call("POST", "/api/v1/ticket", example_ticket(), key=USER_KEY)
    mine = stack.call("GET", "/api/v1/tickets?requested_by=music-server").body["tickets"]
    assert mine and {t["requested_by"] for t in mine} == {"music-server"}
    assert stack.call("GET", "/api/v1/tickets?state=bogus").status == 400
    assert stack.call("GET", "/api/v1/tickets?limit=0").status == 400
    assert stack.call("GET", "/api/v1/tickets?limit=abc").body["errors"][0]["field"] == "limit"
    bad_cursor = stack.call("GET", "/api/v1/tickets?cursor=!!notacursor")
    assert bad_cursor.status == 400 and bad_cursor.body["errors"][0]["field"] == "cursor"


def test_non_admin_sees_only_own_tickets(stack: RunningStack) -> None:
    admin_tid = stack.call("POST", "/api/v1/ticket", example_ticket()).body["ticket_id"]
    # Another user's ticket looks absent, exactly like a made-up id.
    for path in (f"/api/v1/ticket/{admin_tid}", "/api/v1/ticket/no-such-ticket"):
        seen = stack.call("GET", path, key=USER_KEY)
        assert seen.status == 404 and seen.body["error"] == "NotFound"
    for action in ("DELETE", "flow", "approve", "reject"):
        method, path = (action, "") if action == "DELETE" else ("GET" if action == "flow"
                                                                 else "POST", f"/{action}")
        answer = stack.call(method, f"/api/v1/ticket/{admin_tid}{path}", {}, key=USER_KEY)
        assert answer.status == 404, action
    assert stack.call("GET", f"/api/v1/audit?ticket_id={admin_tid}", key=USER_KEY).status == 404
    assert stack.call("GET", f"/api/v1/ticket/{admin_tid}").body["requested_by"] == "admin"
    listed = stack.call("GET", "/api/v1/tickets", key=USER_KEY).body["tickets"]
    assert all(t["requested_by"] == "music-server" for t in listed)
    other = stack.call("GET", "/api/v1/tickets?requested_by=admin", key=USER_KEY)
    assert other.status == 403


def test_racing_cancels_give_one_success_and_409s(stack: RunningStack) -> None:
    tid = stack.call("POST", "/api/v1/ticket", example_ticket()).body["ticket_id"]
    statuses: list[int] = []

    def cancel() -> None:
        statuses.append(stack.call("DELETE", f"/api/v1/ticket/{tid}").status)

    threads = [threading.Thread(target=cancel) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(statuses) == [200] + [409] * 5
    ticket = stack.call("GET", f"/api/v1/ticket/{tid}").body
    assert [h["to_state"] for h in ticket["history"]] == ["pending", "cancelled"]


def test_without_an_indexer_the_ticket_says_why_nothing_was_found(stack: RunningStack) -> None:
    tid = stack.call("POST", "/api/v1/ticket", example_ticket()).body["ticket_id"]
    done = settled_ticket(stack, tid)
    assert done["state"] == "acquisition_failed"
    assert "searcher: no indexer is configured ([searcher] url)" in done["state_payload"]["reasons"]
