"""Per-torrent resume data files in a state directory, written atomically.

One ``<info_hash>.resume`` file per torrent holds libtorrent's bencoded resume data. A crash
mid-write leaves either the old file or the new one, never a torn one.
"""

from __future__ import annotations

import contextlib
import os
import re
import tempfile
from pathlib import Path

_NAME = re.compile(r"^[0-9a-f]{40}\.resume$")


class ResumeStore:
    """Reads and writes resume data files under one directory."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        directory.mkdir(parents=True, exist_ok=True)

    def path_for(self, info_hash: str) -> Path:
        if not re.fullmatch(r"[0-9a-f]{40}", info_hash):
            raise ValueError(f"info_hash: expected 40 lower-case hex digits, got {info_hash!r}")
        return self.directory / f"{info_hash}.resume"

    def write(self, info_hash: str, data: bytes) -> None:
        """Replace the torrent's resume file atomically (temp file, fsync, rename)."""
        target = self.path_for(info_hash)
        handle, temporary = tempfile.mkstemp(dir=self.directory, prefix=".", suffix=".tmp")
        try:
            with os.fdopen(handle, "wb") as stream:
                stream.write(data)
                stream.flush()
                os.fsync(stream.fileno())
            os.replace(temporary, target)
        except BaseException:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(temporary)
            raise

    def delete(self, info_hash: str) -> None:
        self.path_for(info_hash).unlink(missing_ok=True)

    def load_all(self) -> dict[str, bytes]:
        """Every stored resume file by info hash (stray temp files are ignored)."""
        return {
            path.name.removesuffix(".resume"): path.read_bytes()
            for path in sorted(self.directory.iterdir())
            if _NAME.match(path.name)
        }
