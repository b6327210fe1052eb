"""Decide whether a destination path may be written: inside an allowed root, no escapes."""

from __future__ import annotations

import os
import re
from collections.abc import Sequence
from pathlib import Path

from workers.media.errors import PlacementRefused

# Names the placer itself uses for temp and backup files; a destination may not take them.
RESERVED_PREFIX = ".qt-"
_TICKET_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,127}$")


def check_ticket_id(ticket_id: str) -> str:
    """Ticket ids become parts of file names, so only [A-Za-z0-9_-] are allowed."""
    if not isinstance(ticket_id, str) or not _TICKET_ID.match(ticket_id):
        raise PlacementRefused(f"ticket_id {ticket_id!r} must be 1-128 characters of "
                               f"letters, digits, '_' or '-'")
    return ticket_id


class DestinationGuard:
    """Refuses destinations outside the allowed roots, even through symlinks."""

    def __init__(self, allowed_roots: Sequence[Path]) -> None:
        if not allowed_roots:
            raise PlacementRefused("allowed_roots must name at least one directory")
        lexical: list[Path] = []
        for root in allowed_roots:
            if not root.is_absolute():
                raise PlacementRefused(f"allowed root {root} must be an absolute path")
            if not root.is_dir():
                raise PlacementRefused(f"allowed root {root} is not an existing directory")
            lexical.append(Path(os.path.normpath(root)))
        self._lexical = tuple(lexical)
        self._resolved = tuple(Path(os.path.realpath(r)) for r in lexical)

    @property
    def roots(self) -> tuple[Path, ...]:
        return self._resolved

    def check(self, dest: Path) -> Path:
        """Return the normalised `dest`, or raise PlacementRefused naming the reason."""
        text = str(dest)
        if "\x00" in text:
            raise PlacementRefused(f"dest {text!r} contains a NUL byte")
        if not dest.is_absolute():
            raise PlacementRefused(f"dest {dest} must be an absolute path")
        if ".." in dest.parts:
            raise PlacementRefused(f"dest {dest} contains '..'")
        normal = Path(os.path.normpath(dest))
        if normal.name.startswith(RESERVED_PREFIX):
            raise PlacementRefused(f"dest {dest}: names starting with {RESERVED_PREFIX!r} "
                                   f"are reserved for the placer's temp files")
        if not any(_strictly_inside(normal, root)
                   for root in self._lexical + self._resolved):
            raise PlacementRefused(f"dest {dest} is outside the allowed roots")
        self.check_parent(normal)
        if normal.is_symlink():
            raise PlacementRefused(f"dest {dest} is a symlink; refusing to replace it")
        if normal.is_dir():
            raise PlacementRefused(f"dest {dest} is a directory")
        return normal

    def check_parent(self, dest: Path) -> None:
        """The deepest existing ancestor of dest, symlinks resolved, must be in a root.

        Called again right before writing, so a symlink swapped in after the first check
        is still caught (short of a race inside the same few microseconds).
        """
        ancestor = dest.parent
        while not os.path.lexists(ancestor) and ancestor != ancestor.parent:
            ancestor = ancestor.parent
        real = Path(os.path.realpath(ancestor))
        if not any(real == root or _strictly_inside(real, root) for root in self._resolved):
            raise PlacementRefused(f"dest {dest} resolves through {ancestor} to {real}, "
                                   f"outside the allowed roots")


def _strictly_inside(path: Path, root: Path) -> bool:
    return path != root and path.is_relative_to(root)
