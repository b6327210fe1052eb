"""Info hashes from .torrent bytes and magnet links, without a torrent library.

The qBittorrent Web API answers an add with "Ok." only, so the hash must be known beforehand.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import re
from urllib.parse import parse_qs, urlsplit

from workers.torrent.client import InvalidTorrent

_HEX_HASH = re.compile(r"^[0-9a-fA-F]{40}$")
_BASE32_HASH = re.compile(r"^[A-Za-z2-7]{32}$")


def info_hash_from_torrent(torrent_bytes: bytes) -> str:
    """SHA-1 of the bencoded ``info`` dictionary, as lower-case hex (BitTorrent v1)."""
    if not torrent_bytes.startswith(b"d"):
        raise InvalidTorrent("torrent_bytes: not a bencoded dictionary")
    try:
        position = 1
        while torrent_bytes[position : position + 1] != b"e":
            key, position = _read_string(torrent_bytes, position)
            value_end = _skip_value(torrent_bytes, position)
            if key == b"info":
                if torrent_bytes[position : position + 1] != b"d":
                    raise InvalidTorrent("torrent_bytes: 'info' is not a dictionary")
                return hashlib.sha1(torrent_bytes[position:value_end]).hexdigest()
            position = value_end
    except (IndexError, ValueError) as error:
        raise InvalidTorrent(f"torrent_bytes: malformed bencoding ({error})") from None
    raise InvalidTorrent("torrent_bytes: no 'info' dictionary")


def info_hash_from_magnet(magnet: str) -> str:
    """The v1 info hash of a magnet link (hex or base32 ``xt=urn:btih:``), lower-case hex."""
    parts = urlsplit(magnet)
    if parts.scheme != "magnet":
        raise InvalidTorrent("magnet: does not start with 'magnet:'")
    for topic in parse_qs(parts.query).get("xt", []):
        if not topic.lower().startswith("urn:btih:"):
            continue
        value = topic[len("urn:btih:") :]
        if _HEX_HASH.match(value):
            return value.lower()
        if _BASE32_HASH.match(value):
            try:
                return base64.b32decode(value.upper()).hex()
            except binascii.Error:
                break
        break
    raise InvalidTorrent("magnet: no valid 'xt=urn:btih:' info hash (v1 hashes only)")


def normalize_info_hash(info_hash: str) -> str:
    """Validate a 40-hex-digit info hash and lower-case it."""
    if not _HEX_HASH.match(info_hash):
        raise InvalidTorrent(f"info_hash: expected 40 hex digits, got {info_hash!r}")
    return info_hash.lower()


def _read_string(data: bytes, position: int) -> tuple[bytes, int]:
    colon = data.index(b":", position)
    length = int(data[position:colon])
    if length < 0 or colon + 1 + length > len(data):
        raise ValueError(f"string length out of range at byte {position}")
    return data[colon + 1 : colon + 1 + length], colon + 1 + length


def _skip_value(data: bytes, position: int) -> int:
    """Index just past the bencoded value starting at ``position``."""
    marker = data[position : position + 1]
    if marker == b"i":
        return data.index(b"e", position) + 1
    if marker in (b"l", b"d"):
        position += 1
        while data[position : position + 1] != b"e":
            if position >= len(data):
                raise ValueError("unterminated list or dictionary")
            position = _skip_value(data, position)
        return position + 1
    if marker.isdigit():
        return _read_string(data, position)[1]
    raise ValueError(f"unexpected byte {marker!r} at {position}")
