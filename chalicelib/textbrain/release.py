"""What a release title says about itself, as the parser understands it."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum


class ReleaseKind(StrEnum):
    """The parser's guess of what a release contains."""

    MUSIC = "music"
    MOVIE = "movie"
    TV = "tv"
    SOFTWARE = "software"
    EBOOK = "ebook"
    AUDIOBOOK = "audiobook"
    UNKNOWN = "unknown"


class RedFlag(StrEnum):
    """Signs that a release is probably not the thing a ticket asked for."""

    KARAOKE = "karaoke"
    COVER = "cover"
    TRIBUTE = "tribute"
    INSTRUMENTAL = "instrumental"
    LIVE = "live"
    VA_COMPILATION = "va_compilation"
    SAMPLE = "sample"
    BOOKLET_ONLY = "booklet_only"
    AUDIOBOOK = "audiobook"
    REMIX = "remix"
    TRAILER = "trailer"
    # Signs of a fake, a dangerous file or a lesser copy, found by the scorer from the title,
    # the file list and the size (see scoring/hazards.py), not by the title parser.
    EXECUTABLE = "executable"
    PASSWORD_PROTECTED = "password_protected"
    ARCHIVE_ONLY = "archive_only"
    IMPLAUSIBLE_SIZE = "implausible_size"
    HARDCODED_SUBS = "hardcoded_subs"
    CAMERA_SOURCE = "camera_source"
    EXTRAS_ONLY = "extras_only"
    AVOIDED_GROUP = "avoided_group"


@dataclass(frozen=True)
class ParsedRelease:
    """Fields read from one release title; None where the title does not say."""

    raw_title: str
    content_type: ReleaseKind = ReleaseKind.UNKNOWN
    artist: str | None = None
    album: str | None = None
    title: str | None = None
    year: int | None = None
    year_range: tuple[int, int] | None = None
    seasons: tuple[int, ...] = ()
    episodes: tuple[int, ...] = ()
    is_season_pack: bool = False
    resolution: str | None = None
    source: str | None = None
    codec: str | None = None
    audio_format: str | None = None
    release_group: str | None = None
    edition: tuple[str, ...] = ()
    is_discography: bool = False
    is_collection: bool = False
    disc_count: int | None = None
    red_flags: frozenset[RedFlag] = field(default_factory=frozenset)
    # A daily show's air date ("Show.2023.05.14.720p"), ISO 8601.
    air_date: str | None = None
    # The name after "AKA" ("Crouching Tiger Hidden Dragon AKA Wo hu cang long 2000").
    alternative_title: str | None = None

    @property
    def season(self) -> int | None:
        """The first season named, the one a single-season release is about."""
        return self.seasons[0] if self.seasons else None
