"""Authentication and authorisation over HTTP."""

from __future__ import annotations

from tests.support.local_stack import ADMIN_KEY, USER_KEY, RunningStack


def test_missing_or_wrong_key_is_401(stack: RunningStack) -> None:
    for key in (None, "wrong-key-wrong-key-wrong"):
        answer = stack.call("GET", "/api/v1/tickets", key=key)
        assert answer.status == 401
        assert answer.body["error"] == "Unauthorized"


def test_bearer_token_works_like_x_api_key(stack: RunningStack) -> None:
    answer = stack.call("GET", "/api/v1/whoami", key=None,
                        headers={"Authorization": f"Bearer {USER_KEY}"})
    assert answer.status == 200
    assert answer.body == {"user_id": "music-server", "is_admin": False, "method": "api_key",
                           "claims": {}}


def test_admin_only_routes_are_403_for_others(stack: RunningStack) -> None:
    assert stack.call("GET", "/api/v1/config", key=USER_KEY).status == 403
    assert stack.call("GET", "/api/v1/audit/export", key=USER_KEY).status == 403
    assert stack.call("GET", "/api/v1/audit", key=USER_KEY).status == 403


def test_config_is_redacted(stack: RunningStack) -> None:
    answer = stack.call("GET", "/api/v1/config")
    assert answer.status == 200
    assert ADMIN_KEY not in answer.text and USER_KEY not in answer.text
    assert answer.body["auth"]["keys"][0]["key"] == "***"
    assert answer.body["server"]["host"] == "127.0.0.1"
