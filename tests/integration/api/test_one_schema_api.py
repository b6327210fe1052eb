"""The routes answer as their published models say, over the real local HTTP server."""

from __future__ import annotations

import http.client
import re
from urllib.parse import urlsplit

import pytest

from tests.integration.api.conftest import example_ticket
from tests.support.local_stack import ADMIN_KEY, RunningStack


def _fields(answer_body: dict[str, object]) -> set[str]:
    errors = answer_body.get("errors")
    assert isinstance(errors, list)
    return {str(e["field"]) for e in errors}


def test_the_served_schema_knows_this_stacks_roots(stack: RunningStack) -> None:
    doc = stack.call("GET", "/api/v1/openapi.json", key=None).body
    pattern = doc["components"]["schemas"]["TrackRequest"]["properties"]["dest_path"]["pattern"]
    assert re.fullmatch(pattern, "/media/albums/x.ogg")
    assert not re.fullmatch(pattern, "/etc/x.ogg")
    assert doc["paths"]["/api/v1/ticket"]["post"]["responses"]["201"]["links"]["GetTicket"]


@pytest.mark.parametrize(("where", "value", "field"), [
    ("name", "Air\x00bag", "tracks[0].name"),
    ("name", "Air\nbag", "tracks[0].name"),
    ("catalog_track_id", "../../t1", "tracks[0].catalog_track_id"),
    ("dest_path", "/media/albums/./x.ogg", "tracks[0].dest_path"),
    ("track_number", "1", "tracks[0].track_number"),
    ("duration_secs", None, "tracks[0].duration_secs"),
])
def test_bad_track_fields_are_named_and_nothing_is_created(stack: RunningStack, where: str,
                                                           value: object, field: str) -> None:
    before = len(stack.call("GET", "/api/v1/tickets?limit=200").body["tickets"])
    body = example_ticket()
    body["tracks"][0][where] = value
    answer = stack.call("POST", "/api/v1/ticket", body)
    assert answer.status == 400, answer.text
    assert field in _fields(answer.body)
    assert len(stack.call("GET", "/api/v1/tickets?limit=200").body["tickets"]) == before


def test_cover_names_cannot_climb_out(stack: RunningStack) -> None:
    body = example_ticket()
    body["images"][0].update(catalog_image_id="../cover", dest_path="/media/../cover.jpg")
    answer = stack.call("POST", "/api/v1/ticket", body)
    assert answer.status == 400
    assert {"images[0].catalog_image_id", "images[0].dest_path"} <= _fields(answer.body)


def test_an_empty_time_bound_is_refused(stack: RunningStack) -> None:
    for query in ("to=", "from=", "from=2024-02-30", "to=2024-01-01T10:00:00"):
        answer = stack.call("GET", f"/api/v1/audit?{query}")
        assert answer.status == 400, query
        assert _fields(answer.body) == {query.split("=")[0]}
    assert stack.call("GET", "/api/v1/audit?from=2024-01-01T10:00:00Z&limit=1").status == 200


@pytest.mark.parametrize(("path", "field"), [
    ("/api/v1/tickets?limit=5.0", "limit"), ("/api/v1/tickets?cursor=a%2Fb", "cursor"),
    ("/api/v1/stats?window=32d", "window"), ("/api/v1/stats?window=0h", "window"),
    ("/api/v1/catalog/coverage?artist=", "artist"),
    ("/api/v1/audit/export?format=csv", "format"),
])
def test_bad_query_parameters_are_named(stack: RunningStack, path: str, field: str) -> None:
    answer = stack.call("GET", path)
    assert answer.status == 400, answer.text
    assert _fields(answer.body) == {field}


def test_search_test_without_an_indexer_is_a_configuration_answer(stack: RunningStack) -> None:
    answer = stack.call("POST", "/api/v1/search/test", {"query": "Radiohead - OK Computer"})
    assert answer.status == 409, answer.text
    assert answer.body["error"] == "NotConfigured" and answer.body["service"] == "searcher"
    bad = stack.call("POST", "/api/v1/search/test", {"query": "x", "year": "1997"})
    assert bad.status == 400 and _fields(bad.body) == {"year"}


def test_catalog_lookups_without_a_catalog_say_which(stack: RunningStack) -> None:
    answer = stack.call("POST", "/api/v1/video/movie", {"title": "Heat"})
    assert answer.status == 409 and answer.body["service"] == "tmdb", answer.text
    missing = stack.call("POST", "/api/v1/music/album", {"artist": "Radiohead"})
    assert missing.status == 400 and _fields(missing.body) == {"album"}


def test_action_bodies_are_validated_before_the_ticket_is_looked_up(stack: RunningStack
                                                                    ) -> None:
    for path, body, field in [
        ("approve", {"candidate_idx": -1}, "candidate_idx"),
        ("reject", {"reason": 5}, "reason"),
        ("force-search", {"query": ""}, "query"),
        ("force-magnet", {"magnet_uri": "magnet:?xt=urn:btih:xyz"}, "magnet_uri"),
        ("force-magnet", {"magnet_uri": "magnet:?xt=urn:btih:" + "a" * 40, "x": 1}, "x"),
    ]:
        answer = stack.call("POST", f"/api/v1/ticket/no-such-ticket/{path}", body)
        assert answer.status == 400, (path, answer.text)
        assert _fields(answer.body) == {field}


def test_a_cursor_from_another_listing_is_refused_not_a_500(stack: RunningStack) -> None:
    for i in range(2):
        body = example_ticket()
        body["tracks"][0]["dest_path"] = f"/media/cursor/{i}.ogg"
        stack.call("POST", "/api/v1/ticket", body)
    everything = stack.call("GET", "/api/v1/tickets?limit=1").body["cursor"]
    audit = stack.call("GET", "/api/v1/audit?limit=1").body["cursor"]
    assert everything and audit
    for path in (f"/api/v1/tickets?state=failed&cursor={everything}",
                 f"/api/v1/tickets?requested_by=admin&cursor={everything}",
                 f"/api/v1/audit?event_type=TicketCreated&cursor={audit}",
                 f"/api/v1/audit?to=2000-01-01&cursor={audit}",
                 f"/api/v1/audit?cursor={everything}"):
        answer = stack.call("GET", path)
        assert answer.status == 400, (path, answer.text)
        assert _fields(answer.body) == {"cursor"}
    assert stack.call("GET", f"/api/v1/tickets?limit=1&cursor={everything}").status == 200


def test_a_refused_method_with_a_body_leaves_the_connection_usable(stack: RunningStack) -> None:
    url = urlsplit(stack.url)
    conn = http.client.HTTPConnection(url.hostname or "", url.port, timeout=10)
    try:
        conn.request("QUERY", "/api/v1/tickets", body=b'{"a": 1}',
                     headers={"X-API-Key": ADMIN_KEY, "Content-Type": "application/json"})
        refused = conn.getresponse()
        refused.read()
        conn.request("GET", "/api/v1/health")  # the same keep-alive connection
        after = conn.getresponse()
        after.read()
    finally:
        conn.close()
    assert refused.status == 405 and after.status == 200
