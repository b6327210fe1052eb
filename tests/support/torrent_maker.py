"""Minimal .torrent (BitTorrent v1) writer for test content.

Leaves out the ``private`` key on purpose: any value there changes the info hash and a
private torrent refuses peers that do not come from its tracker.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

Bencodable = int | bytes | str | list["Bencodable"] | dict[bytes, "Bencodable"]

DEFAULT_PIECE_LENGTH = 64 * 1024


def bencode(value: Bencodable) -> bytes:
    """Encode ``value`` in bencoding; dict keys are sorted as the format requires."""
    if isinstance(value, bool):
        raise TypeError("bencoding has no booleans")
    if isinstance(value, int):
        return b"i%de" % value
    if isinstance(value, str):
        value = value.encode()
    if isinstance(value, bytes):
        return b"%d:%s" % (len(value), value)
    if isinstance(value, list):
        return b"l" + b"".join(bencode(item) for item in value) + b"e"
    if isinstance(value, dict):
        return b"d" + b"".join(bencode(key) + bencode(value[key]) for key in sorted(value)) + b"e"
    raise TypeError(f"cannot bencode {type(value).__name__}")


@dataclass(frozen=True)
class MadeTorrent:
    """A torrent built from files on disk."""

    torrent_bytes: bytes
    info_hash: str
    name: str
    files: tuple[str, ...]  # paths relative to the parent of the content, "/"-separated

    def magnet(self, trackers: tuple[str, ...] = ()) -> str:
        """A magnet URI carrying the hash, the display name and optional trackers."""
        parts = [f"xt=urn:btih:{self.info_hash}", f"dn={quote(self.name)}"]
        parts += [f"tr={quote(tracker, safe='')}" for tracker in trackers]
        return "magnet:?" + "&".join(parts)


def make_torrent(
    content: Path,
    *,
    announce: str | None = None,
    piece_length: int = DEFAULT_PIECE_LENGTH,
) -> MadeTorrent:
    """Build a v1 torrent of a single file or of a directory (files in sorted order)."""
    if not content.exists():
        raise FileNotFoundError(f"content does not exist: {content}")
    if content.is_dir():
        paths = sorted(p for p in content.rglob("*") if p.is_file())
        if not paths:
            raise ValueError(f"content directory is empty: {content}")
        relative = [p.relative_to(content).parts for p in paths]
    else:
        paths = [content]
        relative = []
    pieces = b"".join(_piece_hashes(paths, piece_length))
    info: dict[bytes, Bencodable] = {
        b"name": content.name,
        b"piece length": piece_length,
        b"pieces": pieces,
    }
    if content.is_dir():
        info[b"files"] = [
            {b"length": p.stat().st_size, b"path": list(parts)}
            for p, parts in zip(paths, relative, strict=True)
        ]
    else:
        info[b"length"] = content.stat().st_size
    meta: dict[bytes, Bencodable] = {b"info": info, b"created by": "quentin-tests"}
    if announce:
        meta[b"announce"] = announce
    info_hash = hashlib.sha1(bencode(info)).hexdigest()
    names = (
        tuple("/".join((content.name, *parts)) for parts in relative)
        if relative
        else (content.name,)
    )
    return MadeTorrent(bencode(meta), info_hash, content.name, names)


def _piece_hashes(paths: list[Path], piece_length: int) -> list[bytes]:
    """SHA-1 of each piece of the concatenated files (pieces span file boundaries)."""
    hashes: list[bytes] = []
    buffer = bytearray()
    for path in paths:
        with path.open("rb") as handle:
            while chunk := handle.read(1 << 20):
                buffer += chunk
                while len(buffer) >= piece_length:
                    hashes.append(hashlib.sha1(buffer[:piece_length]).digest())
                    del buffer[:piece_length]
    if buffer:
        hashes.append(hashlib.sha1(buffer).digest())
    return hashes
