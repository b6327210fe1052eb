"""What each adapter puts on the wire, as its provider's server receives it."""

from __future__ import annotations

from chalicelib.adapters.llm import build_llm_client
from tests.integration.adapters.llm.conftest import TEST_KEY, config_for
from tests.support.llm_servers import FakeLlmServer, Wire

SCHEMA = {"type": "object", "required": ["pick"], "properties": {"pick": {"type": "integer"}}}


def _call(server: FakeLlmServer) -> dict[str, object]:
    server.script.answers = [{"pick": 2}]
    build_llm_client(config_for(server)).complete_json(
        "You pick torrents.", "Which one?", SCHEMA, max_tokens=77
    )
    (request,) = server.requests
    assert request.method == "POST"
    assert request.headers["content-type"].startswith("application/json")
    assert isinstance(request.body, dict)
    return request.body


def test_anthropic_messages_request() -> None:
    with FakeLlmServer(Wire.ANTHROPIC, api_key=TEST_KEY) as server:
        body = _call(server)
        headers = server.requests[0].headers
    assert server.requests[0].path == "/v1/messages"
    assert headers.get("x-api-key") == TEST_KEY or headers["authorization"] == f"Bearer {TEST_KEY}"
    assert headers["anthropic-version"]
    assert body["model"] == "test-model-1"
    assert body["max_tokens"] == 77
    assert body["messages"] == [{"role": "user", "content": "Which one?"}]
    system = body["system"]
    assert isinstance(system, str)
    assert system.startswith("You pick torrents.") and '"required": ["pick"]' in system
    # The SDK's own retries are off: ours decide (and never retry a 401).
    assert headers["x-stainless-retry-count"] == "0"


def test_openai_chat_completions_request() -> None:
    with FakeLlmServer(Wire.OPENAI, api_key=TEST_KEY) as server:
        body = _call(server)
        request = server.requests[0]
    assert request.path == "/v1/chat/completions"
    assert request.headers["authorization"] == f"Bearer {TEST_KEY}"
    assert body["model"] == "test-model-1"
    assert body["max_tokens"] == 77
    assert body["response_format"] == {"type": "json_object"}
    messages = body["messages"]
    assert isinstance(messages, list)
    assert [m["role"] for m in messages] == ["system", "user"]
    assert messages[0]["content"].startswith("You pick torrents.")
    assert '"required": ["pick"]' in messages[0]["content"]
    assert messages[1]["content"] == "Which one?"


def test_ollama_chat_request() -> None:
    with FakeLlmServer(Wire.OLLAMA, api_key=TEST_KEY) as server:
        body = _call(server)
        request = server.requests[0]
    assert request.path == "/api/chat"
    assert body["model"] == "test-model-1"
    assert body["format"] == "json"
    assert body["stream"] is False
    assert body["options"] == {"temperature": 0, "num_predict": 77}
    messages = body["messages"]
    assert isinstance(messages, list)
    assert [m["role"] for m in messages] == ["system", "user"]


def test_ollama_without_a_key_sends_no_authorization() -> None:
    with FakeLlmServer(Wire.OLLAMA) as server:
        server.script.answers = [{"pick": 1}]
        answer = build_llm_client(config_for(server, api_key=None)).complete_json(
            "s", "p", SCHEMA, max_tokens=5
        )
        assert "authorization" not in server.requests[0].headers
    assert answer.data == {"pick": 1}


def test_custom_http_request_and_both_reply_shapes() -> None:
    with FakeLlmServer(Wire.CUSTOM, api_key=TEST_KEY) as server:
        body = _call(server)
        assert server.requests[0].path == "/complete"
        assert server.requests[0].headers["authorization"] == f"Bearer {TEST_KEY}"
        assert body == {
            "model": "test-model-1",
            "system": "You pick torrents.",
            "prompt": "Which one?",
            "schema": SCHEMA,
            "max_tokens": 77,
        }
        server.script.custom_as_data = False
        server.script.answers = ['{"pick": 3}']
        answer = build_llm_client(config_for(server)).complete_json(
            "s", "p", SCHEMA, max_tokens=5
        )
    assert answer.data == {"pick": 3}
    assert answer.raw_text == '{"pick": 3}'


def test_retry_after_header_is_honoured() -> None:
    from chalicelib.adapters.llm.openai_compat import OpenAiCompatClient
    from chalicelib.adapters.llm.retry import RetryPolicy

    waits: list[float] = []
    with FakeLlmServer(Wire.OPENAI, api_key=TEST_KEY) as server:
        server.script.fail_times = 1
        server.script.fail_status = 429
        server.script.retry_after = "3"
        server.script.answers = [{"pick": 0}]
        policy = RetryPolicy(max_retries=2, base_secs=0.01, max_secs=5.0, sleep=waits.append)
        client = OpenAiCompatClient(config_for(server), policy=policy)
        answer = client.complete_json("s", "p", SCHEMA, max_tokens=5)
    assert answer.attempts == 2
    assert waits == [3.0]
