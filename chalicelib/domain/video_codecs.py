"""The video codecs a ticket may ask its files to be converted to: one list, read by the
request validation (API) and by the agent's converter, so the two cannot disagree."""

from __future__ import annotations

COPY = "copy"  # keep the source's video stream (a remux when the container changes)
TARGET_VIDEO_CODECS: tuple[str, ...] = (COPY, "h264", "hevc", "av1", "vp9")
