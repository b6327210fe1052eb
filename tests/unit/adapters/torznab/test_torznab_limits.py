import pytest

from chalicelib.adapters.torznab.limits import InMemoryRateLimiter, InMemorySearchCache
from chalicelib.domain.candidate import TorrentCandidate
from chalicelib.domain.indexers import RateLimited, backoff_secs
from chalicelib.domain.search import SearchCacheKey
from tests.support.fakes import FakeClock


def test_requests_are_spaced_per_indexer() -> None:
    clock = FakeClock()
    limiter = InMemoryRateLimiter(clock, min_interval_secs=2.0)
    assert limiter.acquire("a") == 0.0
    assert limiter.acquire("a") == 2.0  # reserved right after the first
    assert limiter.acquire("a") == 4.0
    assert limiter.acquire("b") == 0.0  # other indexers are independent
    clock.advance(10)
    assert limiter.acquire("a") == 0.0
    clock.advance(0.5)
    assert limiter.acquire("a") == pytest.approx(1.5)


def test_backoff_doubles_from_a_minute_up_to_a_day() -> None:
    assert [backoff_secs(n) for n in range(0, 5)] == [0, 60, 120, 240, 480]
    assert backoff_secs(11) == 60 * 1024
    assert backoff_secs(12) == 86400
    assert backoff_secs(1000) == 86400


def test_failures_block_with_escalating_backoff_and_success_resets() -> None:
    clock = FakeClock()
    limiter = InMemoryRateLimiter(clock, min_interval_secs=0)
    limiter.record_failure("a")
    with pytest.raises(RateLimited) as caught:
        limiter.acquire("a")
    assert caught.value.retry_after == 60
    assert caught.value.indexer == "a"
    clock.advance(60)
    assert limiter.acquire("a") == 0
    limiter.record_failure("a")
    health = limiter.status("a")
    assert health.consecutive_failures == 2
    assert health.blocked_until == clock.epoch + 120
    clock.advance(119)
    with pytest.raises(RateLimited) as caught:
        limiter.acquire("a")
    assert caught.value.retry_after == pytest.approx(1)
    clock.advance(1)
    limiter.acquire("a")
    limiter.record_success("a")
    assert limiter.status("a").consecutive_failures == 0
    assert limiter.status("a").last_success_at == clock.epoch
    limiter.record_failure("a")
    assert limiter.status("a").blocked_until == clock.epoch + 60  # back to one minute


def test_unknown_indexer_is_healthy() -> None:
    health = InMemoryRateLimiter(FakeClock()).status("new")
    assert health.consecutive_failures == 0
    assert not health.is_blocked(0)


def _candidate(title: str) -> TorrentCandidate:
    return TorrentCandidate(title=title, indexer="I", indexer_id="i", download_url="http://x/1")


def test_cache_hit_miss_and_expiry() -> None:
    clock = FakeClock()
    cache = InMemorySearchCache(clock, ttl_secs=1800)
    key = SearchCacheKey("i", "search", (("q", "abc"),), (3000,))
    other = SearchCacheKey("i", "search", (("q", "abc"),), (3040,))
    assert cache.get(key) is None
    cache.put(key, [_candidate("one")])
    assert cache.get(key) == [_candidate("one")]
    assert cache.get(other) is None
    clock.advance(1799)
    assert cache.get(key) is not None
    clock.advance(1)
    assert cache.get(key) is None
