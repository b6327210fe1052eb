"""Fill in what a music ticket left out (track durations, the release's size) from the catalog.

TextBrain's scorer (size plausibility, duration fit, track count) and file mapping use each
track's expected duration and the whole release's track count when the ticket gives them; a
consumer that only knows "this album" gives none, and one that wants a few tracks of an album
does not say how many the album has. Before searching, the acquisition stage asks the catalog
for the release (by its MusicBrainz id, else the best match for artist + album + year), copies
the lengths onto the tracks that lack them, matched by disc and track number, else by title,
and notes the release's track count and length on the query once a track is found on it. A
catalog that is not configured, down or without the album changes nothing: the ticket goes on
without catalog data.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, replace
from typing import Any

from chalicelib.domain.candidate import normalise_text
from chalicelib.domain.errors import DomainError
from chalicelib.domain.media_catalog import CatalogTrack, Release
from chalicelib.domain.request import TicketItem, TicketRequest
from chalicelib.ports import MusicCatalog

log = logging.getLogger("quentin.catalog")


@dataclass(frozen=True)
class Enrichment:
    """The request to search with, and what the catalog added (for the audit trail)."""

    request: TicketRequest
    note: dict[str, Any]


class CatalogEnrichment:
    def __init__(self, music: MusicCatalog | None) -> None:
        self._music = music

    def enrich(self, request: TicketRequest) -> Enrichment:
        tracks = request.tracks
        q = request.query
        nameless = not (q.musicbrainz_release_id or (q.artist and q.album))
        if self._music is None or not tracks or _complete(request) or (
                nameless and all(t.duration_secs for t in tracks)):
            return Enrichment(request, {})  # nothing to learn, or no album to ask about
        try:
            release = self._release(self._music, request)
        except DomainError as e:  # an outage or a miss: search without catalog data
            log.info("catalog not used", extra={"reason": e.message})
            return Enrichment(request, {"used": False, "reason": e.message})
        except Exception as e:  # optional data must never fail a ticket, whatever broke
            log.exception("catalog lookup failed")
            return Enrichment(request, {"used": False, "reason": type(e).__name__})
        if release is None:
            return Enrichment(request, {"used": False, "reason": "no matching release"})
        filled = found = 0
        items: list[TicketItem] = []
        for item in request.items:
            match = _match(item, release) if item in tracks else None
            found += match is not None
            if match is not None and match.duration_secs and not item.duration_secs:
                item = replace(item, duration_secs=match.duration_secs)
                filled += 1
            items.append(item)
        s = release.summary
        note: dict[str, Any] = {"used": True, "source": "musicbrainz",
                                "release_id": s.release_id, "release_track_count": s.track_count,
                                "durations_filled": filled}
        query = request.query
        if found:  # a wanted track is on it: this release is the one the ticket means
            count = len(release.tracks) or s.track_count
            query = replace(query, release_track_count=count,
                            release_secs=release.total_duration_secs)
            note["release_secs"] = release.total_duration_secs
        return Enrichment(replace(request, query=query, items=tuple(items)), note)

    @staticmethod
    def _release(music: MusicCatalog, request: TicketRequest) -> Release | None:
        q = request.query
        if q.musicbrainz_release_id:
            return music.release(q.musicbrainz_release_id)
        if not (q.artist and q.album):
            return None
        wanted = normalise_text(q.album)
        found = [r for r in music.search_releases(q.artist, q.album, q.year, limit=10)
                 if normalise_text(r.title) == wanted and r.track_count >= len(request.tracks)]
        return music.release(found[0].release_id) if found else None


def _complete(request: TicketRequest) -> bool:
    """The ticket already says all the catalog could: a full album with every duration."""
    return request.request_scope == "full_album" and all(t.duration_secs for t in request.tracks)


def _match(item: TicketItem, release: Release) -> CatalogTrack | None:
    if item.track_number is not None:
        disc = item.disc_number or 1
        at = next((t for t in release.tracks
                   if (t.disc_number, t.track_number) == (disc, item.track_number)), None)
        # The position is trusted when the names agree loosely ("Exit Music" is
        # "Exit Music (For a Film)"); another track there means another edition.
        if at is not None and (not item.name or _alike(item.name, at.title)):
            return at
    if item.name:
        name = normalise_text(item.name)
        return next((t for t in release.tracks if normalise_text(t.title) == name), None)
    return None


def _alike(a: str, b: str) -> bool:
    x, y = normalise_text(a), normalise_text(b)
    return bool(x and y) and (x in y or y in x)
