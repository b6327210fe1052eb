"""Test-side view of a made torrent (hash, file names, magnet) over local/torrent_maker.py."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

from chalicelib.domain.bencode import read_torrent_files
from local import torrent_maker

DEFAULT_PIECE_LENGTH = 64 * 1024


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
    """Build a v1 torrent of a single file or of a directory."""
    data = torrent_maker.make_torrent(content, [announce] if announce else [], piece_length)
    meta = read_torrent_files(data)
    return MadeTorrent(data, meta.info_hash, meta.name, tuple(f.path for f in meta.files))
