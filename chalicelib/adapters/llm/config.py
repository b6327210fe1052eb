"""Which model provider TextBrain talks to, and how: one typed, validated settings object."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated, Any

from pydantic import Field, StringConstraints, field_validator, model_validator
from pydantic.dataclasses import dataclass

from chalicelib.config import AdapterSettings, setting
from chalicelib.domain.errors import FieldError, ValidationError


class LlmProvider(StrEnum):
    """The wire formats the service speaks."""

    ANTHROPIC = "anthropic"
    OPENAI_COMPAT = "openai_compat"
    OLLAMA = "ollama"
    CUSTOM_HTTP = "custom_http"


DEFAULT_BASE_URLS: dict[LlmProvider, str] = {
    LlmProvider.ANTHROPIC: "https://api.anthropic.com",
    LlmProvider.OPENAI_COMPAT: "https://api.openai.com/v1",
    LlmProvider.OLLAMA: "http://127.0.0.1:11434",
}

# The short names the service's config file uses (chalicelib/config.py, textbrain.llm).
_ALIASES = {"openai": LlmProvider.OPENAI_COMPAT, "custom": LlmProvider.CUSTOM_HTTP}

# Providers that are useless without a key; Ollama and custom servers may run without one.
_NEEDS_KEY = frozenset({LlmProvider.ANTHROPIC, LlmProvider.OPENAI_COMPAT})


@dataclass(frozen=True)
class LlmConfig(AdapterSettings):
    """Settings for one LLM client; ValidationError names each bad field (`llm.<name>`).

    Built from [textbrain.llm]: "" counts as unset and the short names "openai"/"custom" are
    accepted. `api_key` is excluded from repr so it never gets logged.
    """

    FIELD_PREFIX = "llm"

    provider: LlmProvider | str = Field(description="The wire format (or a short name).")
    model: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)] = Field(
        description="The model name sent with each request.")
    base_url: str | None = setting(None, "openai_compat: with /v1; others: the root.")
    api_key: str | None = setting(None, "Ollama and custom servers may need none.", repr=False)
    timeout_secs: float = setting(30.0, "Bound on each attempt.", gt=0)
    max_retries: int = setting(2, "Retries after 429, 5xx and connection failures.", ge=0)
    backoff_base_secs: float = setting(0.5, "First wait between attempts.", ge=0)
    backoff_max_secs: float = setting(8.0, "Longest wait between attempts.", ge=0)

    @field_validator("provider", mode="before")
    @classmethod
    def _known_provider(cls, value: Any) -> LlmProvider:
        try:
            return _ALIASES.get(value) or LlmProvider(value)
        except ValueError:
            raise ValueError(f"unknown provider; use one of {', '.join(LlmProvider)}") from None

    @field_validator("base_url", "api_key", mode="before")
    @classmethod
    def _empty_is_unset(cls, value: Any) -> Any:
        return None if value == "" else value  # the config file writes "" for unset

    @field_validator("base_url")
    @classmethod
    def _http_url(cls, value: str | None) -> str | None:
        if value is not None and not value.startswith(("http://", "https://")):
            raise ValueError("must start with http:// or https://")
        return value

    @model_validator(mode="after")
    def _complete(self) -> LlmConfig:
        if self.backoff_max_secs < self.backoff_base_secs:
            raise ValidationError(FieldError("llm.backoff_base_secs", "must be <= backoff_max"))
        if self.base_url is None and self.kind not in DEFAULT_BASE_URLS:
            raise ValidationError(FieldError("llm.base_url", "is required for this provider"))
        if self.kind in _NEEDS_KEY and not self.api_key:
            raise ValidationError(FieldError("llm.api_key", "is required for this provider"))
        return self

    @property
    def kind(self) -> LlmProvider:
        """The provider as an enum (validated on construction)."""
        return LlmProvider(self.provider)

    @property
    def resolved_base_url(self) -> str:
        """`base_url`, or the provider's public default, without a trailing slash."""
        url = self.base_url or DEFAULT_BASE_URLS[self.kind]
        return url.rstrip("/")
