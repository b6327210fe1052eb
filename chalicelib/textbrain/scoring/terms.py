"""What a ticket asks for, normalised once so scoring many candidates stays cheap."""

from __future__ import annotations

import functools
from dataclasses import dataclass, field

from chalicelib.content.music import TYPICAL_TRACK_SECS
from chalicelib.content.rules import ContentRules, rules_for
from chalicelib.domain.request import ContentType, ItemKind, QueryContext, TicketRequest
from chalicelib.textbrain.normalise import normalise_text
from chalicelib.textbrain.preferences import RankingPreferences
from chalicelib.textbrain.scoring.names import name_forms, title_variants

_VARIOUS = frozenset({"va", "various", "various artists", "v a"})


@functools.lru_cache(maxsize=16384)
def comparable(text: str) -> str:
    """normalise_text, cached: ranking sees the same titles and names again and again."""
    return normalise_text(text)


def _norm(text: str | None) -> str:
    return comparable(text) if text else ""


def _title_forms(title: str | None, year: int | None) -> tuple[str, ...]:
    """A title's forms, with its subtitle as initials; with a year to pin the work, also its
    main title alone ('Léon: The Professional (1994)' is often released as 'Léon (1994)')."""
    if not title:
        return ()
    forms: dict[str, None] = {}
    for variant in title_variants(title, short_head=year is not None):
        forms.update(dict.fromkeys(name_forms(variant)))
    return tuple(forms)


def _release_size(q: QueryContext, tracks: int, track_secs: float) -> tuple[int, float]:
    """The whole release's track count and seconds: the catalog's when it is larger than the
    request (a few tracks of an album), else the requested tracks'."""
    count = q.release_track_count or 0
    if count <= tracks:
        return tracks, track_secs
    secs = q.release_secs or 0.0
    if secs <= track_secs:  # no length from the catalog: typical lengths for the rest
        secs = track_secs + (count - tracks) * TYPICAL_TRACK_SECS
    return count, secs


@dataclass(frozen=True)
class TicketTerms:
    """A request with its comparable strings and counts precomputed."""

    request: TicketRequest
    rules: ContentRules
    artist: str
    album: str
    title: str
    author: str
    version: str
    track_names: tuple[str, ...]
    track_count: int
    # Seconds of music requested (typical track lengths where the ticket gives none).
    track_secs: float
    video_count: int
    episodes: tuple[tuple[int | None, int | None], ...]
    # Every word of the ticket's own description, so 'Live at Wembley' may be live.
    words: frozenset[str]
    various_artists: bool
    # The whole release the tracks come from, when the catalog told (else the requested
    # tracks): an album torrent holds every track of it, not just the requested ones.
    release_tracks: int = 0
    release_secs: float = 0.0
    # Every comparable form of the names ('P!nk' is also 'pink', 'Part One' also 'part 1').
    artist_forms: tuple[str, ...] = ()
    album_forms: tuple[str, ...] = ()
    title_forms: tuple[str, ...] = ()
    preferences: RankingPreferences = field(default_factory=RankingPreferences)

    @classmethod
    def of(
        cls, request: TicketRequest, preferences: RankingPreferences | None = None
    ) -> TicketTerms:
        """Precompute the terms of one request, with the deployment's preferences."""
        q = request.query
        wanted = request.requested_items
        tracks = [i for i in wanted if i.kind is ItemKind.TRACK]
        videos = [i for i in wanted if i.kind is ItemKind.VIDEO]
        episodes = tuple(
            (i.season if i.season is not None else q.season,
             i.episode if i.episode is not None else q.episode)
            for i in videos
        ) or ((q.season, q.episode),)
        # A track's own name says what it is ('Song (Live)'); an album's track names do not
        # make the whole album live ('Live to Win' on a studio album).
        names = [t.name or "" for t in tracks] if q.expected is ContentType.TRACK else []
        text = " ".join(filter(None, (q.artist, q.album, q.title, q.description,
                                      *q.tags, *names)))
        track_secs = sum(t.duration_secs or TYPICAL_TRACK_SECS for t in tracks)
        release_tracks, release_secs = _release_size(q, len(tracks), track_secs)
        return cls(
            request=request,
            rules=rules_for(q.expected),
            artist=_norm(q.artist),
            album=_norm(q.album),
            title=_norm(q.title),
            author=_norm(q.author),
            version=_norm(q.version),
            track_names=tuple(_norm(t.name) for t in tracks if t.name),
            track_count=len(tracks),
            track_secs=track_secs,
            video_count=len(videos),
            episodes=episodes,
            words=frozenset(_norm(text).split()),
            various_artists=_norm(q.artist) in _VARIOUS,
            release_tracks=release_tracks,
            release_secs=release_secs,
            artist_forms=name_forms(q.artist) if q.artist else (),
            album_forms=name_forms(q.album) if q.album else (),
            title_forms=_title_forms(q.title, q.year),
            preferences=preferences or RankingPreferences(),
        )
