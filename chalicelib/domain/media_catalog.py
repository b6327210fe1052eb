"""What the public catalogs (MusicBrainz, TMDB) say about an album, a movie or a series.

Plain values the catalog adapters build from their services' JSON, and the errors they raise:
a missing entry is `CatalogNotFound` (404 at the API), anything else that keeps an answer
from coming is `CatalogUnavailable` (the lookup routes answer 502; the flow goes on without
catalog data).
"""

from __future__ import annotations

from dataclasses import dataclass

from chalicelib.domain.errors import ExternalServiceError, NotFound


class CatalogUnavailable(ExternalServiceError):
    """The catalog did not answer usefully: down, rate limited, or a malformed reply."""

    def __init__(self, service: str, message: str, *, retry_after: float | None = None) -> None:
        super().__init__(service, message, retryable=True)
        self.retry_after = retry_after


class CatalogNotFound(NotFound):
    """The catalog has no such entry."""

    def __init__(self, service: str, what: str) -> None:
        super().__init__(f"{service}: no such {what}", service=service)


@dataclass(frozen=True)
class ReleaseSummary:
    """One release (an edition of an album) as a search lists it."""

    release_id: str
    title: str
    artist: str
    date: str | None
    country: str | None
    track_count: int
    formats: tuple[str, ...]
    release_group_id: str | None
    disambiguation: str = ""

    @property
    def year(self) -> int | None:
        return _year(self.date)


@dataclass(frozen=True)
class CatalogTrack:
    """One track of a release, on its disc (medium) and position."""

    track_id: str
    disc_number: int
    track_number: int
    title: str
    duration_secs: float | None


@dataclass(frozen=True)
class Release:
    """A release with its discs and tracks."""

    summary: ReleaseSummary
    tracks: tuple[CatalogTrack, ...]

    @property
    def total_duration_secs(self) -> float | None:
        """The sum of the track lengths, None when any is unknown."""
        lengths = [t.duration_secs for t in self.tracks]
        if not lengths or any(x is None for x in lengths):
            return None
        return float(sum(x for x in lengths if x is not None))


@dataclass(frozen=True)
class MovieSummary:
    tmdb_id: int
    title: str
    release_date: str | None
    original_title: str = ""
    overview: str = ""
    runtime_mins: int | None = None
    imdb_id: str | None = None

    @property
    def year(self) -> int | None:
        return _year(self.release_date)


@dataclass(frozen=True)
class SeriesSummary:
    tmdb_id: int
    name: str
    first_air_date: str | None
    overview: str = ""

    @property
    def year(self) -> int | None:
        return _year(self.first_air_date)


@dataclass(frozen=True)
class Episode:
    season: int
    episode: int
    name: str
    air_date: str | None
    runtime_mins: int | None


@dataclass(frozen=True)
class Season:
    series: SeriesSummary
    season: int
    name: str
    episodes: tuple[Episode, ...]


@dataclass(frozen=True)
class CoverImage:
    """A cover picture and where it came from (which source served it is audited)."""

    data: bytes
    mime_type: str
    source: str  # "coverartarchive", "discogs", "torrent_file", "audio_tags"
    origin: str  # the URL or file it was read from


@dataclass(frozen=True)
class CoverWanted:
    """What a cover source is told about the album (any field may be unknown)."""

    release_id: str | None = None
    release_group_id: str | None = None
    artist: str | None = None
    album: str | None = None


def picture_mime(data: bytes) -> str | None:
    """'image/jpeg' or 'image/png' from the magic bytes; None for anything else."""
    if data.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    return None


def _year(date: str | None) -> int | None:
    if date and len(date) >= 4 and date[:4].isdigit():
        return int(date[:4])
    return None
