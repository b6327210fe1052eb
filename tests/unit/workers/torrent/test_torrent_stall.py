from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from workers.torrent.client import TorrentState, TorrentStatus
from workers.torrent.stall import StallDetector

HASH = "a" * 40


class FakeMonotonic:
    """A monotonic time source (the stall detector takes a callable, not the Clock port)."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


def status(
    progress: float = 0.25, state: TorrentState = TorrentState.DOWNLOADING, info_hash: str = HASH
) -> TorrentStatus:
    return TorrentStatus(
        info_hash=info_hash,
        name="Album",
        state=state,
        progress=progress,
        download_speed_bps=0,
        upload_speed_bps=0,
        eta_seconds=None,
        downloaded_bytes=int(progress * 1000),
        uploaded_bytes=0,
        ratio=0.0,
        seeding_time_seconds=0,
        save_path=Path("/downloads"),
        wanted_bytes=1000,
    )


@pytest.fixture
def clock() -> FakeMonotonic:
    return FakeMonotonic()


@pytest.fixture
def detector(clock: FakeMonotonic) -> StallDetector:
    return StallDetector(stall_after_seconds=600, clock=clock)


def test_no_progress_for_the_configured_time_is_a_stall(
    detector: StallDetector, clock: FakeMonotonic
) -> None:
    assert detector.observe(status(0.25)) is None
    clock.advance(599)
    assert detector.observe(status(0.25)) is None
    clock.advance(1)
    stalled = detector.observe(status(0.25))
    assert stalled is not None
    assert stalled.info_hash == HASH
    assert stalled.stalled_for_seconds == 600
    assert stalled.reason == "download stalled: no progress at 25.0% for 600s"


def test_progress_restarts_the_clock(detector: StallDetector, clock: FakeMonotonic) -> None:
    detector.observe(status(0.25))
    clock.advance(500)
    assert detector.observe(status(0.30)) is None
    clock.advance(500)
    assert detector.observe(status(0.30)) is None  # only 500 s since the last progress
    clock.advance(100)
    assert detector.observe(status(0.30)) is not None


def test_progress_going_back_does_not_restart_the_clock(
    detector: StallDetector, clock: FakeMonotonic
) -> None:
    detector.observe(status(0.5))
    clock.advance(400)
    detector.observe(status(0.4))  # a failed hash check throws a piece away
    clock.advance(200)
    assert detector.observe(status(0.45)) is not None


def test_missing_metadata_is_reported_as_such(detector: StallDetector,
                                              clock: FakeMonotonic) -> None:
    detector.observe(status(0.0, TorrentState.FETCHING_METADATA))
    clock.advance(601)
    stalled = detector.observe(status(0.0, TorrentState.FETCHING_METADATA))
    assert stalled is not None
    assert stalled.reason == "download stalled: no metadata received for 601s"


def test_metadata_arriving_counts_as_progress(detector: StallDetector,
                                              clock: FakeMonotonic) -> None:
    detector.observe(status(0.0, TorrentState.FETCHING_METADATA))
    clock.advance(590)
    assert detector.observe(status(0.0, TorrentState.DOWNLOADING)) is None
    clock.advance(590)
    assert detector.observe(status(0.0, TorrentState.DOWNLOADING)) is None


@pytest.mark.parametrize(
    "state", [TorrentState.PAUSED, TorrentState.QUEUED, TorrentState.CHECKING, TorrentState.ERROR]
)
def test_time_not_spent_downloading_does_not_count(
    detector: StallDetector, clock: FakeMonotonic, state: TorrentState
) -> None:
    detector.observe(status(0.25))
    clock.advance(590)
    assert detector.observe(status(0.25, state)) is None
    clock.advance(5000)
    assert detector.observe(status(0.25, state)) is None
    assert detector.observe(status(0.25)) is None  # downloading again: the clock starts afresh
    clock.advance(599)
    assert detector.observe(status(0.25)) is None


def test_a_complete_torrent_never_stalls(detector: StallDetector, clock: FakeMonotonic) -> None:
    detector.observe(status(1.0, TorrentState.SEEDING))
    clock.advance(10_000)
    assert detector.observe(status(1.0, TorrentState.SEEDING)) is None


def test_torrents_are_tracked_independently(detector: StallDetector, clock: FakeMonotonic) -> None:
    other = "b" * 40
    detector.observe(status(0.1))
    clock.advance(400)
    detector.observe(status(0.1, info_hash=other))
    clock.advance(200)
    assert detector.observe(status(0.1)) is not None
    assert detector.observe(status(0.1, info_hash=other)) is None


def test_forget_drops_the_history(detector: StallDetector, clock: FakeMonotonic) -> None:
    detector.observe(status(0.1))
    clock.advance(700)
    detector.forget(HASH)
    assert detector.observe(status(0.1)) is None


def test_the_stall_time_must_be_positive() -> None:
    with pytest.raises(ValueError, match="stall_after_seconds"):
        StallDetector(stall_after_seconds=0)


def test_status_is_immutable() -> None:
    with pytest.raises(dataclasses.FrozenInstanceError):
        status().progress = 0.5  # type: ignore[misc]
