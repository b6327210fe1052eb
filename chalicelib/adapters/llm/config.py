"""Which model provider TextBrain talks to, and how: one typed, validated settings object."""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from pydantic import Field, field_validator, model_validator
from pydantic.dataclasses import dataclass

from chalicelib.config import AdapterSettings
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

    provider: LlmProvider | str = Field(description="anthropic, openai_compat, ollama, "
                                                    "custom_http (or openai, custom).")
    model: str = Field(description="The model name sent with each request.")
    base_url: str | None = Field(default=None, description="openai_compat: with the version "
                                 "prefix (.../v1); others: the server root. None: public.")
    api_key: str | None = Field(default=None, repr=False, description="Sent as the provider "
                                "expects; Ollama and custom servers may need none.")
    timeout_secs: float = Field(default=30.0, gt=0, description="Bound on each attempt.")
    max_retries: int = Field(default=2, ge=0, description="Retries after the first attempt, "
                             "only for 429, 5xx and connection failures.")
    backoff_base_secs: float = Field(default=0.5, ge=0, description="First retry's wait.")
    backoff_max_secs: float = Field(default=8.0, ge=0, description="Longest wait.")

    @field_validator("provider", mode="before")
    @classmethod
    def _known_provider(cls, value: Any) -> LlmProvider:
        try:
            return _ALIASES.get(value) or LlmProvider(value)
        except ValueError:
            known = ", ".join(p.value for p in LlmProvider)
            raise ValueError(f"unknown provider; use one of {known}") from None

    @field_validator("base_url", "api_key", mode="before")
    @classmethod
    def _empty_is_unset(cls, value: Any) -> Any:
        return None if value == "" else value  # the config file writes "" for unset

    @field_validator("model")
    @classmethod
    def _model_named(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("must not be empty")
        return value

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
