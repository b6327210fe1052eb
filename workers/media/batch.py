"""Run many conversions in parallel, highest priority first."""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from workers.media.converter import ConversionResult, Converter
from workers.media.errors import ConversionError
from workers.media.job import ConversionJob

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class JobOutcome:
    """What became of one job: a result or an error, never both."""

    job: ConversionJob
    result: ConversionResult | None = None
    error: ConversionError | None = None

    @property
    def ok(self) -> bool:
        return self.error is None


@dataclass(frozen=True)
class BatchProgress:
    """Reported after each job finishes; `completed` counts up to `total`."""

    completed: int
    total: int
    outcome: JobOutcome


ProgressCallback = Callable[[BatchProgress], None]


def convert_all(
    jobs: Sequence[ConversionJob],
    max_workers: int | None = None,
    *,
    progress: ProgressCallback | None = None,
    cancel: threading.Event | None = None,
    converter: Converter | None = None,
) -> list[JobOutcome]:
    """Convert `jobs` on `max_workers` threads (default: CPU count); outcomes in input order.

    Jobs start in descending `priority` (ties keep input order). Setting `cancel` terminates
    running ffmpeg processes and fails the jobs not yet started as cancelled.
    """
    if not jobs:
        return []
    workers = max_workers or os.cpu_count() or 1
    if workers < 1:
        raise ValueError(f"max_workers must be >= 1, got {max_workers}")
    chosen = converter or Converter()
    outcomes: list[JobOutcome | None] = [None] * len(jobs)
    lock = threading.Lock()
    completed = 0

    def run(index: int) -> None:
        nonlocal completed
        job = jobs[index]
        try:
            outcome = JobOutcome(job, result=chosen.convert(job, cancel))
        except ConversionError as exc:
            outcome = JobOutcome(job, error=exc)
        except Exception as exc:  # a bug must not lose the other jobs' outcomes
            log.exception("conversion of %s crashed", job.name)
            outcome = JobOutcome(job, error=ConversionError(
                job.source, f"unexpected {type(exc).__name__}: {exc}", retryable=False))
        with lock:
            outcomes[index] = outcome
            completed += 1
            if progress is not None:
                try:
                    progress(BatchProgress(completed, len(jobs), outcome))
                except Exception:
                    log.exception("progress callback failed")

    # The executor's queue is FIFO, so submission order is start order.
    order = sorted(range(len(jobs)), key=lambda i: -jobs[i].priority)
    with ThreadPoolExecutor(max_workers=min(workers, len(jobs)),
                            thread_name_prefix="convert") as pool:
        for index in order:
            pool.submit(run, index)
    return [outcome for outcome in outcomes if outcome is not None]
