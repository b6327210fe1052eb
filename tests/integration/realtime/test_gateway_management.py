"""The local gateway's Management API through boto3's real `apigatewaymanagementapi` client."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from websockets.exceptions import InvalidStatus
from websockets.sync.client import connect

from chalicelib.adapters.aws.connections import ManagementApiPoster
from chalicelib.ports import ConnectionGone
from local.ws_gateway import WsGateway


class Recorder:
    """Handlers in the shape Chalice's wrappers have: (event, context) -> response dict."""

    def __init__(self) -> None:
        self.events: list[dict[str, Any]] = []
        self.disconnected = threading.Event()

    def connect(self, event: dict[str, Any], context: Any) -> dict[str, Any]:
        self.events.append(event)
        query = event.get("queryStringParameters") or {}
        return {"statusCode": 200} if query.get("let") == "in" else {"statusCode": 403,
                                                                      "body": "go away"}

    def message(self, event: dict[str, Any], context: Any) -> dict[str, Any]:
        self.events.append(event)
        return {"statusCode": 200}

    def disconnect(self, event: dict[str, Any], context: Any) -> dict[str, Any]:
        self.events.append(event)
        self.disconnected.set()
        return {"statusCode": 200}


@pytest.fixture
def gateway() -> Iterator[tuple[WsGateway, Recorder]]:
    rec = Recorder()
    gw = WsGateway({"$connect": rec.connect, "$default": rec.message,
                    "$disconnect": rec.disconnect})
    gw.start()
    try:
        yield gw, rec
    finally:
        gw.stop()


def poster(gw: WsGateway) -> ManagementApiPoster:
    return ManagementApiPoster(boto3.client(
        "apigatewaymanagementapi", endpoint_url=gw.management_url, region_name="us-east-1",
        aws_access_key_id="testing", aws_secret_access_key="testing"))


def test_post_to_connection_reaches_the_client(gateway: tuple[WsGateway, Recorder]) -> None:
    gw, rec = gateway
    with connect(gw.url + "/?let=in", open_timeout=5) as ws:
        ws.send(json.dumps({"action": "subscribe"}))
        connection_id = rec.events[0]["requestContext"]["connectionId"]
        poster(gw).post(connection_id, '{"type":"hello"}')
        assert json.loads(ws.recv(timeout=5)) == {"type": "hello"}
    assert rec.disconnected.wait(5)
    kinds = [e["requestContext"]["routeKey"] for e in rec.events]
    assert kinds == ["$connect", "$default", "$disconnect"]
    assert rec.events[1]["body"] == '{"action": "subscribe"}'


def test_posting_to_a_gone_connection_raises_gone(gateway: tuple[WsGateway, Recorder]) -> None:
    gw, _ = gateway
    with pytest.raises(ConnectionGone):
        poster(gw).post("no-such-connection", "{}")


def test_a_refused_connect_never_opens(gateway: tuple[WsGateway, Recorder]) -> None:
    gw, rec = gateway
    with pytest.raises(InvalidStatus) as refused:
        connect(gw.url + "/?let=out", open_timeout=5)
    assert refused.value.response.status_code == 403
    assert not rec.disconnected.is_set()
