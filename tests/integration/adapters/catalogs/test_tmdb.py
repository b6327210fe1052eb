"""TmdbCatalog against a local server replaying TMDB v3 JSON, errors included."""

from __future__ import annotations

import pytest

from chalicelib.adapters.catalogs.http import CatalogEndpoint, CatalogHttp
from chalicelib.adapters.catalogs.tmdb import TmdbCatalog
from chalicelib.adapters.torznab.limits import InMemoryRateLimiter
from chalicelib.domain.media_catalog import CatalogNotFound, CatalogUnavailable
from tests.support import catalog_replies as r
from tests.support.catalog_server import CatalogServer, Reply
from tests.support.fakes import FakeClock, InMemoryCatalogCache

KEY = "tmdb-test-key-0123456789"


def routes() -> dict[str, Reply]:
    return {"/3/search/movie": Reply(200, r.tmdb_movie_search()),
            "/3/movie/603": Reply(200, r.tmdb_movie()),
            "/3/search/tv": Reply(200, r.tmdb_tv_search()),
            "/3/tv/1396": Reply(200, r.tmdb_tv()),
            "/3/tv/1396/season/1": Reply(200, r.tmdb_season())}


def tmdb(server: CatalogServer, cache: InMemoryCatalogCache | None = None) -> TmdbCatalog:
    clock = FakeClock()
    http = CatalogHttp(CatalogEndpoint("tmdb", server.base_url + "/3", "QT/0.1",
                                       secret_params=("api_key",)),
                       clock=clock, rate_limiter=InMemoryRateLimiter(clock, 0), cache=cache)
    return TmdbCatalog(http, KEY)


def test_movie_search_by_title_and_year() -> None:
    with CatalogServer(routes()) as server:
        found = tmdb(server).search_movies("The Matrix", 1999)
        sent = server.seen[0]
    assert sent.query == {"query": "The Matrix", "year": "1999", "api_key": KEY}
    assert [(m.tmdb_id, m.title, m.year) for m in found] == [
        (603, "The Matrix", 1999), (604, "The Matrix Reloaded", 2003)]


def test_movie_details_carry_runtime_and_imdb_id() -> None:
    with CatalogServer(routes()) as server:
        movie = tmdb(server).movie(603)
    assert (movie.runtime_mins, movie.imdb_id) == (136, "tt0133093")


def test_series_then_season_lists_episodes_with_air_dates_and_runtimes() -> None:
    with CatalogServer(routes()) as server:
        catalog = tmdb(server)
        assert catalog.search_series("Breaking Bad")[0].tmdb_id == 1396
        season = catalog.season(1396, 1)
    assert season.series.name == "Breaking Bad" and len(season.episodes) == 7
    pilot = season.episodes[0]
    assert (pilot.episode, pilot.name, pilot.air_date, pilot.runtime_mins) == (
        1, "Pilot", "2008-01-11", 58)


def test_the_api_key_is_kept_out_of_cache_keys() -> None:
    clock = FakeClock()
    cache = InMemoryCatalogCache(clock)
    with CatalogServer(routes()) as server:
        catalog = tmdb(server, cache)
        catalog.movie(603)
        catalog.movie(603)
        assert len(server.seen) == 1
    assert cache.entries and not any(KEY in key for key in cache.entries)


def test_not_found_bad_key_and_rate_limit() -> None:
    with CatalogServer(routes()) as server:
        catalog = tmdb(server)
        with pytest.raises(CatalogNotFound):
            catalog.movie(999999)
        server.forced.append(Reply(401, r.TMDB_BAD_KEY))
        with pytest.raises(CatalogUnavailable, match="credentials"):
            catalog.movie(603)
        server.forced.append(Reply(429, r.TMDB_RATE_LIMITED, (("Retry-After", "30"),)))
        with pytest.raises(CatalogUnavailable) as raised:
            catalog.search_movies("The Matrix")
    assert raised.value.retry_after == 30.0


def test_a_malformed_season_is_unavailable() -> None:
    season = r.tmdb_season()
    del season["episodes"][0]["episode_number"]
    with (CatalogServer({**routes(), "/3/tv/1396/season/1": Reply(200, season)}) as server,
          pytest.raises(CatalogUnavailable, match="malformed")):
        tmdb(server).season(1396, 1)
