"""Every LLM adapter against a local server of its wire format: the LlmClient contract."""

from __future__ import annotations

import socket
import time
import traceback

import pytest

from chalicelib.adapters.llm import build_llm_client
from chalicelib.textbrain.llm_port import (
    LlmAuthError,
    LlmBadAnswer,
    LlmClient,
    LlmTimeout,
    LlmUnavailable,
)
from tests.integration.adapters.llm.conftest import TEST_KEY, config_for
from tests.support.llm_servers import FakeLlmServer

SCHEMA = {
    "type": "object",
    "required": ["queries"],
    "properties": {"queries": {"type": "array", "items": {"type": "string"}}},
}
GOOD = {"queries": ["radiohead ok computer", "ok computer flac"]}


def ask(client: LlmClient) -> object:
    return client.complete_json("You suggest queries.", "OK Computer", SCHEMA, max_tokens=99)


def test_success_returns_data_tokens_and_model(server: FakeLlmServer) -> None:
    server.script.answers = [GOOD]
    server.script.usage = (321, 54)
    client = build_llm_client(config_for(server))

    answer = client.complete_json("sys", "prompt", SCHEMA, max_tokens=99)

    assert answer.data == GOOD
    assert (answer.prompt_tokens, answer.completion_tokens) == (321, 54)
    assert answer.total_tokens == 375
    assert answer.model == "test-model-1"
    assert answer.provider == client.provider
    assert answer.attempts == 1
    assert answer.latency_ms >= 0
    assert len(server.requests) == 1


def test_code_fenced_answer_with_prose_is_accepted(server: FakeLlmServer) -> None:
    server.script.answers = ['Here you go:\n```json\n{"queries": ["a b"]}\n```\nEnjoy.']
    server.script.custom_as_data = False
    answer = build_llm_client(config_for(server)).complete_json(
        "sys", "prompt", SCHEMA, max_tokens=50
    )
    assert answer.data == {"queries": ["a b"]}


@pytest.mark.parametrize("status", [500, 503, 429])
def test_retries_passing_failures_then_succeeds(server: FakeLlmServer, status: int) -> None:
    server.script.fail_times = 2
    server.script.fail_status = status
    server.script.answers = [GOOD]

    answer = build_llm_client(config_for(server, max_retries=2)).complete_json(
        "sys", "prompt", SCHEMA, max_tokens=50
    )

    assert answer.data == GOOD
    assert answer.attempts == 3
    assert len(server.requests) == 3


def test_gives_up_after_max_retries(server: FakeLlmServer) -> None:
    server.script.fail_times = 10
    with pytest.raises(LlmUnavailable) as caught:
        ask(build_llm_client(config_for(server, max_retries=2)))
    assert caught.value.status == 500
    assert caught.value.retryable
    assert len(server.requests) == 3


def test_slow_server_raises_timeout_without_retrying(server: FakeLlmServer) -> None:
    server.script.delay_secs = 2.0
    started = time.monotonic()
    with pytest.raises(LlmTimeout) as caught:
        ask(build_llm_client(config_for(server, timeout_secs=0.3, max_retries=2)))
    elapsed = time.monotonic() - started
    assert elapsed < 1.5
    assert "0.3 s" in str(caught.value)
    assert len(server.requests) == 1


def test_text_that_is_not_json_is_a_bad_answer(server: FakeLlmServer) -> None:
    server.script.answers = ["Sure! I think you should search for {radiohead"]
    with pytest.raises(LlmBadAnswer) as caught:
        ask(build_llm_client(config_for(server)))
    assert "no JSON object" in str(caught.value)
    assert "radiohead" in caught.value.raw_text
    assert len(server.requests) == 1


def test_json_that_misses_the_schema_is_a_bad_answer(server: FakeLlmServer) -> None:
    server.script.answers = [{"queries": "radiohead"}]
    with pytest.raises(LlmBadAnswer) as caught:
        ask(build_llm_client(config_for(server)))
    assert caught.value.problems == ("$.queries: expected array, got string",)


def test_wrong_key_is_refused_once_and_never_leaks(server: FakeLlmServer) -> None:
    wrong_key = "sk-wrong-SECRET-b41e"
    # The server echoes the presented key in its 401 body, as some real providers do.
    with pytest.raises(LlmAuthError) as caught:
        ask(build_llm_client(config_for(server, api_key=wrong_key, max_retries=3)))
    error = caught.value
    assert error.status == 401
    assert not error.retryable
    assert len(server.requests) == 1
    assert "invalid api key: ***" in str(error)
    traceback_text = "".join(traceback.format_exception(error))
    for shown in (str(error), repr(error), repr(error.details), traceback_text):
        assert wrong_key not in shown


def test_config_repr_hides_the_key(server: FakeLlmServer) -> None:
    config = config_for(server)
    assert "api_key" not in repr(config)
    assert TEST_KEY not in repr(config)


def test_unreachable_server_is_unavailable_after_retries(server: FakeLlmServer) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        closed_port = probe.getsockname()[1]
    # Nothing listens on closed_port once the probe socket is closed.
    base = server.base_url.replace(str(server.root_url.rsplit(":", 1)[1]), str(closed_port))
    client = build_llm_client(config_for(server, base_url=base, max_retries=1))
    with pytest.raises(LlmUnavailable) as caught:
        ask(client)
    assert "cannot reach" in str(caught.value)
    assert TEST_KEY not in str(caught.value)
    assert len(server.requests) == 0
