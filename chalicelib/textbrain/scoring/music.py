"""Music score components: artist, album, track titles, format, track count, durations, size."""

from __future__ import annotations

import re

from chalicelib.content import extensions
from chalicelib.content.music import (
    AudioQuality,
    audio_quality,
    format_fit,
    quality_from_extensions,
)
from chalicelib.domain.request import ContentType, ItemKind
from chalicelib.textbrain.mapping.music import DURATION_TOLERANCE_SECS
from chalicelib.textbrain.parsing.flags import is_various_artists
from chalicelib.textbrain.release import RedFlag
from chalicelib.textbrain.scoring.breakdown import Component, Rejection
from chalicelib.textbrain.scoring.components import found_in, similarity, size_component
from chalicelib.textbrain.scoring.names import best_match, extra_name_words, installment_fit
from chalicelib.textbrain.scoring.offer import Offer
from chalicelib.textbrain.scoring.terms import TicketTerms, comparable

# Below this an artist or album is someone or something else.
WRONG_ARTIST = 0.65
WRONG_ALBUM = 0.5
# An album name this alike is the same album.
SAME_ALBUM = 0.9
# A name with words the ticket's lacks (editions aside) ranks lower and is never sure.
EXTRA_WORDS_CAP = 0.8
# Guests after these words do not change who the artist is.
_FEATURING = re.compile(r"\s+(?:feat\.?|ft\.?|featuring|with|vs\.?|x)\s+", re.IGNORECASE)
_SHORT_RELEASE_WORDS = frozenset({"single", "ep", "cds", "maxi"})
# A torrent holding the wanted tracks but not the whole release ranks a little lower.
PARTIAL_RELEASE_FACTOR = 0.9


def music_components(
    terms: TicketTerms, offer: Offer
) -> tuple[list[Component], list[Rejection], str]:
    """Every music component for one offer, the hard fails, and the release's scope."""
    components: list[Component] = []
    rejections: list[Rejection] = []
    scope = _scope(terms, offer)
    for part in (_artist, _album, _track_titles):
        component, rejection = part(terms, offer)
        if component is not None:
            components.append(component)
        if rejection is not None:
            rejections.append(rejection)
    components.append(_format(terms, offer))
    count, rejection = _track_count(terms, offer, scope)
    components.append(count)
    if rejection is not None:
        rejections.append(rejection)
    durations = _durations(terms, offer)
    if durations is not None:
        components.append(durations)
    size = _size(terms, offer)
    if size is not None:
        components.append(size)
    return components, rejections, scope


def _is_pack(terms: TicketTerms, offer: Offer) -> bool:
    """A discography or collection, unless the ticket's album is that collection itself
    ('Greatest Hits', 'The Very Best Of')."""
    if offer.parsed.is_discography:
        return True
    if not offer.parsed.is_collection:
        return False
    if terms.album_forms and offer.parsed.album:
        value, _ = best_match(terms.album_forms, (offer.parsed.album,), similarity)
        return value < SAME_ALBUM
    return True


def _scope(terms: TicketTerms, offer: Offer) -> str:
    if offer.parsed.is_discography:
        return "discography"
    if _is_pack(terms, offer):
        return "collection"
    words = set(offer.title.split()) | {comparable(e) for e in offer.parsed.edition}
    if words & _SHORT_RELEASE_WORDS:
        return "single"
    return "album" if terms.request.query.expected is ContentType.ALBUM else "release"


def _artist(terms: TicketTerms, offer: Offer) -> tuple[Component | None, Rejection | None]:
    if not terms.artist:
        return None, None
    weight = terms.rules.weight("artist")
    offered = offer.parsed.artist or ""
    if terms.various_artists:
        if (offered and is_various_artists(offered)) or RedFlag.VA_COMPILATION in \
                offer.parsed.red_flags:
            return Component("artist", weight, 1.0, "various artists, as requested"), None
        return Component("artist", weight, 0.7, "various artists requested"), None
    if offered:
        value, _ = best_match(terms.artist_forms, (offered,), similarity)
        reason = f"artist '{offer.parsed.artist}' ~ {value:.0%}"
        extra = extra_name_words(terms.artist_forms, (_FEATURING.split(offered)[0],))
        if extra:
            # 'Kate Bush' is not 'Bush', 'Pink Floyd' not 'P!nk': maybe a billing, never sure.
            value = min(value, EXTRA_WORDS_CAP)
            reason += f" (adds {' '.join(extra)})"
    else:
        value = found_in(terms.artist, offer.title)
        reason = f"artist found in title ~ {value:.0%}"
    if value < WRONG_ARTIST:
        who = offer.parsed.artist or offer.candidate.title
        wrong = f"wrong artist: '{who}' is not '{terms.request.query.artist}'"
        return Component("artist", weight, value, wrong), Rejection("wrong_artist", wrong)
    return Component("artist", weight, value, reason), None


