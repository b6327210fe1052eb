"""Red flags a release shows beyond its name's words: dangerous files, locked archives, sizes.

Each finding is a class of fake or lesser release, judged against what the ticket expects:
an executable is a threat in an album and a matter of course in software; hard-coded
subtitles only mean something for video; a lossless album cannot weigh 4 MB.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence

from chalicelib.content import extensions
from chalicelib.content.video import resolution_lines
from chalicelib.domain.candidate import TorrentFile
from chalicelib.domain.request import ContentType
from chalicelib.textbrain.parsing.flags import (
    EXECUTABLE_EXTENSIONS,
    red_flags_of,
    title_hazards,
)
from chalicelib.textbrain.release import RedFlag
from chalicelib.textbrain.scoring.offer import Offer
from chalicelib.textbrain.scoring.terms import TicketTerms

_VIDEO_ONLY = frozenset({RedFlag.HARDCODED_SUBS, RedFlag.CAMERA_SOURCE, RedFlag.EXTRAS_ONLY})
# Content whose files are only ever played or read, never run.
_MEDIA = frozenset({ContentType.ALBUM, ContentType.TRACK, ContentType.MOVIE,
                    ContentType.TV_EPISODE, ContentType.EBOOK})
_ARCHIVE = re.compile(r"\.(?:rar|r\d\d|zip|7z|z\d\d|tar|gz|tgz|bz2|xz|\d{3})$", re.IGNORECASE)
_PASSWORD_FILE = re.compile(r"pass(?:word|wd)|\bpw\b", re.IGNORECASE)
# The fewest kbit/s a real release of that kind holds: far below any real encoding, so only
# fakes and placeholders fall under it.
_LOSSLESS_MIN_KBPS = 250
_LOSSY_MIN_KBPS = 40
_MB = 1_000_000
# Smallest believable feature (movie) and episode by vertical resolution, in bytes.
_MOVIE_MIN = ((2160, 1000 * _MB), (1080, 300 * _MB), (720, 200 * _MB), (0, 100 * _MB))
_EPISODE_MIN = ((2160, 150 * _MB), (1080, 60 * _MB), (720, 40 * _MB), (0, 20 * _MB))


@functools.lru_cache(maxsize=8192)
def _title_hazards(title: str, music: bool) -> frozenset[RedFlag]:
    # The music flags again over the whole title: the parser may read them only from the
    # part it did not take for the album ('Album (Live at Wembley)').
    return title_hazards(title) | (red_flags_of(title, True) if music else frozenset())


def release_hazards(terms: TicketTerms, offer: Offer, lossless: bool | None) -> set[RedFlag]:
    """The hazards of one offer for this ticket; `lossless` is the offered audio, if music."""
    expected = terms.request.query.expected
    media = expected in _MEDIA
    flags = set()
    for flag in _title_hazards(offer.candidate.title, expected.is_music):
        if flag in _VIDEO_ONLY and not expected.is_video:
            continue
        if flag is RedFlag.EXECUTABLE and not media:
            continue
        flags.add(flag)
    if offer.files is not None:
        flags |= _file_hazards(offer.files, media, terms.rules.wanted_extensions)
    size = offer.candidate.size
    if (size is None or size <= 0) and offer.files:
        size = sum(f.size for f in offer.files)
    too_small = size is not None and 0 < size < _smallest_plausible(terms, offer, lossless)
    if too_small or (expected.is_music and _tracks_too_small(terms, offer)):
        flags.add(RedFlag.IMPLAUSIBLE_SIZE)
    return flags


def _tracks_too_small(terms: TicketTerms, offer: Offer) -> bool:
    """Whether a mapped audio file is far too small for its track's duration (the total can
    look right while a filler file carries the weight)."""
    if offer.mapping is None or offer.files is None:
        return False
    seconds = {i.item_id: i.duration_secs for i in terms.request.requested_items
               if i.duration_secs}
    sizes = {f.path: f.size for f in offer.files}
    for mapped in offer.mapping.mapped:
        secs = seconds.get(mapped.item_id)
        size = sizes.get(mapped.path)
        if not secs or size is None:
            continue
        ext = extensions.extension_of(mapped.path)
        kbps = (_LOSSLESS_MIN_KBPS if ext in extensions.LOSSLESS_AUDIO
                else _LOSSY_MIN_KBPS if ext in extensions.AUDIO else 0)
        if size < secs * kbps * 1000 / 8:
            return True
    return False


def _file_hazards(
    files: Sequence[TorrentFile], media: bool, wanted: frozenset[str]
) -> set[RedFlag]:
    flags = set()
    exts = {extensions.extension_of(f.path) for f in files}
    if media and exts & EXECUTABLE_EXTENSIONS:
        flags.add(RedFlag.EXECUTABLE)
    if any(_PASSWORD_FILE.search(f.path.rsplit("/", 1)[-1]) for f in files):
        flags.add(RedFlag.PASSWORD_PROTECTED)
    if media and files and not exts & wanted and any(_ARCHIVE.search(f.path) for f in files):
        flags.add(RedFlag.ARCHIVE_ONLY)
    return flags


def _smallest_plausible(terms: TicketTerms, offer: Offer, lossless: bool | None) -> float:
    """Bytes below which the release cannot hold what it claims (0: no judgement)."""
    expected = terms.request.query.expected
    if expected.is_music:
        # Only the ticket's own durations: a guessed track length is no ground for calling
        # a release fake.
        secs = sum(i.duration_secs or 0.0 for i in terms.request.requested_items)
        kbps = _LOSSLESS_MIN_KBPS if lossless else _LOSSY_MIN_KBPS
        return secs * kbps * 1000 / 8
    if expected.is_video:
        lines = resolution_lines(offer.parsed.resolution) or 0
        table = _MOVIE_MIN if expected is ContentType.MOVIE else _EPISODE_MIN
        return next(size for floor, size in table if lines >= floor)
    return 0.0
