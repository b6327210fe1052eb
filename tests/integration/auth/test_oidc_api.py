"""method = "oidc" through the real stack, against a JWKS the test serves over HTTP."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
from collections.abc import Iterator
from typing import Any

import pytest
from cryptography.hazmat.primitives import serialization
from websockets.exceptions import InvalidStatus
from websockets.sync.client import connect
from websockets.typing import Subprotocol

from chalicelib.realtime.credentials import PROTOCOL, key_subprotocol
from tests.integration.api.conftest import example_ticket
from tests.integration.auth.conftest import audit_failures, running
from tests.support.auth_material import AUDIENCE, ISSUER, JwksServer, public_jwk, rsa_key, token
from tests.support.local_stack import RunningStack

KEY, ROTATED, STRANGER = rsa_key(), rsa_key(), rsa_key()


@pytest.fixture(scope="module")
def jwks() -> Iterator[JwksServer]:
    server = JwksServer()
    server.keys = [public_jwk(KEY, "k1")]
    yield server
    server.stop()


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory, jwks: JwksServer) -> Iterator[RunningStack]:
    auth = f"""
[auth]
method = "oidc"
failures_before_slowdown = 1000
[auth.oidc]
issuer = "{ISSUER}"
audience = "{AUDIENCE}"
jwks_url = "{jwks.url}"
user_id_claim = "sub"
admin_claim = "groups"
admin_value = "media-admins"
leeway_secs = 5
jwks_refresh_min_secs = 0.0
"""
    with running(tmp_path_factory.mktemp("oidc"), auth) as stack:
        yield stack


def bearer(value: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {value}"}


def as_(stack: RunningStack, jwt_: str, method: str = "GET", path: str = "/api/v1/whoami",
        body: Any = None) -> Any:
    return stack.call(method, path, body, key=None, headers=bearer(jwt_))


def _b64(data: dict[str, Any]) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).decode().rstrip("=")


def _claims(**changes: Any) -> dict[str, Any]:
    now = int(time.time())
    return {"iss": ISSUER, "aud": AUDIENCE, "sub": "mallory", "iat": now, "exp": now + 600,
            **changes}


def alg_none() -> str:
    return f"{_b64({'alg': 'none', 'kid': 'k1'})}.{_b64(_claims(groups=['media-admins']))}."


def hs256_with_public_key() -> str:
    public = KEY.public_key().public_bytes(serialization.Encoding.PEM,
                                           serialization.PublicFormat.SubjectPublicKeyInfo)
    signing = f"{_b64({'alg': 'HS256', 'kid': 'k1', 'typ': 'JWT'})}.{_b64(_claims())}"
    mac = hmac.new(public, signing.encode(), hashlib.sha256).digest()
    return signing + "." + base64.urlsafe_b64encode(mac).decode().rstrip("=")


def tampered() -> str:
    head, _, sig = token(KEY, "k1", sub="mallory").split(".")
    return f"{head}.{_b64(_claims(sub='alice', groups=['media-admins']))}.{sig}"


def test_a_valid_token_passes_with_its_claims(stack: RunningStack) -> None:
    me = as_(stack, token(KEY, "k1", sub="alice", email="alice@home.test"))
    assert me.status == 200
    assert (me.body["user_id"], me.body["is_admin"], me.body["method"]) == ("alice", False,
                                                                             "oidc")
    assert me.body["claims"]["email"] == "alice@home.test"
    admin = as_(stack, token(KEY, "k1", sub="root", groups=["media-admins"])).body
    assert admin["is_admin"] is True


@pytest.mark.parametrize("forge", [
    pytest.param(lambda: token(KEY, "k1", exp=int(time.time()) - 60), id="expired"),
    pytest.param(lambda: token(KEY, "k1", aud="another-app"), id="wrong audience"),
    pytest.param(lambda: token(KEY, "k1", iss="https://evil.test"), id="wrong issuer"),
    pytest.param(lambda: token(STRANGER, "k1"), id="another key under a known kid"),
    pytest.param(tampered, id="tampered claims"),
    pytest.param(alg_none, id="alg none"),
    pytest.param(hs256_with_public_key, id="HS256 signed with the public key"),
])
def test_bad_tokens_get_401(stack: RunningStack, forge: Any) -> None:
    answer = as_(stack, forge())
    assert answer.status == 401 and answer.body["error"] == "Unauthorized"
    assert answer.headers["WWW-Authenticate"] == "Bearer"


def test_an_unknown_kid_refreshes_the_keys_once_then_fails(stack: RunningStack,
                                                           jwks: JwksServer) -> None:
    assert as_(stack, token(KEY, "k1")).status == 200
    before = jwks.fetches
    assert as_(stack, token(ROTATED, "k2")).status == 401
    assert jwks.fetches == before + 1
    jwks.keys = [public_jwk(KEY, "k1"), public_jwk(ROTATED, "k2")]  # the issuer rotates
    assert as_(stack, token(ROTATED, "k2", sub="bob")).body["user_id"] == "bob"
    assert jwks.fetches == before + 2


def test_the_token_subject_owns_tickets_and_others_get_404(stack: RunningStack) -> None:
    alice, bob = token(KEY, "k1", sub="alice"), token(KEY, "k1", sub="bob")
    created = as_(stack, alice, "POST", "/api/v1/ticket", example_ticket())
    assert created.status == 201 and created.body["requested_by"] == "alice"
    tid = created.body["ticket_id"]
    assert as_(stack, bob, "GET", f"/api/v1/ticket/{tid}").status == 404
    admin = token(KEY, "k1", sub="root", groups=["media-admins"])
    assert as_(stack, admin, "GET", f"/api/v1/ticket/{tid}").status == 200


def test_failures_are_audited_without_the_token(stack: RunningStack) -> None:
    bad = token(KEY, "k1", aud="another-app")
    as_(stack, bad)
    admin = token(KEY, "k1", sub="root", groups=["media-admins"])
    events = audit_failures(stack, headers=bearer(admin))
    assert any(e["data"]["reason"] == "invalid token: Audience doesn't match" for e in events)
    assert all(e["data"]["method"] == "oidc" and e["data"]["source_ip"] == "127.0.0.1"
               for e in events)
    assert bad not in json.dumps(events) and bad.split(".")[2] not in json.dumps(events)


def test_the_websocket_takes_the_token_like_a_key(stack: RunningStack) -> None:
    url = as_(stack, token(KEY, "k1"), path="/api/v1/realtime").body["url"]
    good = [Subprotocol(PROTOCOL), Subprotocol(key_subprotocol(token(KEY, "k1", sub="carol")))]
    with connect(url, subprotocols=good, open_timeout=10) as ws:
        ws.send(json.dumps({"action": "subscribe"}))
        assert json.loads(ws.recv(timeout=10))["type"] == "snapshot"
    expired = token(KEY, "k1", exp=int(time.time()) - 60)
    with pytest.raises(InvalidStatus) as refused:
        connect(url, subprotocols=[Subprotocol(PROTOCOL), Subprotocol(key_subprotocol(expired))],
                open_timeout=10)
    assert refused.value.response.status_code == 401