def _album(terms: TicketTerms, offer: Offer) -> tuple[Component | None, Rejection | None]:
    if not terms.album:
        return None, None
    weight = terms.rules.weight("album")
    wanted = terms.request.query.album
    if _is_pack(terms, offer):
        kind = "discography" if offer.parsed.is_discography else "collection"
        mapping = offer.mapping
        if mapping is None:
            return Component("album", weight, 0.6, f"{kind}: should hold '{wanted}' (no file "
                                                   "list to confirm)"), None
        if mapping.folder:
            return Component("album", weight, 0.9, f"{kind} holding folder "
                                                   f"'{mapping.folder}'"), None
        value = 0.8 if mapping.complete else 0.3
        return Component("album", weight, value, f"{kind}: tracks found without an album "
                                                 "folder" if mapping.complete
                         else f"{kind}: the album's tracks are not all there"), None
    offered = offer.parsed.album or ""
    factor, why = 1.0, None
    if offered:
        value, _ = best_match(terms.album_forms, (offered,), similarity)
        factor, why = installment_fit(wanted or "", offered)
        value *= factor
        extra = extra_name_words(terms.album_forms, (offered,))
        if extra:
            # 'Kid A Mnesia' is not 'Kid A': perhaps the same music, never surely.
            value = min(value, EXTRA_WORDS_CAP)
            why = "; ".join(filter(None, (why, f"adds {' '.join(extra)}")))
        reason = f"album '{offer.parsed.album}' ~ {value:.0%}" + (f" ({why})" if why else "")
    else:
        value = found_in(terms.album, offer.title)
        reason = f"album found in title ~ {value:.0%}"
    # A track ticket may be served by any release that holds the track.
    if (value < WRONG_ALBUM or factor == 0.0) and terms.request.query.expected is ContentType.ALBUM:
        what = offer.parsed.album or offer.candidate.title
        wrong = f"wrong album: '{what}' is not '{wanted}'" + (f" ({why})" if why else "")
        return Component("album", weight, value, wrong), Rejection("wrong_album", wrong)
    return Component("album", weight, value, reason), None


def _track_titles(terms: TicketTerms, offer: Offer) -> tuple[Component | None, Rejection | None]:
    """For a track ticket without a file list: does the title name the wanted track(s)?"""
    if terms.request.query.expected is not ContentType.TRACK or not terms.track_names:
        return None, None
    weight = terms.rules.weight("track_titles")
    if offer.mapping is not None:
        return None, None
    best = max(found_in(name, offer.title) for name in terms.track_names)
    if best >= 0.9:
        return Component("track_titles", weight, 1.0, "the title names the track"), None
    if terms.album or _is_pack(terms, offer):
        return Component("track_titles", weight, 0.6, "track not named; may be on the "
                                                      "release"), None
    return Component("track_titles", weight, 0.3, "the title does not name the track"), None


def offered_quality(offer: Offer) -> AudioQuality | None:
    """The offered audio format: from the audio files when known, else from the title."""
    if offer.files is not None:
        exts = {extensions.extension_of(f.path) for f in offer.files} & extensions.AUDIO
        from_files = quality_from_extensions(exts)
        if from_files is not None and (from_files.lossless or offer.parsed.audio_format is None):
            return from_files
    return audio_quality(offer.parsed.audio_format)


def _format(terms: TicketTerms, offer: Offer) -> Component:
    value, reason = format_fit(terms.request.constraints, offered_quality(offer))
    return Component("format", terms.rules.weight("format"), value, reason)


