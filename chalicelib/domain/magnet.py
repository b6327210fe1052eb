"""Info hashes and magnet links: one reading of each, the same for every caller.

Both raise ValueError saying what is wrong (never echoing a long value): the API turns it
into a ValidationError naming its field, a torrent client into InvalidTorrent, and a
reader of indexer data that may simply lack a hash into None.
"""

from __future__ import annotations

import base64
import binascii
import re
from urllib.parse import parse_qs, urlsplit

_HEX40 = re.compile(r"^[0-9a-fA-F]{40}$")
_BASE32 = re.compile(r"^[A-Za-z2-7]{32}$")


def normalise_info_hash(value: str) -> str:
    """A v1 info hash as 40 lower-case hex digits, from hex or 32-character base32."""
    candidate = value.strip()
    if _HEX40.match(candidate):
        return candidate.lower()
    if _BASE32.match(candidate):
        try:
            return base64.b32decode(candidate.upper()).hex()
        except binascii.Error as error:  # pragma: no cover - the regex admits only valid input
            raise ValueError(f"bad base32 info hash: {error}") from error
    raise ValueError(f"not a 40-hex or 32-base32 info hash ({len(candidate)} characters)")


def info_hash_from_magnet(uri: str) -> str:
    """The lower-case hex v1 info hash of a `magnet:?xt=urn:btih:` link; ValueError if none."""
    if not isinstance(uri, str) or not uri.lower().startswith("magnet:?"):
        raise ValueError("must be a magnet link starting with 'magnet:?'")
    for topic in parse_qs(urlsplit(uri).query).get("xt", []):
        if topic.lower().startswith("urn:btih:"):
            try:
                return normalise_info_hash(topic[len("urn:btih:"):])
            except ValueError:
                break
    raise ValueError("must contain xt=urn:btih: with a 40-hex or 32-base32 info hash")


def known_info_hash(info_hash: str | None, magnet_uri: str | None = None) -> str | None:
    """The info hash an indexer states, else its magnet link's; None when neither has one.

    For data that may lack a hash (indexer results): a bad value counts as no value.
    """
    if info_hash:
        try:
            return normalise_info_hash(info_hash)
        except ValueError:
            pass
    if magnet_uri:
        try:
            return info_hash_from_magnet(magnet_uri)
        except ValueError:
            return None
    return None
