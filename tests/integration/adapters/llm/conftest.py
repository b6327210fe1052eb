"""One local fake provider server per wire format, and matching adapter settings."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from chalicelib.adapters.llm import LlmConfig
from tests.support.llm_servers import FakeLlmServer, Wire

TEST_KEY = "sk-test-DO-NOT-LEAK-7f3a9c"

PROVIDER_FOR_WIRE = {
    Wire.ANTHROPIC: "anthropic",
    Wire.OPENAI: "openai_compat",
    Wire.OLLAMA: "ollama",
    Wire.CUSTOM: "custom_http",
}


@pytest.fixture(params=list(Wire), ids=[w.value for w in Wire])
def server(request: pytest.FixtureRequest) -> Iterator[FakeLlmServer]:
    with FakeLlmServer(request.param, api_key=TEST_KEY) as running:
        yield running


def config_for(
    server: FakeLlmServer,
    *,
    api_key: str | None = TEST_KEY,
    timeout_secs: float = 5.0,
    max_retries: int = 2,
    base_url: str | None = None,
) -> LlmConfig:
    """Settings that point the wire's adapter at `server`, with fast backoff."""
    return LlmConfig(
        provider=PROVIDER_FOR_WIRE[server.wire],
        model="test-model-1",
        base_url=base_url or server.base_url,
        api_key=api_key,
        timeout_secs=timeout_secs,
        max_retries=max_retries,
        backoff_base_secs=0.01,
        backoff_max_secs=0.05,
    )
