from __future__ import annotations

from pathlib import Path

import pytest

from workers.torrent.client import TorrentState, TorrentStatus
from workers.torrent.seeding import SeedingPolicy


def status(
    *,
    progress: float = 1.0,
    ratio: float = 0.0,
    seeding: int = 0,
    state: TorrentState = TorrentState.SEEDING,
    error: str | None = None,
) -> TorrentStatus:
    return TorrentStatus(
        info_hash="c" * 40,
        name="Album",
        state=state,
        progress=progress,
        download_speed_bps=0,
        upload_speed_bps=0,
        eta_seconds=None,
        downloaded_bytes=1000,
        uploaded_bytes=int(ratio * 1000),
        ratio=ratio,
        seeding_time_seconds=seeding,
        save_path=Path("/downloads"),
        wanted_bytes=1000,
        error=error,
    )


POLICY = SeedingPolicy(min_ratio=1.0, max_seeding_seconds=3600)


def test_keeps_seeding_below_ratio_and_time() -> None:
    decision = POLICY.decide(status(ratio=0.5, seeding=1800))
    assert not decision.eligible_for_cleanup
    assert decision.reason == "seeding: ratio 0.50 < 1.00 and 1800s < 3600s"


def test_ratio_goal_makes_it_eligible() -> None:
    decision = POLICY.decide(status(ratio=1.0, seeding=10))
    assert decision.eligible_for_cleanup
    assert "ratio 1.00 reached" in decision.reason


def test_seeding_time_makes_it_eligible_even_with_a_low_ratio() -> None:
    decision = POLICY.decide(status(ratio=0.1, seeding=3600))
    assert decision.eligible_for_cleanup
    assert "seeded 3600s" in decision.reason


def test_an_incomplete_download_is_never_eligible() -> None:
    decision = POLICY.decide(
        status(progress=0.99, ratio=5.0, seeding=10**6, state=TorrentState.DOWNLOADING)
    )
    assert not decision.eligible_for_cleanup
    assert "not complete" in decision.reason


def test_a_paused_finished_torrent_follows_the_same_rules() -> None:
    assert not POLICY.decide(status(state=TorrentState.PAUSED, ratio=0.2)).eligible_for_cleanup
    assert POLICY.decide(status(state=TorrentState.PAUSED, ratio=2.0)).eligible_for_cleanup


def test_a_finished_torrent_in_error_can_be_cleaned_up() -> None:
    decision = POLICY.decide(status(state=TorrentState.ERROR, error="files missing"))
    assert decision.eligible_for_cleanup
    assert decision.reason == "cannot seed: files missing"


def test_default_policy_is_ratio_one() -> None:
    assert SeedingPolicy().min_ratio == 1.0
    assert not SeedingPolicy().decide(status(ratio=0.99, seeding=60)).eligible_for_cleanup


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [({"min_ratio": -1.0}, "min_ratio"), ({"max_seeding_seconds": -5}, "max_seeding_seconds")],
)
def test_bad_configuration_names_the_field(kwargs: dict[str, float], field: str) -> None:
    with pytest.raises(ValueError, match=field):
        SeedingPolicy(**kwargs)  # type: ignore[arg-type]
