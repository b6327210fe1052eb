"""What a search asks indexers for, and what an indexer offers back: torrent candidates."""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from enum import IntEnum, StrEnum
from typing import Any


class SearchKind(StrEnum):
    """The kind of thing searched for; picks the Torznab search function when supported."""

    MUSIC = "music"
    TV = "tv"
    MOVIE = "movie"
    BOOK = "book"
    GENERIC = "generic"


class Category(IntEnum):
    """Newznab/Torznab standard category ids the service asks for."""

    MOVIES = 2000
    AUDIO = 3000
    AUDIO_MP3 = 3010
    AUDIO_LOSSLESS = 3040
    PC = 4000
    TV = 5000
    BOOKS = 7000
    BOOKS_EBOOK = 7020


_WHITESPACE = re.compile(r"\s+")


def normalise_text(text: str) -> str:
    """Lower-case with runs of whitespace collapsed to one space; the cache compares these."""
    return _WHITESPACE.sub(" ", text).strip().lower()


@dataclass(frozen=True)
class SearchQuery:
    """One query for the indexers, as TextBrain's query builder produces it.

    `text` is the free-text form (always set); the structured fields are used when an
    indexer's caps support the matching search function (t=music, t=tvsearch, ...).
    For TV and movies `title` is the show or film name.
    """

    text: str
    kind: SearchKind = SearchKind.GENERIC
    categories: tuple[int, ...] = ()
    artist: str | None = None
    album: str | None = None
    title: str | None = None
    author: str | None = None
    year: int | None = None
    season: int | None = None
    episode: int | None = None
    imdb_id: str | None = None

    def __post_init__(self) -> None:
        if not normalise_text(self.text):
            raise ValueError("SearchQuery.text must not be empty")
        for name in ("season", "episode", "year"):
            value = getattr(self, name)
            if value is not None and value < 0:
                raise ValueError(f"SearchQuery.{name} must not be negative, got {value}")
        for category in self.categories:
            if category <= 0:
                raise ValueError(f"SearchQuery.categories holds a bad category id: {category}")


@dataclass(frozen=True)
class TorrentFile:
    """One file inside a torrent: its '/'-separated path (root folder first) and size."""

    path: str
    size: int


@dataclass(frozen=True)
class TorrentCandidate:
    """One release offered by an indexer, as parsed from a Torznab result item.

    `leechers` is the indexer's leechers figure, or peers - seeders when it only gives peers
    (Torznab's `peers` counts seeders too). `download_url` is the enclosure's URL, which some
    indexers set to a magnet URI. `info_url` is the comments page without '#comments'.
    """

    title: str
    indexer: str
    indexer_id: str
    magnet_uri: str | None = None
    info_hash: str | None = None
    download_url: str | None = None
    size: int | None = None
    seeders: int | None = None
    leechers: int | None = None
    peers: int | None = None
    files_count: int | None = None
    publish_date: datetime | None = None
    categories: tuple[int, ...] = ()
    download_volume_factor: float = 1.0
    upload_volume_factor: float = 1.0
    info_url: str | None = None
    guid: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready form (dates as ISO 8601) for caches and audit events."""
        data = asdict(self)
        data["categories"] = list(self.categories)
        data["publish_date"] = self.publish_date.isoformat() if self.publish_date else None
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> TorrentCandidate:
        """Inverse of `to_dict`."""
        values = dict(data)
        published = values.get("publish_date")
        values["publish_date"] = datetime.fromisoformat(published) if published else None
        values["categories"] = tuple(int(c) for c in values.get("categories") or ())
        return cls(**values)


def utc(moment: datetime) -> datetime:
    """`moment` in UTC; a naive datetime is taken to be UTC already."""
    if moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)
