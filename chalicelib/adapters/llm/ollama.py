"""Ollama's chat endpoint (`POST {base_url}/api/chat`, `format: "json"`) as an LlmClient.

`stream: false` gives one reply; token counts come from `prompt_eval_count` (prompt) and
`eval_count` (completion). Ollama usually runs keyless on the LAN; a key, when configured, is
sent as a Bearer token for the reverse proxies that put one in front of it.
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


class OllamaClient(HttpLlmClient):
    """Non-streaming /api/chat in JSON format, retried on 429/5xx/connection errors."""

    provider = "ollama"

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
            "format": "json",
            "stream": False,
            "options": {"temperature": 0, "num_predict": max_tokens},
        }
        reply, attempts, latency_ms = self._post("/api/chat", body)
        text = reply_field(self.provider, reply, "message", "content")
        if not isinstance(text, str):
            text = ""
        data = parse_answer_text(self.provider, text, schema)
        return LlmAnswer(
            data=data,
            raw_text=text,
            prompt_tokens=token_count(reply.get("prompt_eval_count")),
            completion_tokens=token_count(reply.get("eval_count")),
            model=str(reply.get("model") or self.model),
            provider=self.provider,
            latency_ms=latency_ms,
            attempts=attempts,
        )
