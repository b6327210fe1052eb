"""Seeding policy: give back to the swarm before cleaning up a finished torrent.

A finished torrent keeps seeding until it reached the ratio goal or seeded for the configured
time, whichever comes first; then it is eligible for cleanup. Pure logic.
"""

from __future__ import annotations

from dataclasses import dataclass

from workers.torrent.client import TorrentState, TorrentStatus


@dataclass(frozen=True)
class SeedingDecision:
    """Whether a torrent may be removed now, and why."""

    eligible_for_cleanup: bool
    reason: str


@dataclass(frozen=True)
class SeedingPolicy:
    """Seed until ``ratio >= min_ratio`` or ``seeding_time >= max_seeding_seconds``."""

    min_ratio: float = 1.0
    max_seeding_seconds: int = 7 * 24 * 3600

    def __post_init__(self) -> None:
        if self.min_ratio < 0:
            raise ValueError(f"min_ratio: must be >= 0, got {self.min_ratio}")
        if self.max_seeding_seconds < 0:
            raise ValueError(f"max_seeding_seconds: must be >= 0, got {self.max_seeding_seconds}")

    def decide(self, status: TorrentStatus) -> SeedingDecision:
        if status.progress < 1.0:
            return SeedingDecision(False, f"download not complete ({status.progress:.1%})")
        if status.state is TorrentState.ERROR:
            # A finished torrent in error (e.g. files moved away) cannot seed any more.
            return SeedingDecision(True, f"cannot seed: {status.error or 'client error'}")
        if status.ratio >= self.min_ratio:
            return SeedingDecision(
                True, f"ratio {status.ratio:.2f} reached the goal of {self.min_ratio:.2f}"
            )
        if status.seeding_time_seconds >= self.max_seeding_seconds:
            return SeedingDecision(
                True,
                f"seeded {status.seeding_time_seconds}s, the limit is {self.max_seeding_seconds}s "
                f"(ratio {status.ratio:.2f})",
            )
        return SeedingDecision(
            False,
            f"seeding: ratio {status.ratio:.2f} < {self.min_ratio:.2f} and "
            f"{status.seeding_time_seconds}s < {self.max_seeding_seconds}s",
        )
