"""The torrent catalog: what already-downloaded torrents hold, and which of them may go.

Coverage answers "which requested items could come from a torrent we already have": by the
consumer's catalog track id, or by artist + album + track name with a duration within a few
seconds. Cleanup picks the least recently used torrents that have given back enough (ratio or
seeding time), until the catalog fits its byte budget.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from enum import StrEnum
from typing import Any

from rapidfuzz import fuzz

from chalicelib.domain.request import TicketItem

DURATION_TOLERANCE_SECS = 5.0
MIN_NAME_SCORE = 90.0

_NOT_WORD = re.compile(r"[\W_]+")


def name_key(text: str) -> str:
    """A name folded for comparison: case, diacritics and punctuation ignored, '&' as 'and'."""
    decomposed = unicodedata.normalize("NFKD", text.casefold().replace("&", " and "))
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return _NOT_WORD.sub(" ", plain).strip()


def album_key(artist: str | None, album: str | None) -> str | None:
    """The lookup key of an album (normalised 'artist|album'); None unless both are named."""
    if not artist or not album:
        return None
    a, b = name_key(artist), name_key(album)
    return f"{a}|{b}" if a and b else None


@dataclass(frozen=True)
class CatalogContent:
    """One named file of a catalogued torrent (a track, usually).

    `path` is the file's path inside the torrent, root folder first, '/'-separated.
    """

    path: str
    size: int = 0
    catalog_track_id: str | None = None
    artist: str | None = None
    album: str | None = None
    title: str | None = None
    duration_secs: float | None = None
    disc_number: int | None = None
    track_number: int | None = None

    def __post_init__(self) -> None:
        if not self.path:
            raise ValueError("CatalogContent.path must not be empty")
        if self.size < 0:
            raise ValueError(f"CatalogContent.size must not be negative ({self.path})")

    @property
    def album_key(self) -> str | None:
        return album_key(self.artist, self.album)

    def to_dict(self) -> dict[str, Any]:
        return {k: v for k, v in self.__dict__.items() if v is not None}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> CatalogContent:
        return cls(**data)


@dataclass(frozen=True)
class CatalogTorrent:
    """A torrent the service has downloaded and keeps (seeding), with its named contents."""

    info_hash: str
    name: str
    total_size: int
    registered_at: datetime
    last_used_at: datetime
    ratio: float = 0.0
    seeding_secs: int = 0
    contents: tuple[CatalogContent, ...] = ()
    # Where the agent keeps the torrent's content: the folder that holds its root folder.
    save_path: str | None = None
    # The agent (media host) that keeps the content: only it can serve the files.
    agent_id: str | None = None

    def __post_init__(self) -> None:
        if not self.info_hash:
            raise ValueError("CatalogTorrent.info_hash must not be empty")
        if self.total_size < 0:
            raise ValueError(f"CatalogTorrent.total_size must not be negative ({self.info_hash})")

    def with_contents(self, contents: Sequence[CatalogContent]) -> CatalogTorrent:
        return replace(self, contents=tuple(contents))


class MatchBasis(StrEnum):
    """Why a catalogued file was taken to be a requested item."""

    TRACK_ID = "track_id"
    NAME_AND_DURATION = "name_and_duration"


@dataclass(frozen=True)
class CoverageMatch:
    """One requested item found in a catalogued torrent."""

    item_id: str
    info_hash: str
    path: str
    basis: MatchBasis

    def to_dict(self) -> dict[str, str]:
        return {"item_id": self.item_id, "info_hash": self.info_hash, "path": self.path,
                "basis": self.basis.value}  # fmt: skip


@dataclass(frozen=True)
class Coverage:
    """Which requested items the catalog already holds, and which are missing."""

    matches: tuple[CoverageMatch, ...]
    missing: tuple[str, ...]

    @property
    def complete(self) -> bool:
        return bool(self.matches) and not self.missing

    @property
    def partial(self) -> bool:
        return bool(self.matches) and bool(self.missing)

    @property
    def torrents(self) -> tuple[str, ...]:
        """Info hashes of the torrents used, in the order they were chosen."""
        return tuple(dict.fromkeys(m.info_hash for m in self.matches))

    def to_dict(self) -> dict[str, Any]:
        return {
            "complete": self.complete,
            "matches": [m.to_dict() for m in self.matches],
            "missing": list(self.missing),
        }


@dataclass(frozen=True)
class WantedAlbum:
    """The artist and album the requested tracks belong to (from the ticket's query)."""

    artist: str | None = None
    album: str | None = None


def _same_name(a: str | None, b: str | None) -> bool:
    if not a or not b:
        return False
    return fuzz.token_sort_ratio(name_key(a), name_key(b)) >= MIN_NAME_SCORE


def _same_length(item: TicketItem, content: CatalogContent) -> bool:
    """Durations within tolerance; without both durations, equal track numbers must vouch."""
    if item.duration_secs is not None and content.duration_secs is not None:
        return abs(item.duration_secs - content.duration_secs) <= DURATION_TOLERANCE_SECS
    same_number = item.track_number is not None and item.track_number == content.track_number
    disc_ok = item.disc_number is None or content.disc_number in (None, item.disc_number)
    return same_number and disc_ok


def content_matches(
    item: TicketItem, content: CatalogContent, album: WantedAlbum
) -> MatchBasis | None:
    """Whether `content` is `item`, and on what basis (None when it is not)."""
    if content.catalog_track_id and content.catalog_track_id == item.item_id:
        return MatchBasis.TRACK_ID
    if (
        _same_name(album.artist, content.artist)
        and _same_name(album.album, content.album)
        and _same_name(item.name, content.title)
        and _same_length(item, content)
    ):
        return MatchBasis.NAME_AND_DURATION
    return None


def find_coverage(
    items: Sequence[TicketItem], torrents: Sequence[CatalogTorrent], album: WantedAlbum
) -> Coverage:
    """Map requested items onto catalogued files, preferring the torrents that cover most.

    Each file serves at most one item; a track-id match beats a name match in the same torrent.
    """
    options: dict[str, dict[str, list[tuple[CatalogContent, MatchBasis]]]] = {}
    for torrent in torrents:
        per_item: dict[str, list[tuple[CatalogContent, MatchBasis]]] = {}
        for item in items:
            for content in torrent.contents:
                basis = content_matches(item, content, album)
                if basis is not None:
                    per_item.setdefault(item.item_id, []).append((content, basis))
        if per_item:
            options[torrent.info_hash] = per_item
    # Most requested items first; among equals, the torrent holding more of the artist (a
    # discography that covers the request and more) so later tickets find it too.
    ranked = sorted(
        (t for t in torrents if t.info_hash in options),
        key=lambda t: (-len(options[t.info_hash]), -len(t.contents), -t.total_size,
                       -t.last_used_at.timestamp(), t.info_hash),
    )
    matches: list[CoverageMatch] = []
    used: set[tuple[str, str]] = set()
    covered: set[str] = set()
    for torrent in ranked:
        for item in items:
            if item.item_id in covered:
                continue
            found = sorted(options[torrent.info_hash].get(item.item_id, []),
                           key=lambda pair: pair[1] is not MatchBasis.TRACK_ID)  # fmt: skip
            for content, basis in found:
                if (torrent.info_hash, content.path) in used:
                    continue
                used.add((torrent.info_hash, content.path))
                covered.add(item.item_id)
                matches.append(CoverageMatch(item.item_id, torrent.info_hash, content.path, basis))
                break
    order = {item.item_id: i for i, item in enumerate(items)}
    matches.sort(key=lambda m: order[m.item_id])
    missing = tuple(item.item_id for item in items if item.item_id not in covered)
    return Coverage(tuple(matches), missing)


@dataclass(frozen=True)
class RetentionPolicy:
    """When a catalogued torrent has seeded enough to be deleted.

    `min_seeding_secs` of 0 turns the time rule off (only the ratio counts).
    """

    min_ratio: float = 1.0
    min_seeding_secs: int = 0

    def __post_init__(self) -> None:
        if self.min_ratio < 0:
            raise ValueError("RetentionPolicy.min_ratio must not be negative")
        if self.min_seeding_secs < 0:
            raise ValueError("RetentionPolicy.min_seeding_secs must not be negative")

    def may_remove(self, torrent: CatalogTorrent) -> bool:
        if torrent.ratio >= self.min_ratio:
            return True
        return self.min_seeding_secs > 0 and torrent.seeding_secs >= self.min_seeding_secs


def cleanup_candidates(
    torrents: Sequence[CatalogTorrent], max_bytes: int, policy: RetentionPolicy
) -> list[CatalogTorrent]:
    """The torrents to delete, least recently used first, so the rest fit in `max_bytes`.

    Only torrents the policy allows are picked; if they cannot free enough, all of them are
    returned (the caller sees the catalog still exceeds its budget).
    """
    if max_bytes < 0:
        raise ValueError("max_bytes must not be negative")
    excess = sum(t.total_size for t in torrents) - max_bytes
    chosen: list[CatalogTorrent] = []
    for torrent in sorted(torrents, key=lambda t: (t.last_used_at, t.info_hash)):
        if excess <= 0:
            break
        if policy.may_remove(torrent):
            chosen.append(torrent)
            excess -= torrent.total_size
    return chosen


def torrent_summary(torrent: CatalogTorrent, policy: RetentionPolicy) -> dict[str, Any]:
    """A kept torrent as the catalog API and the dashboard show it."""
    return {
        "info_hash": torrent.info_hash, "name": torrent.name, "size": torrent.total_size,
        "ratio": round(torrent.ratio, 3), "seeding_secs": torrent.seeding_secs,
        "registered_at": torrent.registered_at.isoformat(),
        "last_used_at": torrent.last_used_at.isoformat(),
        "status": "seeding_goal_met" if policy.may_remove(torrent) else "seeding",
        "files": len(torrent.contents),
    }


def artist_coverage(torrents: Sequence[CatalogTorrent], artist: str) -> list[dict[str, Any]]:
    """The artist's albums found in kept torrents: tracks known per album and where."""
    wanted = name_key(artist)
    albums: dict[str, dict[str, Any]] = {}
    for torrent in torrents:
        for content in torrent.contents:
            if content.artist is None or name_key(content.artist) != wanted:
                continue
            title = content.album or "(no album)"
            entry = albums.setdefault(name_key(title), {"album": title, "tracks": set(),
                                                        "torrents": set()})
            entry["tracks"].add((content.disc_number, content.track_number, content.path))
            entry["torrents"].add(torrent.info_hash)
    return [{"album": e["album"], "tracks": len(e["tracks"]), "torrents": sorted(e["torrents"])}
            for e in sorted(albums.values(), key=lambda e: name_key(e["album"]))]
