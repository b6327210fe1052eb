"""A home-made model endpoint speaking TextBrain's own small JSON contract, as an LlmClient.

The contract (for anyone wrapping a model of their own):

    POST {base_url}                        (the full endpoint URL, e.g. http://host:9000/complete)
    Authorization: Bearer <api_key>        (only when a key is configured)
    {"model": str, "system": str, "prompt": str, "schema": {JSON schema}, "max_tokens": int}

    200 {"data": {...}}                    the answer object itself, or
    200 {"text": "..."}                    the model's text, holding one JSON object
        optional "usage": {"prompt_tokens": int, "completion_tokens": int}, "model": str

    401/403 bad key (not retried); 429/5xx temporary (retried with backoff); other 4xx refused.
"""

from __future__ import annotations

import json
from typing import Any

from chalicelib.adapters.llm.answer_text import checked_answer, parse_answer_text, token_count
from chalicelib.adapters.llm.http_json import HttpLlmClient
from chalicelib.textbrain.llm_port import LlmAnswer, LlmBadAnswer


class CustomHttpClient(HttpLlmClient):
    """The documented custom contract above, retried on 429/5xx/connection errors."""

    provider = "custom_http"

    def complete_json(
        self, system: str, prompt: str, schema: dict[str, Any], *, max_tokens: int
    ) -> LlmAnswer:
        """The endpoint's JSON answer; see `LlmClient.complete_json`."""
        body = {
            "model": self.model,
            "system": system,
            "prompt": prompt,
            "schema": schema,
            "max_tokens": max_tokens,
        }
        reply, attempts, latency_ms = self._post("", body)
        if isinstance(reply.get("data"), dict):
            text = json.dumps(reply["data"])
            data = checked_answer(self.provider, reply["data"], schema, text)
        elif isinstance(reply.get("text"), str):
            text = reply["text"]
            data = parse_answer_text(self.provider, text, schema)
        else:
            raise LlmBadAnswer(self.provider, "the reply has neither a 'data' object nor 'text'")
        usage = reply.get("usage")
        if not isinstance(usage, dict):
            usage = {}
        return LlmAnswer(
            data=data,
            raw_text=text,
            prompt_tokens=token_count(usage.get("prompt_tokens")),
            completion_tokens=token_count(usage.get("completion_tokens")),
            model=str(reply.get("model") or self.model),
            provider=self.provider,
            latency_ms=latency_ms,
            attempts=attempts,
        )
