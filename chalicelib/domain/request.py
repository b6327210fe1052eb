"""What a consumer asks for: the ticket request, its items, constraints and query context."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any


class ContentType(StrEnum):
    """What kind of thing a ticket expects to receive."""

    ALBUM = "album"
    TRACK = "track"
    MOVIE = "movie"
    TV_EPISODE = "tv_episode"
    SOFTWARE = "software"
    EBOOK = "ebook"
    OTHER = "other"

    @property
    def is_music(self) -> bool:
        return self in (ContentType.ALBUM, ContentType.TRACK)

    @property
    def is_video(self) -> bool:
        return self in (ContentType.MOVIE, ContentType.TV_EPISODE)


class OutputFormat(StrEnum):
    """The file format the consumer wants each item in."""

    OGG_VORBIS = "ogg_vorbis"
    OPUS = "opus"
    MP3 = "mp3"
    AAC = "aac"
    FLAC = "flac"
    ALAC = "alac"
    MKV = "mkv"
    MP4 = "mp4"
    ORIGINAL = "original"

    @classmethod
    def parse(cls, value: str) -> OutputFormat:
        """Parse a constraint string; the error lists the accepted values."""
        try:
            return cls(value.strip().lower())
        except ValueError:
            accepted = ", ".join(f.value for f in cls)
            raise ValueError(
                f"unknown output format {value!r}; expected one of {accepted}") from None

    @property
    def is_lossless(self) -> bool:
        return self in (OutputFormat.FLAC, OutputFormat.ALAC)

    @property
    def is_video(self) -> bool:
        return self in (OutputFormat.MKV, OutputFormat.MP4)

    @property
    def is_audio(self) -> bool:
        return self not in (OutputFormat.MKV, OutputFormat.MP4, OutputFormat.ORIGINAL)


class ItemKind(StrEnum):
    """What one ticket item is."""

    TRACK = "track"
    IMAGE = "image"
    VIDEO = "video"
    FILE = "file"


@dataclass(frozen=True)
class QueryContext:
    """What to look for: the words and numbers that describe the wanted content."""

    expected: ContentType
    artist: str | None = None
    album: str | None = None
    title: str | None = None
    year: int | None = None
    season: int | None = None
    episode: int | None = None
    author: str | None = None
    version: str | None = None
    label: str | None = None
    genres: tuple[str, ...] = ()
    description: str | None = None
    tags: tuple[str, ...] = ()
    imdb_id: str | None = None
    musicbrainz_release_id: str | None = None
    # What the music catalog knows of the whole release (filled in before searching when the
    # ticket lacks it; never read from the consumer): how many tracks it has and how long it
    # plays. A ticket may ask for a few tracks, but an album torrent holds them all.
    release_track_count: int | None = None
    release_secs: float | None = None


@dataclass(frozen=True)
class TicketItem:
    """One file the consumer wants, and the exact path where it must land."""

    item_id: str
    kind: ItemKind
    dest_path: str
    name: str | None = None
    disc_number: int | None = None
    track_number: int | None = None
    duration_secs: float | None = None
    season: int | None = None
    episode: int | None = None
    image_type: str | None = None
    requested: bool = True


@dataclass(frozen=True)
class Constraints:
    """How the delivered files must be: format, quality and what to embed."""

    format: OutputFormat = OutputFormat.ORIGINAL
    bitrate_kbps: int | None = None
    sample_rate_hz: int | None = None
    bit_depth: int | None = None
    video_codec: str | None = None
    min_resolution: str | None = None
    embed_metadata: bool = True
    embed_cover: bool = False
    # Video: keep only these audio / subtitle languages (ISO 639-2, "eng"; empty: all), and
    # write each kept text subtitle also as a .srt next to the video.
    audio_languages: tuple[str, ...] = ()
    subtitle_languages: tuple[str, ...] = ()
    extract_subtitles: bool = False


@dataclass(frozen=True)
class TicketRequest:
    """A validated ticket request; the client's JSON is kept too so nothing is lost."""

    priority: int
    dry_run: bool
    request_scope: str
    query: QueryContext
    items: tuple[TicketItem, ...]
    constraints: Constraints
    metadata_to_embed: dict[str, Any] = field(default_factory=dict)

    @property
    def requested_items(self) -> tuple[TicketItem, ...]:
        """Items the consumer actually wants delivered (images included)."""
        return tuple(i for i in self.items if i.requested)

    @property
    def tracks(self) -> tuple[TicketItem, ...]:
        return tuple(i for i in self.items if i.kind is ItemKind.TRACK)

    @property
    def images(self) -> tuple[TicketItem, ...]:
        return tuple(i for i in self.items if i.kind is ItemKind.IMAGE)
