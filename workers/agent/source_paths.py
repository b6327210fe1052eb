"""Where a work order's source files may be read from: only below the download's root.

A work file's `path` comes from torrent metadata (through the service's catalog and parser)
and names a file below a save path or `source_dir`. The torrent client sanitises what it
writes, but the agent reads by the work order's text, so it checks that text itself: no
absolute path, no `..`, no NUL or control characters, and on disk no symlink anywhere below
the root and nothing that resolves outside it. Reading through such a path would convert or
copy into the library a file the torrent never held.
"""

from __future__ import annotations

import os
import re
from pathlib import Path, PurePosixPath

_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


class SourcePathRefused(ValueError):
    """A source path the agent will not read; the message says why."""


def safe_relative(path: str | PurePosixPath) -> PurePosixPath:
    """`path` as a relative path that stays below wherever it is joined, or refused."""
    text = str(path)
    control = _CONTROL.search(text)
    if control:
        raise SourcePathRefused(f"path {text!r} contains a control character "
                                f"(U+{ord(control[0]):04X})")
    if not text.strip() or text.strip() in (".", "/"):
        raise SourcePathRefused(f"path {text!r} names no file")
    if text.startswith("/") or re.match(r"^[A-Za-z]:[\\/]", text):
        raise SourcePathRefused(f"path {text!r} is absolute")
    relative = PurePosixPath(text.replace("\\", "/"))
    if ".." in relative.parts:
        raise SourcePathRefused(f"path {text!r} contains '..'")
    return relative


def contained_file(root: Path, path: str | PurePosixPath) -> Path:
    """The file `path` names below `root`, refused if it (or a folder on the way) is a
    symlink or resolves outside `root`. The file itself need not exist yet."""
    relative = safe_relative(path)
    current = root
    for part in relative.parts:
        current = current / part
        if current.is_symlink():
            raise SourcePathRefused(f"path {str(path)!r}: {current} is a symlink")
    real_root = Path(os.path.realpath(root))
    real = Path(os.path.realpath(current))
    if real != real_root and not real.is_relative_to(real_root):
        raise SourcePathRefused(f"path {str(path)!r} resolves to {real}, outside {real_root}")
    return current


def check_local_file(path: Path, root: Path | None) -> Path:
    """A downloaded file's path as the download stage reported it: below `root` when that
    is known, and never a symlink."""
    if root is not None:
        try:
            relative = PurePosixPath(os.path.relpath(path, root))
        except ValueError as e:
            raise SourcePathRefused(f"{path} is not below {root}") from e
        return contained_file(root, relative)
    if "\x00" in str(path):
        raise SourcePathRefused(f"path {str(path)!r} contains a NUL byte")
    if path.is_symlink():
        raise SourcePathRefused(f"{path} is a symlink")
    return path
