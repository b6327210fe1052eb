"""API keys from `X-API-Key` or `Authorization: Bearer`, compared in constant time."""

from __future__ import annotations

import hmac
from collections.abc import Mapping, Sequence

from chalicelib.auth.identity import ClientCert, Identity, bearer_token, header
from chalicelib.config import ApiKey
from chalicelib.domain.errors import Unauthorized


def presented_key(headers: Mapping[str, str]) -> str | None:
    """The key a request carries, from X-API-Key or a Bearer token."""
    key = header(headers, "x-api-key")
    if key:
        return key.strip()
    return bearer_token(headers)


class ApiKeyAuthenticator:
    method = "api_key"

    def __init__(self, keys: Sequence[ApiKey]) -> None:
        self._keys = [(k.key.encode(), k) for k in keys]

    def authenticate(self, headers: Mapping[str, str], source_ip: str,
                     client_cert: ClientCert | None = None) -> Identity:
        given = presented_key(headers)
        if not given:
            raise Unauthorized("missing API key: send X-API-Key or Authorization: Bearer")
        given_b = given.encode()
        match: ApiKey | None = None
        # Compare against every key so the time taken does not reveal which one matched.
        for raw, key in self._keys:
            if hmac.compare_digest(raw, given_b):
                match = key
        if match is None:
            raise Unauthorized("invalid API key")
        return Identity(user_id=match.user_id, is_admin=match.admin, method=self.method)
