"""TmdbCatalog: movies, series, seasons and episodes from TMDB's v3 API (api_key parameter).

Documented shapes: https://developer.themoviedb.org/reference (search/movie, movie/{id},
search/tv, tv/{id}/season/{n}). TMDB allows ~50 requests/s; the limiter spacing is configurable.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from chalicelib.adapters.catalogs.http import CatalogHttp
from chalicelib.domain.media_catalog import (
    CatalogUnavailable,
    Episode,
    MovieSummary,
    Season,
    SeriesSummary,
)

T = TypeVar("T")
SERVICE = "tmdb"


class TmdbCatalog:
    def __init__(self, http: CatalogHttp, api_key: str) -> None:
        self._http = http
        self._key = api_key

    def _get(self, path: str, what: str, **params: str) -> Any:
        return self._http.get_json(path, {**params, "api_key": self._key}, what=what)

    def search_movies(self, title: str, year: int | None = None) -> list[MovieSummary]:
        params = {"query": title, **({"year": str(year)} if year else {})}
        body = self._get("search/movie", "movie", **params)
        return _parsed(lambda: [movie(m) for m in body["results"]])

    def movie(self, tmdb_id: int) -> MovieSummary:
        body = self._get(f"movie/{tmdb_id}", "movie")
        return _parsed(lambda: movie(body))

    def search_series(self, name: str, year: int | None = None) -> list[SeriesSummary]:
        params = {"query": name, **({"first_air_date_year": str(year)} if year else {})}
        body = self._get("search/tv", "series", **params)
        return _parsed(lambda: [series(s) for s in body["results"]])

    def season(self, tmdb_id: int, season: int) -> Season:
        show = self._get(f"tv/{tmdb_id}", "series")
        body = self._get(f"tv/{tmdb_id}/season/{season}", "season")
        return _parsed(lambda: Season(
            series=series(show), season=int(body["season_number"]), name=str(body["name"]),
            episodes=tuple(Episode(season=int(e["season_number"]),
                                   episode=int(e["episode_number"]), name=str(e["name"]),
                                   air_date=e.get("air_date") or None,
                                   runtime_mins=e.get("runtime"))
                           for e in body["episodes"])))


def movie(m: dict[str, Any]) -> MovieSummary:
    return MovieSummary(tmdb_id=int(m["id"]), title=str(m["title"]),
                        release_date=m.get("release_date") or None,
                        original_title=str(m.get("original_title") or ""),
                        overview=str(m.get("overview") or ""),
                        runtime_mins=m.get("runtime") or None, imdb_id=m.get("imdb_id") or None)


def series(s: dict[str, Any]) -> SeriesSummary:
    return SeriesSummary(tmdb_id=int(s["id"]), name=str(s["name"]),
                         first_air_date=s.get("first_air_date") or None,
                         overview=str(s.get("overview") or ""))


def _parsed(build: Callable[[], T]) -> T:
    try:
        return build()
    except (KeyError, TypeError, ValueError, AttributeError) as e:
        raise CatalogUnavailable(SERVICE, f"malformed reply: {type(e).__name__} {e}") from None
