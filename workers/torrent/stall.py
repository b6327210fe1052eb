"""Stalled-download detection: no progress for a configured time means the download stalled.

Pure logic. The caller feeds each ``TorrentStatus`` it polls into ``observe``; the clock is
injectable so tests need no sleeping.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

from workers.torrent.client import TorrentState, TorrentStatus

# Only these states are expected to make progress by themselves; in any other state
# (paused, queued, checking, seeding, error...) the stall clock does not run.
_PROGRESSING_STATES = frozenset({TorrentState.FETCHING_METADATA, TorrentState.DOWNLOADING})


@dataclass(frozen=True)
class DownloadStalled:
    """Why a download counts as stalled, in words an operator can act on."""

    info_hash: str
    stalled_for_seconds: float
    progress: float
    state: TorrentState

    @property
    def reason(self) -> str:
        if self.state is TorrentState.FETCHING_METADATA:
            what = "no metadata received"
        else:
            what = f"no progress at {self.progress:.1%}"
        return f"download stalled: {what} for {self.stalled_for_seconds:.0f}s"


@dataclass(frozen=True)
class _Mark:
    since: float  # when the clock last saw progress (or started watching)
    progress: float
    has_metadata: bool


class StallDetector:
    """Tracks the last progress of each torrent and reports those without any for too long."""

    def __init__(self, *, stall_after_seconds: float, clock: Callable[[], float] = time.monotonic):
        if stall_after_seconds <= 0:
            raise ValueError(f"stall_after_seconds: must be positive, got {stall_after_seconds}")
        self._stall_after = stall_after_seconds
        self._clock = clock
        self._marks: dict[str, _Mark] = {}

    def observe(self, status: TorrentStatus) -> DownloadStalled | None:
        """Record ``status``; return a ``DownloadStalled`` when it made no progress for too long."""
        now = self._clock()
        has_metadata = status.state is not TorrentState.FETCHING_METADATA
        if status.state not in _PROGRESSING_STATES or status.is_complete:
            # Time spent paused or queued is not the swarm's fault: start afresh later.
            self._marks.pop(status.info_hash, None)
            return None
        mark = self._marks.get(status.info_hash)
        if (
            mark is None
            or status.progress > mark.progress
            or (has_metadata and not mark.has_metadata)
        ):
            self._marks[status.info_hash] = _Mark(now, status.progress, has_metadata)
            return None
        # Progress can drop (failed hash check, priorities changed); keep the old start time.
        waited = now - mark.since
        if waited < self._stall_after:
            return None
        return DownloadStalled(status.info_hash, waited, status.progress, status.state)

    def forget(self, info_hash: str) -> None:
        """Stop tracking a torrent (removed, or handed over)."""
        self._marks.pop(info_hash, None)
