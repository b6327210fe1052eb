"""Hostile requests through the real local HTTP server: a 4xx naming the problem, never a 500."""

from __future__ import annotations

import http.client
import json
from urllib.parse import urlsplit

import pytest

from tests.integration.api.conftest import example_ticket
from tests.support.local_stack import ADMIN_KEY, RunningStack


def test_a_deeply_nested_body_is_a_400_naming_the_body(stack: RunningStack) -> None:
    answer = stack.call("POST", "/api/v1/ticket", raw=b"[" * 60_000)  # under the size limit
    assert answer.status == 400, answer.text
    assert {"field": "body", "message": "is nested too deeply"} in answer.body["errors"]


def test_a_hundred_thousand_brackets_are_refused_without_a_500(stack: RunningStack) -> None:
    answer = stack.call("POST", "/api/v1/ticket", raw=b"[" * 100_000)
    assert 400 <= answer.status < 500, answer.text


@pytest.mark.parametrize("dest", ["/media/con\nx.ogg", "/media/a\x00b.ogg",
                                  "/media/a\rb.ogg", "/media/a\x1bb.ogg"])
def test_control_characters_in_dest_path_are_a_400_naming_the_field(stack: RunningStack,
                                                                    dest: str) -> None:
    body = example_ticket()
    body["tracks"][0]["dest_path"] = dest
    before = stack.call("GET", "/api/v1/tickets?limit=200").body["tickets"]
    answer = stack.call("POST", "/api/v1/ticket", body)
    assert answer.status == 400, answer.text
    fields = {e["field"]: e["message"] for e in answer.body["errors"]}
    assert any(w in fields["tracks[0].dest_path"] for w in ("control characters", "NUL"))
    after = stack.call("GET", "/api/v1/tickets?limit=200").body["tickets"]
    assert len(after) == len(before)  # nothing was created


@pytest.mark.parametrize("method", ["TRACE", "CONNECT", "PROPFIND", "BREW"])
def test_undeclared_methods_are_405_not_501(stack: RunningStack, method: str) -> None:
    url = urlsplit(stack.url)
    conn = http.client.HTTPConnection(url.hostname or "", url.port, timeout=10)
    try:
        conn.request(method, "/api/v1/tickets", headers={"X-API-Key": ADMIN_KEY})
        response = conn.getresponse()
        body = response.read()
    finally:
        conn.close()
    assert response.status == 405
    assert "GET" in (response.getheader("Allow") or "")
    assert json.loads(body)["error"] == "MethodNotAllowed"


def test_declared_methods_still_reach_the_routes(stack: RunningStack) -> None:
    assert stack.call("GET", "/api/v1/health", key=None).status == 200
    assert stack.call("OPTIONS", "/api/v1/tickets").status in (200, 204)
