"""OidcAuthenticator against a JWKS served over real HTTP by the test."""

from __future__ import annotations

import base64
import json
import time
from collections.abc import Iterator
from typing import Any

import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from pydantic import ValidationError as PydanticError

from chalicelib.auth.oidc import JwksCache, OidcAuthenticator
from chalicelib.config import OidcSettings
from chalicelib.domain.errors import ExternalServiceError, Unauthorized
from tests.support.auth_material import (
    AUDIENCE,
    ISSUER,
    JwksServer,
    public_jwk,
    rsa_key,
    token,
)

KEY, OTHER = rsa_key(), rsa_key()


@pytest.fixture
def jwks() -> Iterator[JwksServer]:
    server = JwksServer()
    server.keys = [public_jwk(KEY, "k1")]
    yield server
    server.stop()


def settings(server: JwksServer, **changes: Any) -> OidcSettings:
    values: dict[str, Any] = {"issuer": ISSUER, "audience": AUDIENCE, "jwks_url": server.url,
                              "leeway_secs": 5, "admin_claim": "groups",
                              "jwks_refresh_min_secs": 0.0, **changes}
    return OidcSettings(**values)


def bearer(value: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {value}"}


def _b64(data: dict[str, Any]) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).decode().rstrip("=")


def test_a_signed_token_names_the_user_and_carries_its_claims(jwks: JwksServer) -> None:
    auth = OidcAuthenticator(settings(jwks))
    who = auth.authenticate(bearer(token(KEY, "k1", email="a@x.test")), "10.0.0.1")
    assert (who.user_id, who.is_admin, who.method) == ("alice", False, "oidc")
    assert who.claims["email"] == "a@x.test"
    admin = auth.authenticate(bearer(token(KEY, "k1", sub="root", groups=["users", "admin"])),
                              "10.0.0.1")
    assert admin.is_admin
    by_email = OidcAuthenticator(settings(jwks, user_id_claim="email"))
    assert by_email.authenticate(bearer(token(KEY, "k1", email="a@x.test")), "").user_id \
        == "a@x.test"
    assert jwks.fetches == 2  # one per authenticator: the keys are cached


def _forged(kind: str) -> str:
    now = int(time.time())
    claims = {"iss": ISSUER, "aud": AUDIENCE, "sub": "mallory", "iat": now, "exp": now + 600}
    good = token(KEY, "k1", sub="mallory")
    head, body, sig = good.split(".")
    public_pem = KEY.public_key().public_bytes(serialization.Encoding.PEM,
                                               serialization.PublicFormat.SubjectPublicKeyInfo)
    if kind == "alg none":
        return f"{_b64({'alg': 'none', 'kid': 'k1', 'typ': 'JWT'})}.{_b64(claims)}."
    if kind == "hs256 with the public key":
        import hashlib
        import hmac
        signing = f"{_b64({'alg': 'HS256', 'kid': 'k1', 'typ': 'JWT'})}.{_b64(claims)}"
        mac = hmac.new(public_pem, signing.encode(), hashlib.sha256).digest()
        return signing + "." + base64.urlsafe_b64encode(mac).decode().rstrip("=")
    if kind == "tampered claims":
        return f"{head}.{_b64({**claims, 'sub': 'admin'})}.{sig}"
    if kind == "tampered signature":
        return f"{head}.{body}.{sig[:-4]}AAAA"
    if kind == "signed by another key":
        return token(OTHER, "k1")
    if kind == "keys from the token's own jku":
        return jwt.encode(claims, OTHER, "RS256", headers={
            "kid": "k1", "jku": "http://127.0.0.1:9/attacker-jwks.json",
            "jwk": json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(OTHER.public_key()))})
    raise AssertionError(kind)


@pytest.mark.parametrize("credential", [
    pytest.param(lambda: token(KEY, "k1", exp=int(time.time()) - 60), id="expired"),
    pytest.param(lambda: token(KEY, "k1", nbf=int(time.time()) + 600), id="not yet valid"),
    pytest.param(lambda: token(KEY, "k1", iat=int(time.time()) + 600), id="issued in future"),
    pytest.param(lambda: token(KEY, "k1", aud="someone-else"), id="wrong audience"),
    pytest.param(lambda: token(KEY, "k1", iss="https://evil.test"), id="wrong issuer"),
    pytest.param(lambda: token(KEY, "k1", exp=None), id="no expiry"),
    pytest.param(lambda: token(KEY, "k1", sub=None), id="no user claim"),
    pytest.param(lambda: token(KEY, "k9"), id="unknown kid"),
    pytest.param(lambda: _forged("alg none"), id="alg none"),
    pytest.param(lambda: _forged("hs256 with the public key"), id="HS256 with the public key"),
    pytest.param(lambda: _forged("tampered claims"), id="tampered claims"),
    pytest.param(lambda: _forged("tampered signature"), id="tampered signature"),
    pytest.param(lambda: _forged("signed by another key"), id="another key, same kid"),
    pytest.param(lambda: _forged("keys from the token's own jku"), id="embedded jwk and jku"),
    pytest.param(lambda: token(KEY, "../../k1"), id="kid path traversal"),
    pytest.param(lambda: "not.a.jwt", id="garbage"),
])
def test_bad_tokens_are_refused(jwks: JwksServer, credential: Any) -> None:
    auth = OidcAuthenticator(settings(jwks))
    with pytest.raises(Unauthorized):
        auth.authenticate(bearer(credential()), "10.0.0.1")


