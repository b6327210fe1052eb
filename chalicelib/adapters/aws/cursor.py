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


def decode_cursor(cursor: str | None, keys: set[str],
                  partition: tuple[str, str] | None = None) -> dict[str, Any] | None:
    """The key a cursor stands for; ValidationError naming `cursor` if it is not one this
    query issued: exactly the index's `keys` (the table's and the index's), each a string,
    and the query's own `partition` (name, value). A cursor from another listing (another
    state, requester or filter) would otherwise reach DynamoDB, which refuses it (a 500)."""
    if not cursor:
        return None
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        key = json.loads(base64.urlsafe_b64decode(padded.encode()))
    except (binascii.Error, ValueError, UnicodeDecodeError) as e:
        raise ValidationError(FieldError("cursor", "is not a valid cursor")) from e
    if not isinstance(key, dict) or set(key) != keys or not all(
            isinstance(v, dict) and list(v) == ["S"] and isinstance(v["S"], str)
            for v in key.values()):
        raise ValidationError(FieldError("cursor", "is not a valid cursor"))
    if partition is not None and key[partition[0]]["S"] != partition[1]:
        raise ValidationError(FieldError("cursor", "is not a valid cursor for this listing"))
    return key
