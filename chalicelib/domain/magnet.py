"""Magnet links: check that one really names a BitTorrent info hash, and read it."""

from __future__ import annotations

import base64
import binascii
import re
from urllib.parse import parse_qs, urlsplit

from chalicelib.domain.errors import FieldError, ValidationError

_HEX40 = re.compile(r"^[0-9a-fA-F]{40}$")
_BASE32 = re.compile(r"^[A-Za-z2-7]{32}$")


def info_hash_from_magnet(uri: str, field: str = "magnet_uri") -> str:
    """The lower-case hex info hash of a `magnet:?xt=urn:btih:` link, or ValidationError."""
    if not isinstance(uri, str) or not uri.startswith("magnet:?"):
        raise ValidationError(FieldError(field, "must be a magnet link starting with 'magnet:?'"))
    params = parse_qs(urlsplit(uri).query)
    for xt in params.get("xt", []):
        if not xt.lower().startswith("urn:btih:"):
            continue
        value = xt[9:]
        if _HEX40.match(value):
            return value.lower()
        if _BASE32.match(value):
            try:
                return binascii.hexlify(base64.b32decode(value.upper())).decode()
            except binascii.Error:
                break
    raise ValidationError(
        FieldError(field, "must contain xt=urn:btih: with a 40-hex or 32-base32 info hash")
    )
