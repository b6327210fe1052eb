"""The adapters' pure parts: JSON extraction, backoff, and settings validation."""

from __future__ import annotations

import random

import pytest

from chalicelib.adapters.llm import LlmConfig, LlmProvider
from chalicelib.adapters.llm.answer_text import extract_json_object, parse_answer_text
from chalicelib.adapters.llm.retry import RetryPolicy, call_with_retries
from chalicelib.domain.errors import ValidationError
from chalicelib.textbrain.llm_port import LlmAuthError, LlmBadAnswer, LlmUnavailable


@pytest.mark.parametrize("text", [
    '{"a": 1}',
    '  \n{"a": 1}\n',
    '```json\n{"a": 1}\n```',
    '```\n{"a": 1}```',
    'Sure, here it is:\n```JSON\n{"a": 1}\n```\nAnything else?',
    'The answer is {"a": 1}.',
])
def test_json_object_is_found_in_model_text(text: str) -> None:
    assert extract_json_object(text) == {"a": 1}


@pytest.mark.parametrize("text", ["", "no json here", "[1, 2]", '{"a": 1', "```json\n```"])
def test_text_without_an_object_gives_none(text: str) -> None:
    assert extract_json_object(text) is None


def test_parse_answer_text_names_the_problem() -> None:
    with pytest.raises(LlmBadAnswer, match="holds no JSON object"):
        parse_answer_text("p", "I cannot help with that", {"type": "object"})
    with pytest.raises(LlmBadAnswer, match=r"\$.n: expected integer, got string"):
        parse_answer_text("p", '{"n": "1"}', {"properties": {"n": {"type": "integer"}}})


def test_backoff_grows_exponentially_with_jitter_and_a_ceiling() -> None:
    policy = RetryPolicy(max_retries=6, base_secs=0.5, max_secs=4.0, rng=random.Random(7))
    for retry, ceiling in [(1, 0.5), (2, 1.0), (3, 2.0), (4, 4.0), (5, 4.0), (6, 4.0)]:
        delays = [policy.delay(retry) for _ in range(200)]
        assert all(0 <= d <= ceiling for d in delays)
        assert max(delays) > ceiling * 0.8  # full jitter spreads over the whole range
        assert len(set(delays)) > 150
    assert policy.delay(1, retry_after=3.0) == 3.0
    assert policy.delay(1, retry_after=60.0) == 4.0  # a server's hint is capped too


def test_retries_only_what_can_pass() -> None:
    waits: list[float] = []
    policy = RetryPolicy(max_retries=3, base_secs=0.1, sleep=waits.append)
    outcomes: list[Exception | str] = [LlmUnavailable("p", "503"), LlmUnavailable("p", "503"), "ok"]

    def flaky() -> str:
        outcome = outcomes.pop(0)
        if isinstance(outcome, Exception):
            raise outcome
        return outcome

    assert call_with_retries(flaky, policy) == ("ok", 3)
    assert len(waits) == 2

    calls = 0

    def refused() -> str:
        nonlocal calls
        calls += 1
        raise LlmAuthError("p", "401")

    with pytest.raises(LlmAuthError):
        call_with_retries(refused, policy)
    assert calls == 1


def test_config_is_validated_field_by_field() -> None:
    with pytest.raises(ValidationError) as caught:
        LlmConfig(provider="gpt", model=" ", timeout_secs=0, max_retries=-1, base_url="ftp://x")
    fields = {e.field for e in caught.value.errors}
    assert fields == {"llm.provider", "llm.model", "llm.timeout_secs", "llm.max_retries",
                      "llm.base_url"}
    with pytest.raises(ValidationError, match=r"llm\.api_key: is required"):
        LlmConfig(provider="anthropic", model="claude")
    with pytest.raises(ValidationError, match=r"llm\.base_url: is required"):
        LlmConfig(provider="custom_http", model="mine")


def test_config_defaults_and_secrecy() -> None:
    config = LlmConfig(provider="ollama", model="llama3", api_key="secret-123")
    assert config.kind is LlmProvider.OLLAMA
    assert config.resolved_base_url == "http://127.0.0.1:11434"
    assert "secret-123" not in repr(config)
    assert LlmConfig("openai_compat", "m", "http://h/v1/", "k").resolved_base_url == "http://h/v1"


def test_config_accepts_the_service_config_file_shape() -> None:
    config = LlmConfig(provider="custom", model="m", base_url="http://h/x", api_key="")
    assert config.kind is LlmProvider.CUSTOM_HTTP and config.api_key is None
    assert LlmConfig("openai", "m", "", "k").kind is LlmProvider.OPENAI_COMPAT
