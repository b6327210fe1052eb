"""What every request's raw text must be before any route reads it: JSON that parses into a
bounded tree of proper Unicode, and query and path parameters without control characters.

Field-specific rules (lengths, formats, allowed roots) belong to the domain's validation; these
are the rules no field of this API can want an exception to, checked once for every route.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any
from urllib.parse import unquote

from chalicelib.domain.errors import FieldError, ValidationError

# Deeper than any request this API defines (a ticket is about five levels deep); deep trees
# only cost recursion in every later walk over them (codecs, DynamoDB serialisation).
MAX_DEPTH = 32
# Longer numbers are never a priority, an index or a year; Python's own refusal (4,300
# digits) would otherwise be reported with advice about sys.set_int_max_str_digits.
MAX_NUMBER_CHARS = 40
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
_SURROGATE = re.compile(r"[\ud800-\udfff]")


def parse_json_body(raw: bytes | str) -> Any:
    """The body's JSON value, or a ValidationError naming `body` or the offending field."""
    try:
        text = raw if isinstance(raw, str) else raw.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        raise ValidationError(FieldError(
            "body", f"is not UTF-8 (byte 0x{raw[e.start]:02x} at offset {e.start})")) from e
    try:
        value = json.loads(text, object_pairs_hook=_object, parse_constant=_constant,
                           parse_int=_integer, parse_float=_real)
    except _Refusal as e:
        raise ValidationError(FieldError("body", e.message)) from e
    except ValueError as e:
        raise ValidationError(FieldError("body", f"is not valid JSON: {e}")) from e
    except RecursionError as e:  # e.g. 100,000 nested '[': the parser's depth limit
        raise ValidationError(FieldError("body", "is nested too deeply")) from e
    _check_tree(value, "", 0)
    return value


def check_request_text(path_params: Mapping[str, Any], query: Mapping[str, Any]) -> None:
    """Refuse control characters (NUL, CR, LF, ESC, ...) in path and query parameters."""
    errors: list[FieldError] = []
    for raw_name, value in path_params.items():
        name = raw_name.rstrip("+")  # Chalice's local server keeps the "+" of {proxy+}
        # API Gateway decodes path parameters, Chalice's local server does not: check both.
        text = str(value)
        try:
            decoded = unquote(text, errors="strict")
        except UnicodeDecodeError:
            errors.append(FieldError(name, "is not valid UTF-8"))
            continue
        if _CONTROL.search(text) or _CONTROL.search(decoded):
            errors.append(FieldError(name, "must not contain control characters"))
    for name, value in query.items():
        if _CONTROL.search(str(name)):
            errors.append(FieldError(_CONTROL.sub("?", str(name)),
                                     "parameter name must not contain control characters"))
        elif _CONTROL.search(str(value)):
            errors.append(FieldError(str(name), "must not contain control characters"))
        elif _SURROGATE.search(str(value)) or "\ufffd" in str(value):
            errors.append(FieldError(str(name), "is not valid UTF-8"))
    if errors:
        raise ValidationError(errors)


class _Refusal(ValueError):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def _object(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for key, value in pairs:
        if key in result:
            # Which of the two would count depends on the reader: refuse the ambiguity.
            raise _Refusal(f"has the key {key!r} twice in one object")
        result[key] = value
    return result


def _constant(name: str) -> Any:
    raise _Refusal(f"is not valid JSON: {name} is not a number")


def _integer(text: str) -> int:
    if len(text) > MAX_NUMBER_CHARS:
        raise _Refusal(f"has a number longer than {MAX_NUMBER_CHARS} characters")
    return int(text)


def _real(text: str) -> float:
    if len(text) > MAX_NUMBER_CHARS:
        raise _Refusal(f"has a number longer than {MAX_NUMBER_CHARS} characters")
    return float(text)


def _check_tree(value: Any, where: str, depth: int) -> None:
    field = where or "body"
    if depth > MAX_DEPTH:
        raise ValidationError(FieldError(field, f"is nested too deeply (at most {MAX_DEPTH} "
                                                "levels)"))
    if isinstance(value, str):
        _check_string(value, field)
    elif isinstance(value, dict):
        for key, item in value.items():
            _check_string(key, f"{where}.{key!r}" if where else repr(key), is_key=True)
            _check_tree(item, f"{where}.{key}" if where else key, depth + 1)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            _check_tree(item, f"{where}[{index}]", depth + 1)


def _check_string(text: str, field: str, is_key: bool = False) -> None:
    what = "key" if is_key else "value"
    if "\x00" in text:
        raise ValidationError(FieldError(field, f"{what} must not contain NUL characters"))
    if _SURROGATE.search(text):
        # json.loads turns an unpaired \\ud800 escape into text no UTF-8 encoder accepts.
        raise ValidationError(FieldError(field, f"{what} is not valid Unicode (an unpaired "
                                                "surrogate)"))
    if is_key and _CONTROL.search(text):
        raise ValidationError(FieldError(field, "key must not contain control characters"))
