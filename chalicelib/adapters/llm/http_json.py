"""POSTing JSON to a model server with httpx, each failure turned into one `LlmError` kind.

The API key travels only in headers; every message built from a server's reply is scrubbed of
it, because some servers echo the presented key back in their error text.
"""

from __future__ import annotations

import time
from typing import Any

import httpx

from chalicelib.adapters.llm.config import LlmConfig
from chalicelib.adapters.llm.retry import RetryPolicy, call_with_retries
from chalicelib.textbrain.llm_port import (
    LlmAuthError,
    LlmBadAnswer,
    LlmError,
    LlmTimeout,
    LlmUnavailable,
)

_SNIPPET_CHARS = 200


def scrub(text: str, secret: str | None) -> str:
    """`text` with every occurrence of `secret` replaced by '***'."""
    if not secret:
        return text
    return text.replace(secret, "***")


def _retry_after(response: httpx.Response) -> float | None:
    value = response.headers.get("retry-after")
    try:
        return float(value) if value is not None else None
    except ValueError:
        return None  # an HTTP date; the backoff alone is good enough


def status_error(
    provider: str, status: int, body_text: str, secret: str | None, retry_after: float | None
) -> LlmError:
    """The error for an HTTP status the provider answered with (never for 2xx)."""
    snippet = scrub(body_text[:_SNIPPET_CHARS], secret)
    message = f"HTTP {status}: {snippet}" if snippet else f"HTTP {status}"
    if status in (401, 403):
        return LlmAuthError(provider, f"credentials refused ({message})", status=status)
    if status == 429 or status >= 500:
        return LlmUnavailable(provider, message, status=status, retry_after=retry_after)
    return LlmError(provider, f"request refused ({message})")


class JsonHttpTransport:
    """One provider's HTTP endpoint: `post(path, body, headers)` returns the reply's JSON."""

    def __init__(
        self,
        provider: str,
        base_url: str,
        *,
        timeout_secs: float,
        api_key: str | None = None,
        client: httpx.Client | None = None,
    ) -> None:
        self.provider = provider
        self.base_url = base_url.rstrip("/")
        self._api_key = api_key
        self._client = client or httpx.Client(timeout=httpx.Timeout(timeout_secs))
        self._timeout_secs = timeout_secs

    def close(self) -> None:
        """Close the connection pool."""
        self._client.close()

    def post(self, path: str, body: dict[str, Any], headers: dict[str, str]) -> dict[str, Any]:
        """The JSON object the server replied with; raises an LlmError kind on any failure."""
        url = f"{self.base_url}{path}"
        try:
            response = self._client.post(url, json=body, headers=headers)
        except httpx.TimeoutException as error:
            raise LlmTimeout(
                self.provider, f"no answer from {url} within {self._timeout_secs:g} s"
            ) from error
        except httpx.TransportError as error:
            # str(error) names the host and the OS error; it never holds request headers.
            detail = scrub(str(error) or type(error).__name__, self._api_key)
            raise LlmUnavailable(self.provider, f"cannot reach {url}: {detail}") from error
        if response.status_code >= 300:
            raise status_error(
                self.provider,
                response.status_code,
                response.text,
                self._api_key,
                _retry_after(response),
            )
        try:
            data = response.json()
        except ValueError as error:
            raise LlmBadAnswer(
                self.provider,
                f"{url} replied with non-JSON",
                raw_text=scrub(response.text, self._api_key),
            ) from error
        if not isinstance(data, dict):
            raise LlmBadAnswer(self.provider, f"{url} replied with JSON that is not an object")
        return data


class HttpLlmClient:
    """What the plain-HTTP LLM clients share: the transport, the retry policy, closing."""

    provider = "http"

    def __init__(self, config: LlmConfig, *, policy: RetryPolicy | None = None) -> None:
        self.model = config.model
        self._api_key = config.api_key
        self._transport = JsonHttpTransport(
            self.provider,
            config.resolved_base_url,
            timeout_secs=config.timeout_secs,
            api_key=config.api_key,
        )
        self._policy = policy or RetryPolicy(
            config.max_retries, config.backoff_base_secs, config.backoff_max_secs
        )

    def close(self) -> None:
        """Close the connection pool."""
        self._transport.close()

    def _post(self, path: str, body: dict[str, Any]) -> tuple[dict[str, Any], int, int]:
        """POST with the key (if any) and retries: (reply, attempts, latency in ms)."""
        headers = {"Authorization": f"Bearer {self._api_key}"} if self._api_key else {}
        started = time.monotonic()
        reply, attempts = call_with_retries(
            lambda: self._transport.post(path, body, headers), self._policy
        )
        return reply, attempts, round((time.monotonic() - started) * 1000)
