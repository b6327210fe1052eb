"""The port TextBrain asks a language model through, its answer, and its errors.

Adapters (chalicelib/adapters/llm/) implement `LlmClient` for each provider; TextBrain only
ever sees this module's types, so a provider outage is one of four well-known errors.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Protocol, runtime_checkable

from chalicelib.domain.errors import ExternalServiceError


@dataclass(frozen=True)
class LlmAnswer:
    """A model's answer: the JSON object it produced plus what it cost and how long it took.

    Token counts are None when the provider does not report them.
    """

    data: dict[str, Any]
    raw_text: str
    prompt_tokens: int | None
    completion_tokens: int | None
    model: str
    provider: str
    latency_ms: int
    attempts: int = 1

    @property
    def total_tokens(self) -> int | None:
        """Prompt + completion tokens, or None when either is unknown."""
        if self.prompt_tokens is None or self.completion_tokens is None:
            return None
        return self.prompt_tokens + self.completion_tokens


class LlmError(ExternalServiceError):
    """The model could not give a usable answer. Messages never carry the API key.

    `message` is "llm:<provider>: <reason>"; `reason` is the part after the provider.
    """

    def __init__(self, provider: str, message: str, *, retryable: bool = False) -> None:
        super().__init__(f"llm:{provider}", message, retryable=retryable)
        self.provider = provider
        self.reason = message


class LlmUnavailable(LlmError):
    """The provider could not be reached or kept failing (connection refused, 5xx, 429).

    `retry_after` is the provider's Retry-After hint in seconds, when it sent one.
    """

    def __init__(
        self,
        provider: str,
        message: str,
        *,
        status: int | None = None,
        retry_after: float | None = None,
    ) -> None:
        super().__init__(provider, message, retryable=True)
        self.status = status
        self.retry_after = retry_after


class LlmAuthError(LlmUnavailable):
    """The provider refused the credentials (401/403); retrying cannot help."""

    def __init__(self, provider: str, message: str, *, status: int | None = None) -> None:
        super().__init__(provider, message, status=status)
        self.retryable = False
        self.details["retryable"] = False


class LlmTimeout(LlmError):
    """The provider did not answer within the configured time."""

    def __init__(self, provider: str, message: str) -> None:
        super().__init__(provider, message, retryable=True)


class LlmBadAnswer(LlmError):
    """The model answered, but not with JSON that fits the asked-for schema.

    `problems` lists each mismatch as "path: what is wrong"; `raw_text` is kept (truncated)
    for the audit trail.
    """

    def __init__(
        self, provider: str, message: str, *, problems: tuple[str, ...] = (), raw_text: str = ""
    ) -> None:
        super().__init__(provider, message, retryable=False)
        self.problems = problems
        self.raw_text = raw_text[:2000]


@runtime_checkable
class LlmClient(Protocol):
    """Ask a model for one JSON object that fits `schema`."""

    @property
    def provider(self) -> str: ...

    @property
    def model(self) -> str: ...

    def complete_json(
        self, system: str, prompt: str, schema: dict[str, Any], *, max_tokens: int
    ) -> LlmAnswer:
        """The model's JSON answer to `prompt`.

        Raises LlmUnavailable (incl. LlmAuthError), LlmTimeout or LlmBadAnswer.
        """
        ...


@dataclass(frozen=True)
class LlmUsage:
    """Tokens and time spent on the LLM for one decision, summed over its calls."""

    calls: int = 0
    prompt_tokens: int = 0
    completion_tokens: int = 0
    latency_ms: int = 0
    models: tuple[str, ...] = field(default=())

    def plus(self, answer: LlmAnswer) -> LlmUsage:
        """This usage with one more answer counted."""
        model = f"{answer.provider}/{answer.model}"
        return LlmUsage(
            calls=self.calls + 1,
            prompt_tokens=self.prompt_tokens + (answer.prompt_tokens or 0),
            completion_tokens=self.completion_tokens + (answer.completion_tokens or 0),
            latency_ms=self.latency_ms + answer.latency_ms,
            models=self.models if model in self.models else (*self.models, model),
        )

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready form for decisions and audit events."""
        return {
            "calls": self.calls,
            "prompt_tokens": self.prompt_tokens,
            "completion_tokens": self.completion_tokens,
            "latency_ms": self.latency_ms,
            "models": list(self.models),
        }
