"""Refuse a .torrent whose file names are hostile, before the torrent client sees it.

The clients sanitise names as they write (libtorrent turns `..` into `_`, drops NUL, makes an
escaping symlink point at itself), so nothing would land outside the save path; but a
release that needs that sanitising is not the release the indexer described, and the names
the service matched against would not be the names on disk. The agent refuses it with the
reason, and the flow tries the next candidate.
"""

from __future__ import annotations

from chalicelib.domain.bencode import decode, read_torrent_files
from workers.agent.source_paths import SourcePathRefused, safe_relative


def check_torrent_names(torrent_bytes: bytes) -> None:
    """Raise SourcePathRefused naming the first unsafe name (`..`, absolute, NUL, control
    characters, a symlink entry)."""
    try:
        meta = read_torrent_files(torrent_bytes)  # refuses '', '.', '..', '/' and NUL parts
    except ValueError as e:
        raise SourcePathRefused(f"the .torrent is refused: {e}") from None
    for file in meta.files:
        try:
            safe_relative(file.path)
        except SourcePathRefused as e:
            raise SourcePathRefused(f"the .torrent is refused: {e}") from None
    root = decode(torrent_bytes)
    info = root.get(b"info") if isinstance(root, dict) else None
    entries = info.get(b"files") if isinstance(info, dict) else None
    for index, entry in enumerate(entries if isinstance(entries, list) else []):
        if not isinstance(entry, dict):
            continue
        attr = entry.get(b"attr")
        if (isinstance(attr, bytes) and b"l" in attr) or b"symlink path" in entry:
            # BEP 47: the client would create a symlink, which could point anywhere.
            raise SourcePathRefused(f"the .torrent is refused: info.files[{index}] is a "
                                    f"symlink")
