"""Opaque pagination cursors: DynamoDB's LastEvaluatedKey, encoded for a URL."""

from __future__ import annotations

import base64
import binascii
import json
from typing import Any

from chalicelib.domain.errors import FieldError, ValidationError


def encode_cursor(key: dict[str, Any] | None) -> str | None:
    """A URL-safe token for the next page, or None at the end."""
    if not key:
        return None
    raw = json.dumps(key, separators=(",", ":"), sort_keys=True).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str | None, expected_keys: set[str]) -> dict[str, Any] | None:
    """The key a cursor stands for; ValidationError naming `cursor` if it is not one of ours."""
    if not cursor:
        return None
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        key = json.loads(base64.urlsafe_b64decode(padded.encode()))
    except (binascii.Error, ValueError, UnicodeDecodeError) as e:
        raise ValidationError(FieldError("cursor", "is not a valid cursor")) from e
    if not isinstance(key, dict) or not set(key) <= expected_keys or not key:
        raise ValidationError(FieldError("cursor", "is not a valid cursor"))
    return key
