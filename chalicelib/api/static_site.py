"""The built dashboard served from a directory (locally; in AWS it lives on S3 static hosting).

Only files inside the directory are ever read: every path is checked segment by segment and
again after resolving symlinks.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from chalicelib.domain.errors import NotFound

CONTENT_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".mjs": "text/javascript; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".json": "application/json",
    ".map": "application/json",
    ".svg": "image/svg+xml",
    ".txt": "text/plain; charset=utf-8",
    ".webmanifest": "application/manifest+json",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".ico": "image/x-icon",
    ".webp": "image/webp",
    ".woff2": "font/woff2",
}
# Served as bytes; the Chalice app must list them in app.api.binary_types.
BINARY_TYPES = ("image/png", "image/jpeg", "image/x-icon", "image/webp", "font/woff2",
                "application/octet-stream")
INDEX = "index.html"


@dataclass(frozen=True)
class StaticFile:
    body: str | bytes
    content_type: str
    cache_control: str


def static_path(root: Path, requested: str) -> Path:
    """The file under `root` that `requested` (a URL path without the leading /) names.

    Raises NotFound for anything that would leave `root`, for hidden files, and for API paths.
    """
    if "\\" in requested or "\x00" in requested:
        raise NotFound(f"no such file: {requested!r}")
    parts = PurePosixPath(requested).parts if requested else ()
    if requested.startswith("/") or any(p in ("..", ".") or p.startswith(".") for p in parts):
        raise NotFound(f"no such file: {requested!r}")
    if parts and parts[0] == "api":
        raise NotFound(f"no such API route: /{requested}")
    base = root.resolve()
    target = (base.joinpath(*parts) if parts else base / INDEX).resolve()
    if target != base and base not in target.parents:
        raise NotFound(f"no such file: {requested!r}")
    return target


def read_static(root: Path, requested: str) -> StaticFile:
    """The file's body and headers; unknown extensionless paths get index.html (SPA routes)."""
    if not (root / INDEX).is_file():
        raise NotFound(f"the dashboard is not built in {root} (run: make dashboard)")
    try:
        return _read(root, requested)
    except OSError as e:  # a name too long for the file system, a file that vanished
        raise NotFound(f"no such file: {requested[:200]!r}") from e


def _read(root: Path, requested: str) -> StaticFile:
    path = static_path(root, requested)
    if path.is_dir():
        path = path / INDEX
    if not path.is_file():
        if PurePosixPath(requested).suffix:
            raise NotFound(f"no such file: {requested!r}")
        path = root.resolve() / INDEX
    content_type = CONTENT_TYPES.get(path.suffix.lower(), "application/octet-stream")
    # Vite puts a content hash in asset names, so they can be cached for good; index.html not.
    cache = "no-cache" if path.name == INDEX else "public, max-age=31536000, immutable"
    data = path.read_bytes()
    if content_type in BINARY_TYPES:
        return StaticFile(data, content_type, cache)
    return StaticFile(data.decode("utf-8"), content_type, cache)
