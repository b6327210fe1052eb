"""Errors raised by the media pipeline (probe, conversion, tagging, placement)."""

from __future__ import annotations

from pathlib import Path


class MediaError(Exception):
    """Base of every error raised by workers.media."""


class InvalidMediaRequest(MediaError, ValueError):
    """A job, tag set or placement is malformed; the message names the offending field."""


class ProbeError(MediaError):
    """ffprobe could not read a file (missing, not media, or ffprobe not installed)."""

    def __init__(self, path: Path, reason: str) -> None:
        super().__init__(f"cannot probe {path}: {reason}")
        self.path = path
        self.reason = reason


class ConversionError(MediaError):
    """A conversion failed; `retryable` says whether running it again may succeed."""

    def __init__(
        self,
        source: Path,
        reason: str,
        *,
        retryable: bool,
        cancelled: bool = False,
        stderr_tail: str = "",
    ) -> None:
        detail = f"{reason}: {stderr_tail}" if stderr_tail else reason
        super().__init__(f"converting {source} failed: {detail}")
        self.source = source
        self.reason = reason
        self.retryable = retryable
        self.cancelled = cancelled
        self.stderr_tail = stderr_tail


class TaggingError(MediaError):
    """Tags or cover art could not be written or read."""


class PlacementError(MediaError):
    """A placement could not be carried out."""


class PlacementRefused(PlacementError, InvalidMediaRequest):
    """A placement is refused before anything is touched (path escape, '..', bad ticket id)."""
