"""Ticket skeletons: a ready-to-send `POST /api/v1/ticket` body built from catalog data.

Destination paths come from configurable templates (`str.format` fields listed per template);
every value put into a path is made safe for one path component first.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from chalicelib.domain.errors import FieldError, ValidationError
from chalicelib.domain.media_catalog import Episode, MovieSummary, Release, Season
from chalicelib.domain.request import OutputFormat

EXTENSIONS = {
    OutputFormat.OGG_VORBIS: "ogg", OutputFormat.OPUS: "opus", OutputFormat.MP3: "mp3",
    OutputFormat.AAC: "m4a", OutputFormat.FLAC: "flac", OutputFormat.ALAC: "m4a",
    OutputFormat.MKV: "mkv", OutputFormat.MP4: "mp4",
}
_UNSAFE = re.compile(r'[/\\\x00-\x1f<>:"|?*]+')


@dataclass(frozen=True)
class PathTemplates:
    """Where a skeleton's files land; fields: see each template's default in config.py."""

    music: str = "/media/music/{artist}/{album} ({year})/{disc}-{track:02d} {title}.{ext}"
    movie: str = "/media/movies/{title} ({year})/{title} ({year}).{ext}"
    episode: str = ("/media/tv/{series}/Season {season:02d}/"
                    "{series} S{season:02d}E{episode:02d}.{ext}")


def safe_component(value: object) -> str:
    """A value usable as (part of) one path component: no separators, no leading dots."""
    text = _UNSAFE.sub("_", str(value)).strip().lstrip(".")
    return text or "_"


def fill(template: str, field: str, **values: object) -> str:
    safe = {k: v if isinstance(v, int) else safe_component(v) for k, v in values.items()}
    try:
        return template.format(**safe)
    except (KeyError, IndexError, ValueError) as e:
        raise ValidationError(FieldError(field, f"template {template!r} cannot be filled: "
                                         f"{type(e).__name__} {e}")) from None


def output_format(value: object, default: OutputFormat) -> OutputFormat:
    if value is None:
        return default
    try:
        return OutputFormat.parse(str(value))
    except ValueError as e:
        raise ValidationError(FieldError("format", str(e))) from None


def _extension(fmt: OutputFormat, fallback: str) -> str:
    return EXTENSIONS.get(fmt, fallback)


def album_skeleton(release: Release, templates: PathTemplates, fmt: OutputFormat) -> dict[str, Any]:
    """A full-album ticket: every track with its disc, number, title and duration."""
    s = release.summary
    year = s.year or "unknown"
    ext = _extension(fmt, "flac")
    tracks = [{
        "catalog_track_id": t.track_id, "disc_number": t.disc_number,
        "track_number": t.track_number, "name": t.title, "duration_secs": t.duration_secs,
        "dest_path": fill(templates.music, "external_catalogs.music_path_template",
                          artist=s.artist, album=s.title, year=year, disc=t.disc_number,
                          track=t.track_number, title=t.title, ext=ext),
        "requested": True,
    } for t in release.tracks]
    for track in tracks:
        if track["duration_secs"] is None:
            del track["duration_secs"]
    search: dict[str, Any] = {"expected": "album", "artist": s.artist, "album": s.title,
                              "musicbrainz_release_id": s.release_id}
    if s.year:
        search["year"] = s.year
    metadata: dict[str, Any] = {"artist": s.artist, "album": s.title,
                                "musicbrainz_albumid": s.release_id}
    if s.date:
        metadata["date"] = s.date
    return {"priority": 100, "dry_run": False, "request_scope": "full_album", "search": search,
            "tracks": tracks, "constraints": {"format": fmt.value, "embed_cover": True},
            "metadata_to_embed": metadata}


def movie_skeleton(movie: MovieSummary, templates: PathTemplates,
                   fmt: OutputFormat) -> dict[str, Any]:
    year = movie.year or "unknown"
    ext = _extension(fmt, "mkv")
    item: dict[str, Any] = {
        "item_id": f"tmdb-movie-{movie.tmdb_id}", "kind": "video", "name": movie.title,
        "dest_path": fill(templates.movie, "external_catalogs.movie_path_template",
                          title=movie.title, year=year, ext=ext),
    }
    if movie.runtime_mins:
        item["duration_secs"] = movie.runtime_mins * 60
    search: dict[str, Any] = {"expected": "movie", "title": movie.title}
    if movie.year:
        search["year"] = movie.year
    if movie.imdb_id:
        search["imdb_id"] = movie.imdb_id
    return {"priority": 100, "dry_run": False, "request_scope": "movie",
            "query_context": search, "items": [item], "constraints": {"format": fmt.value},
            "metadata_to_embed": {"title": movie.title, **({"date": movie.release_date}
                                                          if movie.release_date else {})}}


def episode_skeleton(season: Season, episodes: list[Episode], templates: PathTemplates,
                     fmt: OutputFormat) -> dict[str, Any]:
    """One episode (scope `episode`) or several of one season (scope `season`)."""
    series = season.series
    ext = _extension(fmt, "mkv")
    items: list[dict[str, Any]] = []
    for ep in episodes:
        item: dict[str, Any] = {
            "item_id": f"tmdb-tv-{series.tmdb_id}-s{ep.season}e{ep.episode}", "kind": "video",
            "name": ep.name, "season": ep.season, "episode": ep.episode,
            "dest_path": fill(templates.episode, "external_catalogs.episode_path_template",
                              series=series.name, season=ep.season, episode=ep.episode,
                              title=ep.name, year=series.year or "unknown", ext=ext),
        }
        if ep.runtime_mins:
            item["duration_secs"] = ep.runtime_mins * 60
        items.append(item)
    search: dict[str, Any] = {"expected": "tv_episode", "title": series.name,
                              "season": season.season}
    if len(episodes) == 1:
        search["episode"] = episodes[0].episode
    return {"priority": 100, "dry_run": False,
            "request_scope": "episode" if len(episodes) == 1 else "season",
            "query_context": search, "items": items, "constraints": {"format": fmt.value},
            "metadata_to_embed": {"show": series.name}}
