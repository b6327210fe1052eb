"""Is there room for a download, its conversion and its placement? Checked before a byte
of payload arrives, so a full disk fails the ticket at once with the numbers, not hours
later in the middle of a write."""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

FreeBytes = Callable[[Path], int]


def free_bytes(path: Path) -> int:
    return shutil.disk_usage(path).free


@dataclass(frozen=True)
class Need:
    """`bytes` must fit below `path` (an existing folder or one to be made)."""

    path: Path
    bytes: int
    what: str  # "download", "conversion", "destination"


def existing_ancestor(path: Path) -> Path:
    while not path.exists() and path != path.parent:
        path = path.parent
    return path


def shortage(needs: Iterable[Need], free: FreeBytes = free_bytes) -> str | None:
    """None when every need fits; else which filesystem is short and by how much.

    Needs on the same filesystem add up (download, work and media dirs often share one).
    """
    by_device: dict[int, tuple[Path, int, list[str]]] = {}
    for need in needs:
        if need.bytes <= 0:
            continue
        place = existing_ancestor(need.path)
        device = os.stat(place).st_dev
        first, total, whats = by_device.get(device, (place, 0, []))
        by_device[device] = (first, total + need.bytes,
                             whats if need.what in whats else [*whats, need.what])
    for place, total, whats in by_device.values():
        available = free(place)
        if available < total:
            return (f"not enough disk space at {place}: {' + '.join(whats)} need "
                    f"{_size(total)}, {_size(available)} free")
    return None


def _size(count: int) -> str:
    if count < 1 << 20:
        return f"{count} B"
    size = count / (1 << 20)
    for unit in ("MiB", "GiB"):
        if size < 1024:
            return f"{size:.2f} {unit}"
        size /= 1024
    return f"{size:.2f} TiB"
