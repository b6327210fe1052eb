"""The WebSocket API through the local stack's gateway, with a real websocket client."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from websockets.exceptions import InvalidStatus
from websockets.sync.client import ClientConnection, connect
from websockets.typing import Subprotocol

from chalicelib.realtime.credentials import PROTOCOL, key_subprotocol
from tests.integration.api.conftest import example_ticket
from tests.support.local_stack import ADMIN_KEY, USER_KEY, RunningStack


def ws_url(stack: RunningStack) -> str:
    info = stack.call("GET", "/api/v1/realtime").body
    assert info["available"] is True
    url: str = info["url"]
    assert url.startswith("ws://127.0.0.1:")
    return url


@contextmanager
def client(stack: RunningStack, key: str = ADMIN_KEY,
           query: str = "") -> Iterator[ClientConnection]:
    offered = [Subprotocol(PROTOCOL), Subprotocol(key_subprotocol(key))]
    with connect(ws_url(stack) + query, subprotocols=offered, open_timeout=10) as ws:
        yield ws


def receive(ws: ClientConnection, timeout: float = 10) -> dict[str, Any]:
    message: dict[str, Any] = json.loads(ws.recv(timeout=timeout))
    return message


def snapshot(ws: ClientConnection) -> dict[str, Any]:
    """The snapshot that answers a subscribe (tickets moving meanwhile may send events first:
    the flow runs in the background of this stack)."""
    while True:
        message = receive(ws)
        if message["type"] == "snapshot":
            return message


def next_about(ws: ClientConnection, ticket_id: str) -> dict[str, Any]:
    """The next event about this ticket (events about other tests' tickets are skipped)."""
    while True:
        message = receive(ws)
        if message.get("ticket_id") == ticket_id:
            return message


def waiting_for_approval(stack: RunningStack, ticket_id: str) -> None:
    """Until the ticket rests in needs_approval (see conftest: it stays there)."""
    deadline = time.monotonic() + 30
    while stack.call("GET", f"/api/v1/ticket/{ticket_id}").body["state"] != "needs_approval":
        assert time.monotonic() < deadline, "the ticket never reached needs_approval"
        time.sleep(0.05)


def test_subscribe_answers_with_a_snapshot_of_active_tickets(stack: RunningStack) -> None:
    created = stack.call("POST", "/api/v1/ticket", example_ticket()).body
    with client(stack) as ws:
        assert ws.subprotocol == PROTOCOL  # the key itself is never echoed
        ws.send(json.dumps({"action": "subscribe"}))
        moving = snapshot(ws)  # the flow is at work on the ticket meanwhile
    waiting_for_approval(stack, created["ticket_id"])
    with client(stack) as ws:
        ws.send(json.dumps({"action": "subscribe"}))
        resting = snapshot(ws)
    for snap in (moving, resting):
        assert snap["seq"] >= 1
        ids = [t["ticket_id"] for t in snap["tickets"]]
        assert created["ticket_id"] in ids  # active throughout: in every snapshot
        row = snap["tickets"][ids.index(created["ticket_id"])]
        assert row["state"] in ("pending", "acquiring", "needs_approval")
        assert row["label"] == "Radiohead – OK Computer"
    assert row["state"] == "needs_approval"


def test_events_follow_with_consecutive_seq(stack: RunningStack) -> None:
    with client(stack) as ws:
        ws.send(json.dumps({"action": "subscribe"}))
        snap = snapshot(ws)
        created = stack.call("POST", "/api/v1/ticket", example_ticket()).body
        tid = created["ticket_id"]
        first = next_about(ws, tid)
        stack.call("DELETE", f"/api/v1/ticket/{tid}?reason=test")
        second = next_about(ws, tid)
    assert first["type"] == "created"
    assert second["type"] == "state_change"
    assert second["ticket"]["state"] == "cancelled"
    assert snap["seq"] < first["seq"] < second["seq"]


def test_terminal_tickets_only_with_include_terminal(stack: RunningStack) -> None:
    tid = stack.call("POST", "/api/v1/ticket", example_ticket()).body["ticket_id"]
    stack.call("DELETE", f"/api/v1/ticket/{tid}")
    with client(stack) as ws:
        ws.send(json.dumps({"action": "subscribe"}))
        active = {t["ticket_id"] for t in snapshot(ws)["tickets"]}
    with client(stack, query="?include_terminal=true") as ws:
        ws.send(json.dumps({"action": "subscribe"}))
        everything = {t["ticket_id"] for t in snapshot(ws)["tickets"]}
    assert tid not in active
    assert tid in everything


def test_a_ticket_subscription_filters_events(stack: RunningStack) -> None:
    watched = stack.call("POST", "/api/v1/ticket", example_ticket()).body["ticket_id"]
    with client(stack) as ws:
        ws.send(json.dumps({"action": "subscribe", "ticket_id": watched}))
        snap = snapshot(ws)
        other = stack.call("POST", "/api/v1/ticket", example_ticket()).body["ticket_id"]
        stack.call("DELETE", f"/api/v1/ticket/{other}")
        stack.call("DELETE", f"/api/v1/ticket/{watched}")
        event = receive(ws)
    assert [t["ticket_id"] for t in snap["tickets"]] == [watched]
    assert event["ticket_id"] == watched  # nothing about `other` came first
    assert event["seq"] == snap["seq"] + 1
    assert [t["ticket_id"] for t in snap["tickets"]] == [watched]


def test_non_admins_see_only_their_own_tickets(stack: RunningStack) -> None:
    with client(stack, key=USER_KEY) as ws:
        ws.send(json.dumps({"action": "subscribe"}))
        snap = snapshot(ws)
        theirs = stack.call("POST", "/api/v1/ticket", example_ticket()).body  # the admin's
        mine = stack.call("POST", "/api/v1/ticket", example_ticket(), key=USER_KEY).body
        event = next_about(ws, mine["ticket_id"])
        stack.call("DELETE", f"/api/v1/ticket/{theirs['ticket_id']}")
        stack.call("DELETE", f"/api/v1/ticket/{mine['ticket_id']}")
        seen = [next_about(ws, mine["ticket_id"])]
    assert all(t["requested_by"] == "music-server" for t in snap["tickets"])
    assert event["type"] == "created"
    assert all(e["ticket"]["requested_by"] == "music-server" for e in [event, *seen])


def test_a_bad_message_gets_an_error_naming_the_field(stack: RunningStack) -> None:
    with client(stack) as ws:
        ws.send(json.dumps({"action": "dance"}))
        error = receive(ws)
        ws.send("not json")
        second = receive(ws)
    assert error == {"type": "error",
                     "message": "'action' must be \"subscribe\" or \"unsubscribe\""}
    assert second["message"] == "message is not valid JSON"


@pytest.mark.parametrize("key", ["wrong-key-0123456789", None])
def test_connections_without_a_valid_key_are_refused(stack: RunningStack, key: str | None) -> None:
    protocols = [Subprotocol(p) for p in [PROTOCOL, key_subprotocol(key) if key else ""] if p]
    with pytest.raises(InvalidStatus) as refused:
        connect(ws_url(stack), subprotocols=protocols, open_timeout=10)
    assert refused.value.response.status_code == 401


def test_the_key_may_come_as_a_query_parameter(stack: RunningStack) -> None:
    with connect(f"{ws_url(stack)}/?api_key={ADMIN_KEY}", open_timeout=10) as ws:
        ws.send(json.dumps({"action": "subscribe"}))
        assert snapshot(ws)["seq"] >= 1
    assert ADMIN_KEY not in stack.log_path.read_text()  # never logged


def test_closed_connections_are_forgotten(stack: RunningStack) -> None:
    with client(stack) as ws:
        ws.send(json.dumps({"action": "subscribe"}))
        receive(ws)
    # After the close, a broadcast must still succeed for the API caller.
    answer = stack.call("POST", "/api/v1/ticket", example_ticket())
    assert answer.status == 201


def test_a_connection_hears_nothing_before_it_subscribes(stack: RunningStack) -> None:
    with client(stack) as ws:
        stack.call("POST", "/api/v1/ticket", example_ticket())
        with pytest.raises(TimeoutError):
            ws.recv(timeout=1.0)
        ws.send(json.dumps({"action": "subscribe"}))
        assert snapshot(ws)["type"] == "snapshot"
