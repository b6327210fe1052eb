"""Find the placer's leftover temp and backup files under the allowed roots."""

from __future__ import annotations

import os
import re
from collections.abc import Iterable
from pathlib import Path

# .qt-<ticket>-<16 hex>.part (temp) and .qt-<ticket>-backup-<16 hex> (backup)
STALE_NAME = re.compile(
    r"^\.qt-(?P<ticket>[A-Za-z0-9][A-Za-z0-9_-]*?)-(?:backup-)?[0-9a-f]{16}(?:\.part)?$")


def remove_stale_files(roots: Iterable[Path], ticket_id: str | None,
                       keep: set[str]) -> list[Path]:
    """Delete placer leftovers of `ticket_id` (or of any ticket) except the paths in `keep`.

    Walks every root without following symlinks, so it never leaves the roots; on a large
    library this is a full directory walk, which is why it is meant for start-up only.
    """
    removed: list[Path] = []
    for root in roots:
        for directory, _subdirs, names in os.walk(root):
            for name in names:
                match = STALE_NAME.match(name)
                if not match or (ticket_id is not None and match["ticket"] != ticket_id):
                    continue
                path = os.path.join(directory, name)
                if path in keep:
                    continue
                try:
                    os.unlink(path)
                except FileNotFoundError:  # overlapping roots: already removed
                    continue
                removed.append(Path(path))
    return removed
