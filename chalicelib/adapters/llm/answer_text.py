"""Turning a model's text into the JSON object asked for, and telling the model what to send.

Models wrap JSON in code fences or a sentence of prose often enough that every adapter needs
this; a text with no JSON object that fits the schema becomes `LlmBadAnswer`.
"""

from __future__ import annotations

import json
import re
from typing import Any

from chalicelib.textbrain.llm_port import LlmBadAnswer
from chalicelib.textbrain.llm_schema import schema_problems

_FENCE = re.compile(r"```(?:json|JSON)?\s*\n?(.*?)```", re.DOTALL)


def schema_instruction(system: str, schema: dict[str, Any]) -> str:
    """`system` plus the instruction to answer with one JSON object that fits `schema`."""
    return (
        f"{system}\n\nRespond with a single JSON object and nothing else (no prose, no code "
        f"fences). It must validate against this JSON schema:\n{json.dumps(schema)}"
    )


def _candidates(text: str) -> list[str]:
    stripped = text.strip()
    found = [stripped]
    found.extend(match.group(1).strip() for match in _FENCE.finditer(text))
    start = stripped.find("{")
    end = stripped.rfind("}")
    if 0 <= start < end:
        found.append(stripped[start : end + 1])
    return found


def extract_json_object(text: str) -> dict[str, Any] | None:
    """The first JSON object in `text` (bare, fenced, or between prose), or None if none."""
    for candidate in _candidates(text):
        try:
            value = json.loads(candidate)
        except ValueError:
            continue
        if isinstance(value, dict):
            return value
    return None


def parse_answer_text(provider: str, text: str, schema: dict[str, Any]) -> dict[str, Any]:
    """The JSON object in a model's `text`, checked against `schema`; else LlmBadAnswer."""
    data = extract_json_object(text)
    if data is None:
        raise LlmBadAnswer(
            provider, "the model's answer holds no JSON object", raw_text=text
        )
    return checked_answer(provider, data, schema, text)


def checked_answer(
    provider: str, data: dict[str, Any], schema: dict[str, Any], raw_text: str
) -> dict[str, Any]:
    """`data` if it fits `schema`, else LlmBadAnswer listing the mismatches."""
    problems = schema_problems(data, schema)
    if problems:
        raise LlmBadAnswer(
            provider,
            f"answer does not fit the schema: {'; '.join(problems[:5])}",
            problems=tuple(problems),
            raw_text=raw_text,
        )
    return data


def reply_field(provider: str, reply: dict[str, Any], *path: str | int) -> Any:
    """The value at `path` in a provider's reply envelope; LlmBadAnswer naming it if absent."""
    value: Any = reply
    for step in path:
        try:
            value = value[step]
        except (KeyError, IndexError, TypeError):
            where = ".".join(str(s) for s in path)
            raise LlmBadAnswer(provider, f"the reply has no {where}") from None
    return value


def token_count(value: Any) -> int | None:
    """A token count from a reply, or None when the provider left it out or sent nonsense."""
    if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
        return value
    return None
