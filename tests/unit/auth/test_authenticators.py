from __future__ import annotations

import pytest

from chalicelib.auth import build_authenticator
from chalicelib.auth.api_key import ApiKeyAuthenticator
from chalicelib.config import ApiKey, AuthConfig
from chalicelib.domain.errors import Unauthorized

KEYS = (ApiKey("a" * 20, "alice", True), ApiKey("b" * 20, "bob", False))


def test_api_key_from_either_header() -> None:
    auth = ApiKeyAuthenticator(KEYS)
    assert auth.authenticate({"X-API-Key": "a" * 20}, "127.0.0.1").user_id == "alice"
    bob = auth.authenticate({"authorization": "Bearer " + "b" * 20}, "127.0.0.1")
    assert (bob.user_id, bob.is_admin, bob.method) == ("bob", False, "api_key")


@pytest.mark.parametrize("headers", [{}, {"X-API-Key": "c" * 20}, {"Authorization": "Basic x"},
                                     {"X-API-Key": "a" * 19}])
def test_api_key_refusals(headers: dict[str, str]) -> None:
    with pytest.raises(Unauthorized):
        ApiKeyAuthenticator(KEYS).authenticate(headers, "127.0.0.1")


def test_none_method_is_anonymous_admin() -> None:
    who = build_authenticator(AuthConfig(method="none")).authenticate({}, "10.0.0.1")
    assert (who.user_id, who.is_admin) == ("anonymous", True)
