"""OpenID Connect: a JWT bearer token signed by one of the issuer's published keys (JWKS)."""

from __future__ import annotations

import json
import threading
import time
import urllib.request
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import jwt

from chalicelib.auth.identity import ClientCert, Identity, bearer_token
from chalicelib.config import OidcSettings
from chalicelib.domain.errors import ExternalServiceError, Unauthorized


@dataclass(frozen=True)
class SigningKey:
    jwk: jwt.PyJWK
    alg: str | None  # the algorithm the JWKS binds the key to, if it says


class JwksCache:
    """The issuer's signing keys by `kid`, fetched on first use and kept `max_age` seconds.

    A token naming an unknown `kid` (the issuer rotated its keys) makes one refresh, but at most
    one per `min_refresh` seconds: made-up kids must not turn us into a load on the issuer.
    """

    def __init__(self, url: str, timeout: float, max_age: float, min_refresh: float,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self._url, self._timeout = url, timeout
        self._max_age, self._min_refresh = max_age, min_refresh
        self._clock = clock
        self._keys: dict[str, SigningKey] = {}
        self._fetched_at: float | None = None
        self._lock = threading.Lock()

    def key(self, kid: str) -> SigningKey:
        with self._lock:
            now = self._clock()
            age = None if self._fetched_at is None else now - self._fetched_at
            stale = age is None or age >= self._max_age
            if stale or (kid not in self._keys and age is not None and age >= self._min_refresh):
                self._refresh(now)
            found = self._keys.get(kid)
        if found is None:
            raise Unauthorized("the token is signed with an unknown key")
        return found

    def _refresh(self, now: float) -> None:
        try:
            with urllib.request.urlopen(self._url, timeout=self._timeout) as resp:
                document = json.loads(resp.read(1_048_576))
            keys = {}
            for data in document["keys"]:
                if data.get("use", "sig") != "sig" or not isinstance(data.get("kid"), str):
                    continue
                try:
                    alg = data.get("alg")
                    keys[data["kid"]] = SigningKey(jwt.PyJWK(data), alg if isinstance(alg, str)
                                                   else None)
                except (jwt.PyJWKError, ValueError):
                    continue  # a key we cannot use must not hide the others
        except (OSError, ValueError, KeyError, TypeError) as e:
            # Keep the keys we had: the issuer being briefly down should not log everyone out.
            if not self._keys:
                raise ExternalServiceError("oidc", f"cannot read the JWKS: {e}") from e
            self._fetched_at = now
            return
        self._keys, self._fetched_at = keys, now


class OidcAuthenticator:
    method = "oidc"

    def __init__(self, settings: OidcSettings, jwks: JwksCache | None = None) -> None:
        self._s = settings
        self._jwks = jwks or JwksCache(settings.jwks_url, settings.jwks_timeout_secs,
                                       settings.jwks_cache_secs, settings.jwks_refresh_min_secs)

    def authenticate(self, headers: Mapping[str, str], source_ip: str,
                     client_cert: ClientCert | None = None) -> Identity:
        token = bearer_token(headers)
        if not token:
            raise Unauthorized("missing token: send Authorization: Bearer <JWT>")
        claims = self._verified_claims(token)
        user_id = claims.get(self._s.user_id_claim)
        if not isinstance(user_id, str) or not user_id:
            raise Unauthorized(f"the token has no {self._s.user_id_claim} claim")
        return Identity(user_id=user_id, is_admin=self._is_admin(claims), method=self.method,
                        claims=claims)

    def _verified_claims(self, token: str) -> dict[str, Any]:
        try:
            head = jwt.get_unverified_header(token)
        except jwt.InvalidTokenError:
            raise Unauthorized("the token is not a JWT") from None
        alg, kid = head.get("alg"), head.get("kid")
        # Only the configured public-key algorithms: never "none", never an HMAC keyed with
        # a public key (the classic algorithm-confusion forgery).
        if alg not in self._s.algorithms:
            raise Unauthorized(f"the token's algorithm {alg!r} is not accepted")
        if not isinstance(kid, str):
            raise Unauthorized("the token names no signing key (kid)")
        key = self._jwks.key(kid)
        if key.alg is not None and key.alg != alg:
            raise Unauthorized("the token's algorithm does not match its key")
        try:
            claims: dict[str, Any] = jwt.decode(
                token, key.jwk.key, algorithms=[alg], audience=self._s.audience,
                issuer=self._s.issuer, leeway=self._s.leeway_secs,
                options={"require": ["exp", "iss", "aud"]})
        except jwt.InvalidTokenError as e:
            # PyJWT's messages name the failed check, never the token.
            raise Unauthorized(f"invalid token: {e}") from None
        return claims

    def _is_admin(self, claims: Mapping[str, Any]) -> bool:
        if not self._s.admin_claim:
            return False
        value = claims.get(self._s.admin_claim)
        if isinstance(value, list):
            return self._s.admin_value in value
        return value == self._s.admin_value
