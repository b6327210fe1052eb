"""DynamoSearchCache against moto's server: hits, misses, expiry, large result lists."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from chalicelib.adapters.aws.search_cache import (
    COMPRESSED,
    PLAIN,
    DynamoSearchCache,
    cache_row_key,
)
from chalicelib.adapters.aws.searcher_models import SearcherModels, build_searcher_models
from chalicelib.config import Config
from chalicelib.domain.candidate import TorrentCandidate
from chalicelib.domain.search import SearchCacheKey
from tests.support.fakes import FakeClock

KEY = SearchCacheKey("jackett", "music", (("album", "animals"), ("artist", "pink floyd")), (3000,))


def candidate(n: int, indexer: str = "jackett") -> TorrentCandidate:
    return TorrentCandidate(
        title=f"Pink Floyd - Animals (1977) [FLAC] #{n}",
        indexer="Jackett",
        indexer_id=indexer,
        info_hash=f"{n:040x}",
        magnet_uri=f"magnet:?xt=urn:btih:{n:040x}",
        size=300_000_000 + n,
        seeders=n,
        leechers=1,
        publish_date=datetime(2024, 1, 2, 3, 4, 5, tzinfo=UTC),
        categories=(3000, 3040),
        info_url=f"http://127.0.0.1/details/{n}",
    )


@pytest.fixture
def models(aws_config: Config) -> SearcherModels:
    return build_searcher_models(aws_config)


def test_miss_then_hit_round_trips_every_field(models: SearcherModels) -> None:
    clock = FakeClock()
    cache = DynamoSearchCache(models, clock)
    assert cache.get(KEY) is None
    stored = [candidate(1), candidate(2)]
    cache.put(KEY, stored)
    assert cache.get(KEY) == stored
    other = SearchCacheKey("jackett", "music", (("album", "meddle"),), (3000,))
    assert cache.get(other) is None
    elsewhere = SearchCacheKey("prowlarr-1", KEY.function, KEY.params, KEY.categories)
    assert cache.get(elsewhere) is None


def test_entries_expire_after_the_ttl_even_before_dynamodb_deletes_them(
    models: SearcherModels,
) -> None:
    clock = FakeClock()
    cache = DynamoSearchCache(models, clock)  # default TTL: 30 minutes
    cache.put(KEY, [candidate(1)])
    row = models.search_cache.get(cache_row_key(KEY))
    assert row.expires_at == clock.epoch + 1800  # the table's TTL attribute, epoch seconds
    clock.advance(1799)
    assert cache.get(KEY) == [candidate(1)]
    clock.advance(1)
    assert cache.get(KEY) is None
    cache.put(KEY, [candidate(3)])  # a fresh search refreshes the entry
    assert cache.get(KEY) == [candidate(3)]


def test_table_has_ttl_enabled_on_expires_at(aws_config: Config) -> None:
    from chalicelib.adapters.aws.clients import aws_client

    answer = aws_client(aws_config, "dynamodb").describe_time_to_live(
        TableName=aws_config.search_cache_table
    )
    description = answer["TimeToLiveDescription"]
    assert description["AttributeName"] == "expires_at"
    assert description["TimeToLiveStatus"] == "ENABLED"


def test_large_result_lists_are_compressed_below_the_item_limit(models: SearcherModels) -> None:
    clock = FakeClock()
    cache = DynamoSearchCache(models, clock)
    small = [candidate(1)]
    cache.put(KEY, small)
    assert models.search_cache.get(cache_row_key(KEY)).encoding == PLAIN
    many = [candidate(n) for n in range(2000)]  # ~1 MB of JSON: too big uncompressed
    cache.put(KEY, many)
    row = models.search_cache.get(cache_row_key(KEY))
    assert row.encoding == COMPRESSED
    assert len(row.payload) < 400 * 1024
    assert cache.get(KEY) == many


def test_an_empty_result_is_cached_as_empty_not_as_a_miss(models: SearcherModels) -> None:
    cache = DynamoSearchCache(models, FakeClock())
    cache.put(KEY, [])
    assert cache.get(KEY) == []


def test_results_too_large_even_compressed_are_not_cached(models: SearcherModels) -> None:
    import os

    cache = DynamoSearchCache(models, FakeClock())
    cache.put(KEY, [candidate(1)])
    noisy = [TorrentCandidate(title=os.urandom(300).hex(), indexer="J", indexer_id="jackett")
             for _ in range(1000)]  # fmt: skip
    cache.put(KEY, noisy)  # ~600 KB of random hex: no compression gets it under the limit
    assert cache.get(KEY) == [candidate(1)]  # the old entry stays; nothing partial is stored
