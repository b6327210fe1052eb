"""Which model provider TextBrain talks to, and how: one typed, validated settings object."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

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
class LlmConfig:
    """Settings for one LLM client. `api_key` is excluded from repr so it never gets logged.

    Built from the service config with `LlmConfig(**dataclasses.asdict(settings.textbrain.llm))`:
    "" counts as unset, and the config's short names "openai"/"custom" are accepted.

    `base_url`: for openai_compat it includes the version prefix (".../v1"); for the others it
    is the server root. `timeout_secs` bounds each attempt; `max_retries` counts retries after
    the first attempt, only for 429, 5xx and connection failures.
    """

    provider: LlmProvider | str
    model: str
    base_url: str | None = None
    api_key: str | None = field(default=None, repr=False)
    timeout_secs: float = 30.0
    max_retries: int = 2
    backoff_base_secs: float = 0.5
    backoff_max_secs: float = 8.0

    def __post_init__(self) -> None:
        errors: list[FieldError] = []
        # The config file writes "" for unset values.
        for name in ("base_url", "api_key"):
            if getattr(self, name) == "":
                object.__setattr__(self, name, None)
        try:
            provider = _ALIASES.get(str(self.provider)) or LlmProvider(self.provider)
            object.__setattr__(self, "provider", provider)
        except ValueError:
            known = ", ".join(p.value for p in LlmProvider)
            errors.append(FieldError("llm.provider", f"unknown provider; use one of {known}"))
        if not self.model.strip():
            errors.append(FieldError("llm.model", "must not be empty"))
        if self.timeout_secs <= 0:
            errors.append(FieldError("llm.timeout_secs", "must be positive"))
        if self.max_retries < 0:
            errors.append(FieldError("llm.max_retries", "must not be negative"))
        if self.backoff_base_secs < 0 or self.backoff_max_secs < self.backoff_base_secs:
            errors.append(FieldError("llm.backoff_base_secs", "must be >= 0 and <= backoff_max"))
        url = self.base_url
        if url is not None and not url.startswith(("http://", "https://")):
            errors.append(FieldError("llm.base_url", "must start with http:// or https://"))
        if not errors and url is None and self.provider not in DEFAULT_BASE_URLS:
            errors.append(FieldError("llm.base_url", "is required for this provider"))
        if not errors and self.provider in _NEEDS_KEY and not self.api_key:
            errors.append(FieldError("llm.api_key", "is required for this provider"))
        if errors:
            raise ValidationError(errors)

    @property
    def kind(self) -> LlmProvider:
        """The provider as an enum (validated in __post_init__)."""
        return LlmProvider(self.provider)

    @property
    def resolved_base_url(self) -> str:
        """`base_url`, or the provider's public default, without a trailing slash."""
        url = self.base_url or DEFAULT_BASE_URLS[self.kind]
        return url.rstrip("/")
