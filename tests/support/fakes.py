"""In-memory implementations of the ports (chalicelib/ports.py) for unit tests of use cases.

They keep the contracts the real adapters keep (a stale save is refused with Conflict, pages
carry a cursor, `now()` is timezone-aware) so that a use case tested here behaves the same
on DynamoDB and Step Functions.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

EPOCH_START = 1_700_000_000.0


class FakeClock:
    """Time that moves only when told: `advance`, `sleep` (recorded), or `tick` per read."""

    def __init__(self, start: datetime | float = EPOCH_START, *, tick_secs: float = 0.0) -> None:
        self.at = start if isinstance(start, datetime) else datetime.fromtimestamp(start, UTC)
        self.tick_secs = tick_secs
        self.slept: list[float] = []

    def now(self) -> datetime:
        current = self.at
        if self.tick_secs:
            self.at += timedelta(seconds=self.tick_secs)
        return current

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.advance(seconds)

    def advance(self, seconds: float) -> None:
        self.at += timedelta(seconds=seconds)

    @property
    def epoch(self) -> float:
        """The current time in seconds since the epoch (what limiters and caches store)."""
        return self.at.timestamp()
