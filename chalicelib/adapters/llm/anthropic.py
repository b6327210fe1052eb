"""Anthropic's Messages API (through the `anthropic` SDK) as an LlmClient.

The SDK's own retries are switched off (`max_retries=0`) so that every provider retries the
same way (retry.py) and a 401 is never retried. The SDK's exception texts are not passed on:
only the status and a scrubbed snippet of the body are, so the key cannot leak through them.
Authentication and the `anthropic-version` header are the SDK's: the installed SDK (2.x)
sends the key as `Authorization: Bearer` with the API version it was built against.
"""

from __future__ import annotations

import json
import time
from typing import Any

import anthropic

from chalicelib.adapters.llm.answer_text import parse_answer_text, schema_instruction, token_count
from chalicelib.adapters.llm.config import LlmConfig
from chalicelib.adapters.llm.http_json import scrub, status_error
from chalicelib.adapters.llm.retry import RetryPolicy, call_with_retries
from chalicelib.textbrain.llm_port import LlmAnswer, LlmBadAnswer, LlmTimeout, LlmUnavailable


class AnthropicClient:
    """Messages API calls with the schema in the system prompt, retried on 429/5xx/529."""

    provider = "anthropic"

    def __init__(self, config: LlmConfig, *, policy: RetryPolicy | None = None) -> None:
        self.model = config.model
        self._api_key = config.api_key
        self._timeout_secs = config.timeout_secs
        self._base_url = config.resolved_base_url
        self._sdk = anthropic.Anthropic(
            api_key=config.api_key,
            base_url=self._base_url,
            timeout=config.timeout_secs,
            max_retries=0,
        )
        self._policy = policy or RetryPolicy(
            config.max_retries, config.backoff_base_secs, config.backoff_max_secs
        )

    def close(self) -> None:
        """Close the SDK's connection pool."""
        self._sdk.close()

    def _create(self, system: str, prompt: str, max_tokens: int) -> Any:
        try:
            return self._sdk.messages.create(
                model=self.model,
                max_tokens=max_tokens,
                system=system,
                messages=[{"role": "user", "content": prompt}],
            )
        except anthropic.APITimeoutError as error:
            raise LlmTimeout(
                self.provider, f"no answer from {self._base_url} within {self._timeout_secs:g} s"
            ) from error
        except anthropic.APIConnectionError as error:
            raise LlmUnavailable(
                self.provider, f"cannot reach {self._base_url}: {type(error).__name__}"
            ) from error
        except anthropic.APIStatusError as error:
            retry_after = error.response.headers.get("retry-after")
            try:
                hint = float(retry_after) if retry_after is not None else None
            except ValueError:
                hint = None
            body = error.body if error.body is not None else ""
            text = body if isinstance(body, str) else json.dumps(body)
            # Not chained: the SDK's exception quotes the reply body, which may echo the key.
            raise status_error(
                self.provider, error.status_code, text, self._api_key, hint
            ) from None
        except anthropic.APIResponseValidationError as error:
            raise LlmBadAnswer(self.provider, "the reply is not a Messages API response") from error

    def complete_json(
        self, system: str, prompt: str, schema: dict[str, Any], *, max_tokens: int
    ) -> LlmAnswer:
        """The model's JSON answer; see `LlmClient.complete_json`."""
        started = time.monotonic()
        message, attempts = call_with_retries(
            lambda: self._create(schema_instruction(system, schema), prompt, max_tokens),
            self._policy,
        )
        text = "".join(
            getattr(block, "text", "") for block in (message.content or [])
            if getattr(block, "type", None) == "text"
        )
        data = parse_answer_text(self.provider, scrub(text, self._api_key), schema)
        usage = getattr(message, "usage", None)
        return LlmAnswer(
            data=data,
            raw_text=text,
            prompt_tokens=token_count(getattr(usage, "input_tokens", None)),
            completion_tokens=token_count(getattr(usage, "output_tokens", None)),
            model=str(getattr(message, "model", None) or self.model),
            provider=self.provider,
            latency_ms=round((time.monotonic() - started) * 1000),
            attempts=attempts,
        )
