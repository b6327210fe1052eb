"""method = "address" through the real stack, from several loopback addresses; also the role
rules (user vs admin), requested_by/actor, the audit of failures and the slow-down."""

from __future__ import annotations

import json
import socket
from collections.abc import Iterator
from urllib.parse import urlsplit

import pytest
from websockets.exceptions import InvalidStatus
from websockets.sync.client import connect
from websockets.typing import Subprotocol

from chalicelib.realtime.credentials import PROTOCOL
from tests.integration.api.conftest import example_ticket
from tests.integration.auth.conftest import audit_failures, call_from, running
from tests.support.local_stack import RunningStack

AUTH = """
[auth]
method = "address"
trusted_proxies = ["127.0.0.4"]
failures_before_slowdown = 3
slowdown_secs = 60
[auth.address]
rules = [ { ip = "127.0.0.1", user_id = "local-admin", admin = true },
          { ip = "127.0.0.2/32", user_id = "second" },
          { ip = "::1", user_id = "v6-local" } ]
"""


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningStack]:
    with running(tmp_path_factory.mktemp("address"), AUTH) as stack:
        yield stack


def test_the_real_peer_address_decides(stack: RunningStack) -> None:
    admin = call_from(stack, "127.0.0.1", "GET", "/api/v1/whoami").body
    assert (admin["user_id"], admin["is_admin"], admin["method"]) == ("local-admin", True,
                                                                       "address")
    second = call_from(stack, "127.0.0.2", "GET", "/api/v1/whoami").body
    assert (second["user_id"], second["is_admin"]) == ("second", False)
    assert second["claims"] == {"rule": "127.0.0.2/32", "source_ip": "127.0.0.2"}
    refused = call_from(stack, "127.0.0.3", "GET", "/api/v1/whoami")
    assert refused.status == 401 and "127.0.0.3" in refused.body["message"]


def test_forwarded_headers_count_only_from_a_trusted_proxy(stack: RunningStack) -> None:
    spoof = {"X-Forwarded-For": "127.0.0.1"}
    assert call_from(stack, "127.0.0.2", "GET", "/api/v1/whoami", headers=spoof
                     ).body["user_id"] == "second"  # not the admin it claims to be
    via_proxy = call_from(stack, "127.0.0.4", "GET", "/api/v1/whoami",
                          headers={"X-Forwarded-For": "127.0.0.1, 127.0.0.2"}).body
    assert via_proxy["user_id"] == "second"  # the hop the proxy saw, not what the client wrote
    assert call_from(stack, "127.0.0.4", "GET", "/api/v1/whoami").status == 401  # proxy itself


def test_users_own_their_tickets_and_others_are_404(stack: RunningStack) -> None:
    mine = call_from(stack, "127.0.0.2", "POST", "/api/v1/ticket", example_ticket())
    assert mine.status == 201 and mine.body["requested_by"] == "second"
    theirs = call_from(stack, "127.0.0.1", "POST", "/api/v1/ticket", example_ticket()).body
    assert theirs["requested_by"] == "local-admin"
    hidden = call_from(stack, "127.0.0.2", "GET", f"/api/v1/ticket/{theirs['ticket_id']}")
    assert hidden.status == 404
    assert call_from(stack, "127.0.0.2", "DELETE",
                     f"/api/v1/ticket/{theirs['ticket_id']}").status == 404
    listed = call_from(stack, "127.0.0.2", "GET", "/api/v1/tickets").body["tickets"]
    assert {t["requested_by"] for t in listed} == {"second"}
    everyone = call_from(stack, "127.0.0.1", "GET", "/api/v1/tickets?limit=100").body["tickets"]
    assert {"second", "local-admin"} <= {t["requested_by"] for t in everyone}
    assert call_from(stack, "127.0.0.2", "GET", "/api/v1/config").status == 403
    own = mine.body["ticket_id"]
    for action, body in (("retry", {}), ("force-search", {"query": "x"}),
                         ("force-magnet", {"magnet_uri": "magnet:?xt=urn:btih:" + "a" * 40})):
        steer = call_from(stack, "127.0.0.2", "POST", f"/api/v1/ticket/{own}/{action}", body)
        assert steer.status == 403, action  # admin actions, even on one's own ticket
    cancelled = call_from(stack, "127.0.0.2", "DELETE", f"/api/v1/ticket/{mine.body['ticket_id']}")
    assert cancelled.status == 200
    trail = call_from(stack, "127.0.0.2", "GET",
                      f"/api/v1/audit?ticket_id={mine.body['ticket_id']}").body["events"]
    actors = {e["event_type"]: e["actor"] for e in trail}
    assert actors["TicketCreated"] == "second" and actors["TicketCancelled"] == "second"


def test_failures_are_audited_then_the_address_is_slowed_down(stack: RunningStack) -> None:
    for _ in range(3):
        assert call_from(stack, "127.0.0.6", "GET", "/api/v1/tickets").status == 401
    slowed = call_from(stack, "127.0.0.6", "GET", "/api/v1/tickets")
    assert slowed.status == 429 and 50 <= int(slowed.headers["Retry-After"]) <= 60
    assert call_from(stack, "127.0.0.2", "GET", "/api/v1/tickets").status == 200  # others fine
    failures = [e for e in audit_failures(stack) if e["data"]["source_ip"] == "127.0.0.6"]
    assert len(failures) >= 3
    assert failures[0]["actor"] == "unauthenticated"
    assert failures[0]["data"]["method"] == "address"
    assert failures[0]["data"]["reason"] == "no rule admits address 127.0.0.6"


def _ws_from(stack: RunningStack, source_ip: str) -> tuple[str, str]:
    url = stack.call("GET", "/api/v1/realtime", key=None).body["url"]
    where = urlsplit(url)
    assert where.hostname is not None and where.port is not None
    sock = socket.create_connection((where.hostname, where.port), source_address=(source_ip, 0))
    with connect(url, sock=sock, subprotocols=[Subprotocol(PROTOCOL)], open_timeout=10) as ws:
        ws.send(json.dumps({"action": "subscribe", "include_terminal": True}))
        while True:
            message = json.loads(ws.recv(timeout=10))
            if message["type"] == "snapshot":
                owners = {t["requested_by"] for t in message["tickets"]}
                return ",".join(sorted(owners)), str(ws.subprotocol)


def test_the_websocket_authenticates_the_same_way(stack: RunningStack) -> None:
    call_from(stack, "127.0.0.2", "POST", "/api/v1/ticket", example_ticket())
    owners, protocol = _ws_from(stack, "127.0.0.2")
    assert owners == "second" and protocol == PROTOCOL
    with pytest.raises(InvalidStatus) as refused:
        _ws_from(stack, "127.0.0.5")
    assert refused.value.response.status_code == 401
