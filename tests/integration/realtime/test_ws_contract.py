"""The design's WebSocket contract, with a real websockets client against the local stack:
`/api/v1/ws?include_terminal=false`, a snapshot on connect, subscribe by ticket and by
filter answered by `subscribed`, unsubscribe, and filters honoured."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any
from urllib.parse import urlsplit

from websockets.sync.client import ClientConnection, connect
from websockets.typing import Subprotocol

from chalicelib.realtime.credentials import PROTOCOL, key_subprotocol
from tests.integration.api.conftest import example_ticket
from tests.support.local_stack import ADMIN_KEY, USER_KEY, RunningStack


@contextmanager
def design_client(stack: RunningStack, key: str = ADMIN_KEY) -> Iterator[ClientConnection]:
    url = stack.call("GET", "/api/v1/realtime").body["url"]
    assert urlsplit(url).path == "/api/v1/ws"
    offered = [Subprotocol(PROTOCOL), Subprotocol(key_subprotocol(key))]
    with connect(url + "?include_terminal=false", subprotocols=offered,
                 open_timeout=10) as ws:
        yield ws


def receive(ws: ClientConnection, timeout: float = 10) -> dict[str, Any]:
    message: dict[str, Any] = json.loads(ws.recv(timeout=timeout))
    return message


def until(ws: ClientConnection, kind: str) -> dict[str, Any]:
    while True:
        message = receive(ws)
        if message["type"] == kind:
            return message


def test_snapshot_comes_on_connect_without_terminal_tickets(stack: RunningStack) -> None:
    ended = stack.call("POST", "/api/v1/ticket", example_ticket()).body["ticket_id"]
    stack.call("DELETE", f"/api/v1/ticket/{ended}")
    with design_client(stack) as ws:
        first = receive(ws)  # nothing sent by the client
    assert first["type"] == "snapshot" and first["seq"] == 1
    assert ended not in {t["ticket_id"] for t in first["tickets"]}


def test_subscribe_by_ticket_is_acknowledged_and_filters_events(stack: RunningStack) -> None:
    watched = stack.call("POST", "/api/v1/ticket", example_ticket()).body["ticket_id"]
    with design_client(stack) as ws:
        until(ws, "snapshot")
        ws.send(json.dumps({"action": "subscribe", "ticket_id": watched}))
        ack = until(ws, "subscribed")
        assert ack["ticket_id"] == watched
        assert ack["subscription"]["ticket_ids"] == [watched]
        snap = until(ws, "snapshot")
        assert [t["ticket_id"] for t in snap["tickets"]] in ([watched], [])  # [] once ended
        other = stack.call("POST", "/api/v1/ticket", example_ticket()).body["ticket_id"]
        stack.call("DELETE", f"/api/v1/ticket/{other}")
        stack.call("DELETE", f"/api/v1/ticket/{watched}")
        event = receive(ws)
        while event.get("ticket_id") == watched and event["data"].get("to_state") != "cancelled":
            event = receive(ws)
        assert event["ticket_id"] == watched, "an event about another ticket got through"


def test_subscribe_by_requester_filter_is_acknowledged_and_honoured(
        stack: RunningStack) -> None:
    with design_client(stack) as ws:
        until(ws, "snapshot")
        ws.send(json.dumps({"action": "subscribe", "filter": {"requested_by": "music-server"}}))
        ack = until(ws, "subscribed")
        assert ack["filter"] == {"requested_by": "music-server"}
        snap = until(ws, "snapshot")
        assert all(t["requested_by"] == "music-server" for t in snap["tickets"])
        stack.call("POST", "/api/v1/ticket", example_ticket())  # by admin: filtered out
        mine = stack.call("POST", "/api/v1/ticket", example_ticket(), key=USER_KEY).body
        event = receive(ws)
        assert event["ticket_id"] == mine["ticket_id"], event
        assert event["ticket"]["requested_by"] == "music-server"


def test_unsubscribe_is_acknowledged_and_stops_the_ticket_events(stack: RunningStack) -> None:
    tid = stack.call("POST", "/api/v1/ticket", example_ticket()).body["ticket_id"]
    with design_client(stack) as ws:
        until(ws, "snapshot")
        ws.send(json.dumps({"action": "subscribe", "ticket_id": tid}))
        until(ws, "subscribed")
        until(ws, "snapshot")
        ws.send(json.dumps({"action": "unsubscribe", "ticket_id": tid}))
        ack = until(ws, "unsubscribed")
        assert ack["ticket_id"] == tid and ack["subscription"]["ticket_ids"] == []
        ws.send(json.dumps({"action": "unsubscribe"}))  # documented extension: mute
        muted = until(ws, "unsubscribed")
        assert muted["subscription"]["muted"] is True
        stack.call("DELETE", f"/api/v1/ticket/{tid}")
        try:
            late = receive(ws, timeout=1.5)
        except TimeoutError:
            late = None
        assert late is None, late