def _track_count(
    terms: TicketTerms, offer: Offer, scope: str
) -> tuple[Component, Rejection | None]:
    weight = terms.rules.weight("track_count")
    wanted = terms.track_count
    # The catalog's count of the whole release, when the ticket asks for only some of it.
    release = terms.release_tracks if terms.release_tracks > wanted else None
    mapping = offer.mapping
    if mapping is not None:
        tracks = {i.item_id for i in terms.request.requested_items if i.kind is ItemKind.TRACK}
        found = [m for m in mapping.mapped if m.item_id in tracks]
        confidence = sum(m.confidence for m in found) / wanted if wanted else 1.0
        reason = f"{len(found)}/{wanted} requested tracks mapped (confidence {confidence:.0%})"
        if len(found) < wanted:
            missing = next((u.reason for u in mapping.unmapped if u.item_id in tracks), "")
            wrong = f"only {len(found)} of {wanted} requested tracks found ({missing})"
            return Component("track_count", weight, confidence, reason), Rejection(
                "missing_tracks", wrong)
        audio = _audio_files(offer, mapping.folder)
        if release is not None and audio < release:
            # Every wanted track is there, but not the whole release: a partial upload
            # or a sampler, which a complete album should outrank.
            confidence *= PARTIAL_RELEASE_FACTOR
            reason += f"; {audio} audio files of the release's {release} tracks"
        return Component("track_count", weight, confidence, reason), None
    count = offer.candidate.files_count
    if count is not None and count < wanted:
        wrong = f"{count} files cannot hold the {wanted} requested tracks"
        return Component("track_count", weight, 0.0, wrong), Rejection("too_few_files", wrong)
    album_tracks = release if release and terms.request.query.expected is ContentType.ALBUM \
        else wanted
    if scope == "single" and album_tracks > 2:
        what = "requested" if album_tracks == wanted else "on the album"
        return Component("track_count", weight, 0.2, f"a single/EP, but {album_tracks} tracks "
                                                     f"{what}"), None
    if count is not None and release is not None:
        if count < release:
            return Component("track_count", weight, 0.6, f"{count} files: fewer than the "
                                                         f"release's {release} tracks"), None
        return Component("track_count", weight, 0.8, f"{count} files for the release's "
                                                     f"{release} tracks"), None
    if count is not None:
        return Component("track_count", weight, 0.8, f"{count} files for {wanted} tracks "
                                                     "(file list not yet known)"), None
    return Component("track_count", weight, 0.6, "track count unknown until the file list "
                                                 "is fetched"), None


def _audio_files(offer: Offer, folder: str | None) -> int:
    """How many audio files the torrent holds (in the album folder the mapping chose)."""
    files = offer.files or ()
    return sum(1 for f in files if extensions.extension_of(f.path) in extensions.AUDIO
               and (folder is None or f.path.startswith(folder.rstrip("/") + "/")))


def _durations(terms: TicketTerms, offer: Offer) -> Component | None:
    if offer.mapping is None or not offer.durations:
        return None
    wanted = {i.item_id: i.duration_secs for i in terms.request.requested_items
              if i.duration_secs is not None}
    checked = [(m, wanted[m.item_id]) for m in offer.mapping.mapped
               if m.item_id in wanted and m.path in offer.durations]
    if not checked:
        return None
    close = sum(1 for m, secs in checked
                if abs(offer.durations[m.path] - secs) <= DURATION_TOLERANCE_SECS)
    value = close / len(checked)
    return Component("durations", terms.rules.weight("durations"), value,
                     f"{close}/{len(checked)} tracks within {DURATION_TOLERANCE_SECS:g}s")


def _size(terms: TicketTerms, offer: Offer) -> Component | None:
    quality = offered_quality(offer)
    kbps = quality.nominal_kbps if quality else 320
    per_sec = kbps * 1000 / 8
    requested = terms.track_secs * per_sec
    if _is_pack(terms, offer):
        return size_component(terms, offer.candidate.size, requested * 0.3, requested * 40,
                              f"a pack holding {terms.track_count} tracks at ~{kbps} kbit/s")
    if terms.release_tracks > terms.track_count:
        # The catalog knows the whole release: a torrent of it weighs the whole album, and
        # one of just the requested tracks is fine too.
        return size_component(terms, offer.candidate.size, requested * 0.3,
                              terms.release_secs * per_sec * 3.0,
                              f"{terms.track_count} of the release's {terms.release_tracks} "
                              f"tracks at ~{kbps} kbit/s")
    # An album holding the one wanted track is rightly much larger.
    roomy = terms.request.query.expected is ContentType.TRACK
    return size_component(terms, offer.candidate.size, requested * 0.3,
                          requested * (40 if roomy else 3.0),
                          f"{terms.track_count} tracks at ~{kbps} kbit/s")
