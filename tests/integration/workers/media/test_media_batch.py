"""convert_all with real ffmpeg: priority order, progress, cancellation."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest

from workers.media.batch import BatchProgress, convert_all
from workers.media.formats import OutputFormat
from workers.media.job import ConversionJob
from workers.media.probe import probe


def test_jobs_run_highest_priority_first_and_report_progress(flac_44k: Path,
                                                             tmp_path: Path) -> None:
    jobs = [ConversionJob(flac_44k, tmp_path / f"{name}.opus", OutputFormat.OPUS,
                          priority=priority, label=name)
            for name, priority in [("low", 1), ("high", 900), ("mid", 50)]]
    reports: list[BatchProgress] = []

    outcomes = convert_all(jobs, max_workers=1, progress=reports.append)

    # One worker: completion order is start order.
    assert [r.outcome.job.label for r in reports] == ["high", "mid", "low"]
    assert [r.completed for r in reports] == [1, 2, 3]
    assert all(r.total == 3 for r in reports)
    assert [o.job.label for o in outcomes] == ["low", "high", "mid"]  # input order
    assert all(o.ok and probe(o.job.output).codec == "opus" for o in outcomes)


def test_a_failing_job_does_not_stop_the_others(flac_44k: Path, tmp_path: Path) -> None:
    jobs = [ConversionJob(tmp_path / "missing.flac", tmp_path / "a.mp3", OutputFormat.MP3),
            ConversionJob(flac_44k, tmp_path / "b.mp3", OutputFormat.MP3)]

    first, second = convert_all(jobs, max_workers=2)

    assert first.error is not None and "does not exist" in first.error.reason
    assert second.ok and second.result is not None


def test_cancel_terminates_running_ffmpeg(long_flac: Path, tmp_path: Path) -> None:
    long_source = long_flac
    jobs = [ConversionJob(long_source, tmp_path / f"{i}.ogg", OutputFormat.OGG_VORBIS,
                          bitrate_kbps=320) for i in range(3)]
    cancel = threading.Event()
    threading.Timer(0.5, cancel.set).start()

    started = time.monotonic()
    outcomes = convert_all(jobs, max_workers=2, cancel=cancel)
    elapsed = time.monotonic() - started

    assert elapsed < 5, f"cancel took {elapsed:.1f} s"
    assert all(o.error is not None and o.error.cancelled and o.error.retryable
               for o in outcomes)
    assert not any(job.output.exists() for job in jobs)


def test_max_workers_must_be_positive(flac_44k: Path, tmp_path: Path) -> None:
    job = ConversionJob(flac_44k, tmp_path / "x.flac", OutputFormat.FLAC)
    with pytest.raises(ValueError, match="max_workers"):
        convert_all([job], max_workers=-1)
