"""DynamoCatalogCache against moto's server: it shares the search-cache table, with a prefix."""

from __future__ import annotations

from chalicelib.adapters.aws.catalog_cache import PREFIX, DynamoCatalogCache
from chalicelib.adapters.aws.searcher_models import build_searcher_models
from chalicelib.config import Config
from tests.support.fakes import FakeClock

KEY = "musicbrainz http://127.0.0.1/ws/2/release?fmt=json&query=x"


def test_a_put_answer_is_read_back_until_it_expires(aws_config: Config) -> None:
    clock = FakeClock()
    models = build_searcher_models(aws_config)
    cache = DynamoCatalogCache(models, clock)
    assert cache.get(KEY) is None
    cache.put(KEY, {"releases": [{"id": "a", "title": "OK Computer"}]}, 60)
    assert cache.get(KEY) == {"releases": [{"id": "a", "title": "OK Computer"}]}
    rows = list(models.search_cache.scan())
    assert len(rows) == 1 and rows[0].cache_key.startswith(PREFIX)
    assert rows[0].indexer == "musicbrainz"
    clock.advance(61)
    assert cache.get(KEY) is None
