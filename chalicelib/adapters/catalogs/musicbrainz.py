"""MusicBrainzCatalog: releases, their tracks and their editions from the ws/2 JSON API.

MusicBrainz asks for a meaningful User-Agent and at most one request per second per client;
CatalogHttp sends the configured User-Agent and spaces requests through the shared limiter.
Documented shapes: https://musicbrainz.org/doc/MusicBrainz_API (search, lookup, browse).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any, TypeVar

from chalicelib.adapters.catalogs.http import CatalogHttp
from chalicelib.domain.errors import FieldError, ValidationError
from chalicelib.domain.media_catalog import (
    CatalogTrack,
    CatalogUnavailable,
    Release,
    ReleaseSummary,
)

T = TypeVar("T")
SERVICE = "musicbrainz"
_MBID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
_LUCENE_SPECIAL = re.compile(r'([+\-&|!(){}\[\]^"~*?:\\/])')


class MusicBrainzCatalog:
    def __init__(self, http: CatalogHttp) -> None:
        self._http = http

    def search_releases(self, artist: str, album: str, year: int | None = None,
                        limit: int = 10) -> list[ReleaseSummary]:
        query = f'release:"{lucene(album)}" AND artist:"{lucene(artist)}"'
        if year is not None:
            query += f" AND date:{year}"
        body = self._http.get_json("ws/2/release", {"query": query, "limit": str(limit),
                                                    "fmt": "json"}, what="release")
        return _parsed(lambda: [release_summary(r) for r in body["releases"]])

    def release(self, release_id: str) -> Release:
        # `inc` values are space-separated here: on the wire they become the documented
        # "recordings+artist-credits" (a literal "+" would be sent as %2B).
        _check_mbid(release_id)
        body = self._http.get_json(
            f"ws/2/release/{release_id}",
            {"inc": "recordings artist-credits release-groups", "fmt": "json"},
            what="release")
        return _parsed(lambda: release(body))

    def editions(self, release_group_id: str, limit: int = 25) -> list[ReleaseSummary]:
        _check_mbid(release_group_id, "release_group_id")
        body = self._http.get_json(
            "ws/2/release", {"release-group": release_group_id, "inc": "media artist-credits",
                             "limit": str(limit), "fmt": "json"},
            what="release group")
        return _parsed(lambda: [release_summary(r) for r in body["releases"]])


def lucene(text: str) -> str:
    """`text` escaped for a Lucene phrase (MusicBrainz's search syntax)."""
    return _LUCENE_SPECIAL.sub(r"\\\1", text)


def release_summary(r: dict[str, Any]) -> ReleaseSummary:
    media = r.get("media") or []
    track_count = r.get("track-count")
    if track_count is None:
        track_count = sum(int(m.get("track-count") or 0) for m in media)
    group = r.get("release-group") or {}
    return ReleaseSummary(
        release_id=str(r["id"]),
        title=str(r["title"]),
        artist=artist_credit(r.get("artist-credit") or []),
        date=r.get("date") or None,
        country=r.get("country") or None,
        track_count=int(track_count),
        formats=tuple(str(m["format"]) for m in media if m.get("format")),
        release_group_id=group.get("id"),
        disambiguation=str(r.get("disambiguation") or ""),
    )


def release(r: dict[str, Any]) -> Release:
    tracks: list[CatalogTrack] = []
    for medium in r.get("media") or []:
        disc = int(medium.get("position") or 1)
        for t in medium.get("tracks") or []:
            length = t.get("length")
            if length is None:
                length = (t.get("recording") or {}).get("length")
            tracks.append(CatalogTrack(
                track_id=str(t["id"]), disc_number=disc, track_number=int(t["position"]),
                title=str(t.get("title") or (t.get("recording") or {})["title"]),
                duration_secs=round(length / 1000, 3) if length is not None else None))
    summary = release_summary(r)
    if summary.track_count != len(tracks):  # the lookup lists every track
        summary = ReleaseSummary(**{**summary.__dict__, "track_count": len(tracks)})
    return Release(summary, tuple(tracks))


def artist_credit(credits: list[dict[str, Any]]) -> str:
    """The credited name as printed: each name followed by its join phrase."""
    return "".join(f"{c['name']}{c.get('joinphrase', '')}" for c in credits).strip()


def _check_mbid(value: str, field: str = "musicbrainz_release_id") -> None:
    if not _MBID.match(value):
        raise ValidationError(FieldError(field, "must be a MusicBrainz id (a lower-case UUID)"))


def _parsed(build: Callable[[], T]) -> T:
    """Run a parser over a reply; a reply missing what the documented shape has is malformed."""
    try:
        return build()
    except (KeyError, TypeError, ValueError, AttributeError) as e:
        raise CatalogUnavailable(SERVICE, f"malformed reply: {type(e).__name__} {e}") from None
