"""JSON responses, and the one place domain errors become HTTP status codes."""

from __future__ import annotations

import json
import logging
from datetime import datetime
from typing import Any

from chalice.app import Response

from chalicelib.config import ConfigError
from chalicelib.domain.errors import (
    Conflict,
    DomainError,
    ExternalServiceError,
    Forbidden,
    NotFound,
    PayloadTooLarge,
    TooManyRequests,
    Unauthorized,
    ValidationError,
)

log = logging.getLogger("quentin.api")

STATUS: list[tuple[type[DomainError], int]] = [
    (ValidationError, 400),
    (Unauthorized, 401),
    (Forbidden, 403),
    (NotFound, 404),
    (Conflict, 409),
    (PayloadTooLarge, 413),
    (TooManyRequests, 429),
    (ExternalServiceError, 502),
]


def json_response(body: Any, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    return Response(
        body=json.dumps(body, default=_default),
        status_code=status,
        headers={"Content-Type": "application/json", **(headers or {})},
    )


def _default(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    return str(value)


def error_response(error: Exception) -> Response:
    """The HTTP answer for an error: a status and a JSON body a person can read."""
    if isinstance(error, DomainError):
        status = next((code for cls, code in STATUS if isinstance(error, cls)), 400)
        body: dict[str, Any] = {"error": type(error).__name__, "message": error.message}
        body.update(error.details)
        headers = {"WWW-Authenticate": "Bearer"} if status == 401 else None
        if isinstance(error, TooManyRequests):
            headers = {"Retry-After": str(error.details.get("retry_after_secs", 1))}
        return json_response(body, status, headers)
    if isinstance(error, ConfigError):
        log.error("configuration error: %s", error)
        return json_response({"error": "ConfigError", "message": str(error)}, 500)
    log.exception("unexpected error")
    return json_response(
        {"error": "InternalError", "message": "the service failed unexpectedly; see its log"}, 500
    )