def test_no_token_is_refused(jwks: JwksServer) -> None:
    with pytest.raises(Unauthorized, match="missing token"):
        OidcAuthenticator(settings(jwks)).authenticate({"X-API-Key": "x" * 20}, "")


def test_the_leeway_admits_a_token_just_expired(jwks: JwksServer) -> None:
    auth = OidcAuthenticator(settings(jwks, leeway_secs=120))
    assert auth.authenticate(bearer(token(KEY, "k1", exp=int(time.time()) - 60)), "").user_id \
        == "alice"


def test_an_unknown_kid_refetches_once_then_fails_and_a_rotated_key_is_found(
        jwks: JwksServer) -> None:
    auth = OidcAuthenticator(settings(jwks))
    auth.authenticate(bearer(token(KEY, "k1")), "")
    assert jwks.fetches == 1
    with pytest.raises(Unauthorized, match="unknown key"):
        auth.authenticate(bearer(token(OTHER, "k2")), "")
    assert jwks.fetches == 2  # refreshed once, not retried in a loop
    jwks.keys.append(public_jwk(OTHER, "k2"))  # the issuer rotates
    assert auth.authenticate(bearer(token(OTHER, "k2", sub="bob")), "").user_id == "bob"
    assert jwks.fetches == 3


def test_refreshes_for_unknown_kids_are_rate_limited(jwks: JwksServer) -> None:
    now = [1000.0]
    cache = JwksCache(jwks.url, 5, max_age=3600, min_refresh=10, clock=lambda: now[0])
    auth = OidcAuthenticator(settings(jwks), cache)
    auth.authenticate(bearer(token(KEY, "k1")), "")
    for kid in ("x1", "x2", "x3"):
        with pytest.raises(Unauthorized):
            auth.authenticate(bearer(token(KEY, kid)), "")
    assert jwks.fetches == 1  # within min_refresh of the last fetch: no new fetch
    now[0] += 11
    with pytest.raises(Unauthorized):
        auth.authenticate(bearer(token(KEY, "x4")), "")
    assert jwks.fetches == 2
    now[0] += 3600  # the cache expires: keys are refetched even for a known kid
    auth.authenticate(bearer(token(KEY, "k1")), "")
    assert jwks.fetches == 3


def test_an_unreachable_jwks_is_a_service_error_but_cached_keys_survive(
        jwks: JwksServer) -> None:
    now = [0.0]
    cache = JwksCache(jwks.url, 2, max_age=60, min_refresh=0, clock=lambda: now[0])
    auth = OidcAuthenticator(settings(jwks), cache)
    auth.authenticate(bearer(token(KEY, "k1")), "")
    jwks.stop()
    now[0] = 120  # expired: the refetch fails, the old keys are kept
    assert auth.authenticate(bearer(token(KEY, "k1")), "").user_id == "alice"
    fresh = OidcAuthenticator(settings(jwks), JwksCache(jwks.url, 2, 60, 0))
    with pytest.raises(ExternalServiceError):
        fresh.authenticate(bearer(token(KEY, "k1")), "")


def test_only_public_key_algorithms_can_be_configured() -> None:
    with pytest.raises(PydanticError, match="algorithms"):
        OidcSettings(issuer=ISSUER, audience=AUDIENCE, jwks_url="http://x/",
                     algorithms=("HS256",))  # type: ignore[arg-type]
    with pytest.raises(PydanticError, match="algorithms"):
        OidcSettings(issuer=ISSUER, audience=AUDIENCE, jwks_url="http://x/",
                     algorithms=("none",))  # type: ignore[arg-type]


def test_a_key_bound_to_another_algorithm_is_refused(jwks: JwksServer) -> None:
    jwks.keys = [{**public_jwk(KEY, "k1"), "alg": "RS512"}]
    auth = OidcAuthenticator(settings(jwks, algorithms=("RS256", "RS512")))
    with pytest.raises(Unauthorized, match="does not match"):
        auth.authenticate(bearer(jwt.encode({"sub": "a"}, KEY, "RS256",
                                            headers={"kid": "k1"})), "")
