"""The domain's error hierarchy; the API maps each class to one HTTP status in one place."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


class DomainError(Exception):
    """Base of every error the service reports to a caller."""

    def __init__(self, message: str, **details: Any) -> None:
        super().__init__(message)
        self.message = message
        self.details = details


@dataclass(frozen=True)
class FieldError:
    """One offending field of a request: where it is and what is wrong with it."""

    field: str
    message: str


class ValidationError(DomainError):
    """The request is malformed; `errors` names each offending field."""

    def __init__(self, errors: list[FieldError] | FieldError, message: str | None = None) -> None:
        self.errors = [errors] if isinstance(errors, FieldError) else list(errors)
        summary = message or "; ".join(f"{e.field}: {e.message}" for e in self.errors)
        listed = [{"field": e.field, "message": e.message} for e in self.errors]
        super().__init__(summary, errors=listed)


class NotFound(DomainError):
    """The thing asked for does not exist."""


class Conflict(DomainError):
    """The action does not fit the current state (or lost a race to another action)."""


class NotConfigured(Conflict):
    """The route needs a service the configuration does not set up (an indexer, a catalog).

    409, not 502 or 503: nothing failed and retrying will not help; the operator must
    configure `service` first."""

    def __init__(self, service: str, message: str) -> None:
        super().__init__(f"{service}: {message}", service=service)
        self.service = service


class InvalidTransition(Conflict):
    """A state change the transition table forbids."""

    def __init__(self, current: str, target: str) -> None:
        super().__init__(
            f"cannot move from {current} to {target}",
            current_state=current,
            target_state=target,
        )
        self.current = current
        self.target = target


class Unauthorized(DomainError):
    """No valid credentials were presented."""


class Forbidden(DomainError):
    """The caller is known but may not do this."""


class TooManyRequests(DomainError):
    """The caller must wait (`retry_after_secs`) before trying again."""


class PayloadTooLarge(DomainError):
    """The request body is larger than the service accepts."""


class ExternalServiceError(DomainError):
    """A dependency (indexer, torrent client, AWS service, LLM) failed."""

    def __init__(self, service: str, message: str, *, retryable: bool = True) -> None:
        super().__init__(f"{service}: {message}", service=service, retryable=retryable)
        self.service = service
        self.retryable = retryable
