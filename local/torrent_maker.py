"""Build real v1 .torrent files for generated media (tests and the demo).

The info dictionary holds exactly what `mktorrent` writes without -p/-s (files or length,
name, piece length, pieces), with files in the same order (byte order of their relative
paths), so both produce the same info hash for the same content and piece length.
There is no `private` key: it would change the info hash and make peers refuse DHT/PEX.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

from chalicelib.domain.bencode import Bencoded, encode, read_torrent_files

DEFAULT_PIECE_LENGTH = 1 << 18  # mktorrent's default (-l 18)
# Generated test media is small: smaller pieces still give a torrent several of them.
SMALL_PIECE_LENGTH = 1 << 16


def make_torrent(
    path: Path,
    trackers: list[str],
    piece_length: int = DEFAULT_PIECE_LENGTH,
    *,
    name: str | None = None,
) -> bytes:
    """Bencoded .torrent for a file or a directory tree; the first tracker is `announce`."""
    if piece_length <= 0 or piece_length & (piece_length - 1):
        raise ValueError(f"piece_length must be a positive power of two, got {piece_length}")
    if not path.exists():
        raise FileNotFoundError(f"no such file or directory: {path}")
    if path.is_dir():
        files = sorted(
            (p for p in path.rglob("*") if p.is_file()),
            key=lambda p: p.relative_to(path).as_posix().encode("utf-8"),
        )
        if not files:
            raise ValueError(f"directory holds no files: {path}")
    else:
        files = [path]
    info: dict[bytes, Bencoded] = {
        b"name": (name or path.name).encode("utf-8"),
        b"piece length": piece_length,
        b"pieces": b"".join(_piece_hashes(files, piece_length)),
    }
    if path.is_dir():
        info[b"files"] = [
            {
                b"length": f.stat().st_size,
                b"path": [part.encode("utf-8") for part in f.relative_to(path).parts],
            }
            for f in files
        ]
    else:
        info[b"length"] = path.stat().st_size
    meta: dict[bytes, Bencoded] = {b"info": info, b"created by": b"quentin-torrentino"}
    if trackers:
        meta[b"announce"] = trackers[0].encode("utf-8")
    if len(trackers) > 1:
        meta[b"announce-list"] = [[t.encode("utf-8")] for t in trackers]
    return encode(meta)


@dataclass(frozen=True)
class MadeTorrent:
    """A torrent built from files on disk, with what a test or the demo needs to know of it."""

    torrent_bytes: bytes
    info_hash: str
    name: str
    files: tuple[str, ...]  # paths relative to the parent of the content, "/"-separated

    @classmethod
    def build(cls, content: Path, *, announce: str | None = None,
              piece_length: int = SMALL_PIECE_LENGTH) -> MadeTorrent:
        """`make_torrent` of a single file or a directory, read back."""
        data = make_torrent(content, [announce] if announce else [], piece_length)
        meta = read_torrent_files(data)
        return cls(data, meta.info_hash, meta.name, tuple(f.path for f in meta.files))

    def magnet(self, trackers: tuple[str, ...] = ()) -> str:
        """A magnet URI carrying the hash, the display name and optional trackers."""
        parts = [f"xt=urn:btih:{self.info_hash}", f"dn={quote(self.name)}"]
        parts += [f"tr={quote(tracker, safe='')}" for tracker in trackers]
        return "magnet:?" + "&".join(parts)


def _piece_hashes(files: list[Path], piece_length: int) -> Iterator[bytes]:
    """SHA-1 of each piece of the files laid end to end (pieces cross file boundaries)."""
    buffer = bytearray()
    for file in files:
        with file.open("rb") as handle:
            while chunk := handle.read(1 << 20):
                buffer += chunk
                while len(buffer) >= piece_length:
                    yield hashlib.sha1(buffer[:piece_length]).digest()
                    del buffer[:piece_length]
    if buffer:
        yield hashlib.sha1(buffer).digest()
