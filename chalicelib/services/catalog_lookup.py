"""The lookup routes' use case: search a catalog, pick an entry, get a ticket skeleton.

`POST /api/v1/music/album`, `/video/movie` and `/video/episode` hand their bodies here. A
body naming an entry by its catalog id gets a ready-to-send ticket body; otherwise the
candidates matching its words.
"""

from __future__ import annotations

from typing import Any

from chalicelib.domain.errors import FieldError, NotConfigured, ValidationError
from chalicelib.domain.media_catalog import (
    MovieSummary,
    ReleaseSummary,
    SeriesSummary,
)
from chalicelib.domain.plain_text import require_plain
from chalicelib.domain.request import OutputFormat
from chalicelib.domain.ticket_skeleton import (
    PathTemplates,
    album_skeleton,
    episode_skeleton,
    movie_skeleton,
    output_format,
)
from chalicelib.ports import MusicCatalog, VideoCatalog


class CatalogLookup:
    def __init__(self, music: MusicCatalog | None, video: VideoCatalog | None,
                 templates: PathTemplates) -> None:
        self._music = music
        self._video = video
        self._templates = templates

    # Each lookup reads and checks its fields before asking for the catalog, so a malformed
    # request is a 400 naming the field even where no catalog is configured.
    def album(self, body: dict[str, Any]) -> dict[str, Any]:
        if body.get("musicbrainz_release_id") is not None:
            release_id = _text(body, "musicbrainz_release_id")
            fmt = output_format(body.get("format"), OutputFormat.FLAC)
            release = self._music_catalog().release(release_id)
            return {"release": _release_dict(release.summary),
                    "ticket": album_skeleton(release, self._templates, fmt)}
        if body.get("release_group_id") is not None:
            group = _text(body, "release_group_id")
            editions = self._music_catalog().editions(group)
            return {"candidates": [_release_dict(r) for r in editions]}
        artist, album, year = _text(body, "artist"), _text(body, "album"), _year(body)
        found = self._music_catalog().search_releases(artist, album, year)
        return {"candidates": [_release_dict(r) for r in found]}

    def movie(self, body: dict[str, Any]) -> dict[str, Any]:
        if body.get("tmdb_id") is not None:
            tmdb_id = _int(body, "tmdb_id")
            fmt = output_format(body.get("format"), OutputFormat.MKV)
            movie = self._video_catalog().movie(tmdb_id)
            return {"movie": _movie_dict(movie),
                    "ticket": movie_skeleton(movie, self._templates, fmt)}
        title, year = _text(body, "title"), _year(body)
        found = self._video_catalog().search_movies(title, year)
        return {"candidates": [_movie_dict(m) for m in found]}

    def episode(self, body: dict[str, Any]) -> dict[str, Any]:
        """By name: series; with tmdb_id + season: its episodes and a skeleton (one or all)."""
        if body.get("tmdb_id") is None:
            series, year = _text(body, "series"), _year(body)
            found = self._video_catalog().search_series(series, year)
            return {"candidates": [_series_dict(s) for s in found]}
        tmdb_id, season_number = _int(body, "tmdb_id"), _int(body, "season", minimum=0)
        number = _int(body, "episode") if body.get("episode") is not None else None
        fmt = output_format(body.get("format"), OutputFormat.MKV)
        season = self._video_catalog().season(tmdb_id, season_number)
        wanted = season.episodes
        if number is not None:
            wanted = tuple(e for e in season.episodes if e.episode == number)
            if not wanted:
                raise ValidationError(FieldError("episode", f"season {season.season} has no "
                                                 f"episode {number}"))
        return {"series": _series_dict(season.series),
                "episodes": [{"season": e.season, "episode": e.episode, "name": e.name,
                              "air_date": e.air_date, "runtime_mins": e.runtime_mins}
                             for e in season.episodes],
                "ticket": episode_skeleton(season, list(wanted), self._templates, fmt)}

    def _music_catalog(self) -> MusicCatalog:
        if self._music is None:
            raise NotConfigured("musicbrainz",
                                 "not configured ([external_catalogs] musicbrainz_url)")
        return self._music

    def _video_catalog(self) -> VideoCatalog:
        if self._video is None:
            raise NotConfigured("tmdb", "not configured ([external_catalogs] tmdb_api_key)")
        return self._video


def _text(body: dict[str, Any], name: str) -> str:
    value = body.get(name)
    if not isinstance(value, str) or not value.strip():
        raise ValidationError(FieldError(name, "is required (a non-empty string)"))
    return require_plain(value, name).strip()


def _int(body: dict[str, Any], name: str, minimum: int = 1) -> int:
    value = body.get(name)
    if not isinstance(value, int) or isinstance(value, bool) or value < minimum:
        raise ValidationError(FieldError(name, f"must be an integer >= {minimum}"))
    return value


def _year(body: dict[str, Any]) -> int | None:
    if body.get("year") is None:
        return None
    year = _int(body, "year")
    if not 1000 <= year <= 3000:
        raise ValidationError(FieldError("year", "must be between 1000 and 3000"))
    return year


def _release_dict(r: ReleaseSummary) -> dict[str, Any]:
    return {"musicbrainz_release_id": r.release_id, "title": r.title, "artist": r.artist,
            "date": r.date, "country": r.country, "track_count": r.track_count,
            "formats": list(r.formats), "release_group_id": r.release_group_id,
            "disambiguation": r.disambiguation}


def _movie_dict(m: MovieSummary) -> dict[str, Any]:
    return {"tmdb_id": m.tmdb_id, "title": m.title, "original_title": m.original_title,
            "release_date": m.release_date, "year": m.year, "overview": m.overview,
            "runtime_mins": m.runtime_mins, "imdb_id": m.imdb_id}


def _series_dict(s: SeriesSummary) -> dict[str, Any]:
    return {"tmdb_id": s.tmdb_id, "name": s.name, "first_air_date": s.first_air_date,
            "year": s.year, "overview": s.overview}
