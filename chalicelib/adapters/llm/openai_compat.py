"""OpenAI-compatible chat completions (`POST {base_url}/chat/completions`) as an LlmClient.

Works with OpenAI and the many servers copying its API (vLLM, llama.cpp server, LM Studio,
OpenRouter...). `base_url` includes the version prefix, e.g. "http://127.0.0.1:8000/v1".
JSON mode (`response_format={"type": "json_object"}`) makes the model emit an object; the
schema itself is given in the system message and checked on arrival.
"""

from __future__ import annotations

from typing import Any

from chalicelib.adapters.llm.answer_text import (
    parse_answer_text,
    reply_field,
    schema_instruction,
    token_count,
)
from chalicelib.adapters.llm.http_json import HttpLlmClient
from chalicelib.textbrain.llm_port import LlmAnswer


class OpenAiCompatClient(HttpLlmClient):
    """Chat completions in JSON mode, retried on 429/5xx/connection errors."""

    provider = "openai_compat"

    def complete_json(
        self, system: str, prompt: str, schema: dict[str, Any], *, max_tokens: int
    ) -> LlmAnswer:
        """The model's JSON answer; see `LlmClient.complete_json`."""
        body = {
            "model": self.model,
            "messages": [
                {"role": "system", "content": schema_instruction(system, schema)},
                {"role": "user", "content": prompt},
            ],
            "max_tokens": max_tokens,
            "temperature": 0,
            "response_format": {"type": "json_object"},
        }
        reply, attempts, latency_ms = self._post("/chat/completions", body)
        text = reply_field(self.provider, reply, "choices", 0, "message", "content")
        if not isinstance(text, str):
            text = ""
        data = parse_answer_text(self.provider, text, schema)
        usage = reply.get("usage") or {}
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
