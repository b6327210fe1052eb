"""DynamoRateLimiter against moto's server: spacing, back-off, and races between processes."""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import datetime

import pytest

from chalicelib.adapters.aws.rate_limiter import DynamoRateLimiter
from chalicelib.adapters.aws.searcher_models import SearcherModels, build_searcher_models
from chalicelib.config import Config
from chalicelib.domain.indexers import RateLimited
from tests.support.fakes import FakeClock


class InterruptingClock(FakeClock):
    """Runs `interrupt` once, the first time the limiter reads the time (after its read)."""

    def __init__(self, shared: FakeClock, interrupt: Callable[[], None]) -> None:
        super().__init__()
        self._shared = shared
        self._interrupt: Callable[[], None] | None = interrupt
        self.calls = 0

    def now(self) -> datetime:
        self.calls += 1
        if self._interrupt is not None:
            interrupt, self._interrupt = self._interrupt, None
            interrupt()
        return self._shared.now()


@pytest.fixture
def models(aws_config: Config) -> SearcherModels:
    return build_searcher_models(aws_config)


@pytest.fixture
def other_models(aws_config: Config) -> SearcherModels:
    """Separate model classes with their own connection, as another process builds them."""
    return build_searcher_models(aws_config)


def test_requests_to_one_indexer_are_spaced(models: SearcherModels) -> None:
    clock = FakeClock()
    limiter = DynamoRateLimiter(models, clock)  # default spacing: 2 s
    assert limiter.acquire("jackett") == 0.0
    assert limiter.acquire("jackett") == 2.0
    assert limiter.acquire("jackett") == 4.0
    assert limiter.acquire("other") == 0.0
    clock.advance(10)
    assert limiter.acquire("jackett") == 0.0
    clock.advance(0.5)
    assert limiter.acquire("jackett") == pytest.approx(1.5)


def test_two_processes_share_the_spacing(
    models: SearcherModels, other_models: SearcherModels
) -> None:
    clock = FakeClock()
    first = DynamoRateLimiter(models, clock, min_interval_secs=3.0)
    second = DynamoRateLimiter(other_models, clock, min_interval_secs=3.0)
    assert first.acquire("idx") == 0.0
    assert second.acquire("idx") == 3.0
    assert first.acquire("idx") == 6.0


def test_a_process_that_loses_the_race_takes_the_next_slot(
    models: SearcherModels, other_models: SearcherModels
) -> None:
    shared = FakeClock()
    rival = DynamoRateLimiter(other_models, shared)
    rival_waits: list[float] = []
    # The rival acquires between our read of the row and our conditional write.
    clock = InterruptingClock(shared, lambda: rival_waits.append(rival.acquire("idx")))
    ours = DynamoRateLimiter(models, clock)
    our_wait = ours.acquire("idx")
    assert rival_waits == [0.0]
    assert our_wait == 2.0  # our first write was refused, the retry took the next slot
    assert clock.calls == 2  # decided twice: once with the stale row, once with the winner's


def test_racing_processes_never_take_the_same_slot(
    models: SearcherModels, other_models: SearcherModels
) -> None:
    clock = FakeClock()
    limiters = [DynamoRateLimiter(models, clock),
                DynamoRateLimiter(other_models, clock)]  # fmt: skip
    per_limiter = 6
    start = threading.Barrier(len(limiters) * per_limiter)
    waits: list[float] = []
    errors: list[BaseException] = []
    lock = threading.Lock()

    def grab(limiter: DynamoRateLimiter) -> None:
        start.wait()
        try:
            wait = limiter.acquire("busy")
        except BaseException as e:  # reported below rather than lost in the thread
            errors.append(e)
            return
        with lock:
            waits.append(wait)

    threads = [threading.Thread(target=grab, args=(limiter,))
               for limiter in limiters for _ in range(per_limiter)]  # fmt: skip
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors
    assert sorted(waits) == [2.0 * n for n in range(len(threads))]


def test_failures_back_off_escalating_and_success_resets(
    models: SearcherModels, other_models: SearcherModels
) -> None:
    clock = FakeClock()
    limiter = DynamoRateLimiter(models, clock, min_interval_secs=0)
    other_process = DynamoRateLimiter(other_models, clock, 0)
    limiter.record_failure("flaky")
    with pytest.raises(RateLimited) as caught:
        other_process.acquire("flaky")  # the back-off is shared too
    assert caught.value.retry_after == 60
    assert caught.value.indexer == "flaky"
    clock.advance(60)
    assert limiter.acquire("flaky") == 0
    limiter.record_failure("flaky")
    health = other_process.status("flaky")
    assert health.consecutive_failures == 2
    assert health.blocked_until == clock.epoch + 120
    assert health.last_failure_at == clock.epoch
    assert health.is_blocked(clock.epoch + 119)
    clock.advance(120)
    limiter.record_success("flaky")
    health = limiter.status("flaky")
    assert health.consecutive_failures == 0
    assert health.blocked_until is None
    assert health.last_success_at == clock.epoch
    assert limiter.acquire("flaky") == 0


def test_back_off_is_capped_at_a_day(models: SearcherModels) -> None:
    clock = FakeClock()
    limiter = DynamoRateLimiter(models, clock)
    for _ in range(15):
        limiter.record_failure("dead")
    with pytest.raises(RateLimited) as caught:
        limiter.acquire("dead")
    assert caught.value.retry_after == 24 * 3600
    assert limiter.status("dead").consecutive_failures == 15


def test_unknown_indexer_is_healthy(models: SearcherModels) -> None:
    health = DynamoRateLimiter(models, FakeClock()).status("never-seen")
    assert health.consecutive_failures == 0
    assert health.blocked_until is None
    assert health.last_success_at is None
