"""Health of the configured LLM provider: is its endpoint reachable, and how fast.

A real completion costs money and tokens, so the probe only asks the provider's base URL
over HTTP: any HTTP answer (even 401 or 404) means the provider is reachable; a connection
failure or timeout means it is not. Answers are kept for `ttl_secs`, since /health is
polled often and the provider may be far away.
"""

from __future__ import annotations

import threading
import time
from typing import Any

import httpx

from chalicelib.adapters.llm.config import DEFAULT_BASE_URLS, LlmConfig, LlmProvider


class LlmReachabilityProbe:
    def __init__(self, config: LlmConfig, *, ttl_secs: float = 30.0,
                 timeout_secs: float = 5.0) -> None:
        provider = LlmProvider(config.provider)
        self.name = f"llm_{provider.value}"
        self._url = config.base_url or DEFAULT_BASE_URLS.get(provider, "")
        self._detail = {"provider": provider.value, "model": config.model}
        self._ttl = ttl_secs
        self._timeout = min(timeout_secs, config.timeout_secs)
        self._lock = threading.Lock()
        self._cached: tuple[float, dict[str, Any] | Exception] | None = None

    def check(self) -> dict[str, Any]:
        with self._lock:
            if self._cached is None or time.monotonic() - self._cached[0] > self._ttl:
                self._cached = (time.monotonic(), self._ask())
            result = self._cached[1]
        if isinstance(result, Exception):
            raise result
        return result

    def _ask(self) -> dict[str, Any] | Exception:
        if not self._url:
            return ValueError("no base_url configured")
        try:
            answer = httpx.get(self._url, timeout=self._timeout, follow_redirects=False)
        except httpx.HTTPError as e:
            return ConnectionError(f"{self._url} unreachable: {type(e).__name__}")
        return {**self._detail, "http_status": answer.status_code}
