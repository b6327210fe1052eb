"""One rule for free text a caller sends (search terms, names, reasons): no control
characters. They show as nothing (or repaint a terminal) in logs, the dashboard and tags,
and CR/LF would let the text pose as more lines of a log or a header."""

from __future__ import annotations

import re

from chalicelib.domain.errors import FieldError, ValidationError

_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def control_character(text: str, allow: str = "") -> str | None:
    """The first control character in `text` that is not in `allow`, or None."""
    return next((m[0] for m in _CONTROL.finditer(text) if m[0] not in allow), None)


def require_plain(text: str, field: str, allow: str = "") -> str:
    """`text`, or a ValidationError naming `field` and the character found."""
    found = control_character(text, allow)
    if found is not None:
        raise ValidationError(FieldError(field, f"must not contain control characters "
                                                f"(found U+{ord(found):04X})"))
    return text
