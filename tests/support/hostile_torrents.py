"""Real .torrent files with hostile names: built from real content by local/torrent_maker,
then the names in the info dictionary rewritten (lengths, order and pieces untouched, so the
torrent stays valid and seedable)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from chalicelib.domain.bencode import decode, encode
from local.torrent_maker import make_torrent

# What each case does to the first file's path (a list of components, as bencoded).
HOSTILE_NAMES: dict[str, list[bytes]] = {
    "dot-dot": [b"..", b"..", b"escaped.flac"],
    "absolute": [b"/etc", b"cron.d", b"x.flac"],
    "slash in a component": [b"../../escaped.flac"],
    "backslash traversal": [b"..\\..\\escaped.flac"],
    "NUL": [b"a\x00b.flac"],
    "newline": [b"a\nb.flac"],
    "escape sequence": [b"\x1b[2Jtrack.flac"],
    "C1 control": ["a\u0085b.flac".encode()],
    "empty component": [b"", b"x.flac"],
    "dot": [b".", b"x.flac"],
}


def hostile_torrent(content: Path, case: str, trackers: list[str] | None = None) -> bytes:
    """A multi-file torrent of `content` whose first file carries the hostile name `case`,
    or (case "symlink") a BEP 47 symlink entry pointing outside."""
    meta: Any = decode(make_torrent(content, trackers or [], piece_length=1 << 15))
    files = meta[b"info"][b"files"]
    if case == "symlink":
        files.append({b"length": 0, b"path": [b"cover-link.jpg"], b"attr": b"l",
                      b"symlink path": [b"..", b"..", b"..", b"etc", b"passwd"]})
    else:
        files[0][b"path"] = HOSTILE_NAMES[case]
    return encode(meta)


CASES = [*HOSTILE_NAMES, "symlink"]
