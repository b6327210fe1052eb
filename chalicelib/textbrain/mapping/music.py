"""Mapping audio files to track items: album folder choice, then an optimal assignment."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from rapidfuzz import fuzz

from chalicelib.content import extensions
from chalicelib.domain.candidate import TorrentFile
from chalicelib.domain.request import TicketItem
from chalicelib.textbrain.mapping.assignment import solve_assignment
from chalicelib.textbrain.mapping.layout import (
    TrackNumbering,
    album_folder,
    segments,
    title_words,
    track_numbering,
)
from chalicelib.textbrain.mapping.model import MappedItem, UnmappedItem
from chalicelib.textbrain.normalise import normalise_text

# A file must score at least this for a track to be mapped to it.
ACCEPT_SCORE = 0.55
DURATION_TOLERANCE_SECS = 5.0
_YEAR = re.compile(r"(?<!\d)(19\d{2}|20\d{2})(?!\d)")


@dataclass(frozen=True)
class AudioFile:
    """An audio file of the torrent with what its path says, read once."""

    index: int
    path: str
    numbering: TrackNumbering
    words: str
    folder: str


@dataclass(frozen=True)
class TrackMapping:
    """What mapping the tracks produced, plus the folder it settled on."""

    mapped: tuple[MappedItem, ...]
    unmapped: tuple[UnmappedItem, ...]
    folder: str | None
    notes: tuple[str, ...]


def audio_files(files: Sequence[TorrentFile]) -> list[AudioFile]:
    """The audio files of a torrent, in torrent order."""
    found = []
    for index, file in enumerate(files):
        if extensions.extension_of(file.path) in extensions.AUDIO:
            found.append(AudioFile(index, file.path, track_numbering(file.path),
                                   title_words(file.path), album_folder(file.path)))
    return found


def choose_album_folder(
    audio: Sequence[AudioFile], album: str | None, year: int | None, track_count: int
) -> tuple[str | None, str | None]:
    """The album folder to map from when a torrent holds several (a discography), and why.

    Folders are judged by name similarity to the album, the year in the name, and how
    close their track count is to the ticket's.
    """
    folders: dict[str, int] = {}
    for file in audio:
        folders[file.folder] = folders.get(file.folder, 0) + 1
    if len(folders) < 2 or not album:
        return None, None
    wanted = normalise_text(album)
    ranked = []
    for folder, count in folders.items():
        name = segments(folder)[-1] if folder else ""
        words = normalise_text(_YEAR.sub(" ", name))
        # token_set_ratio rewards a folder that holds the album's words and more; plain ratio
        # keeps 'OK Computer' ahead of 'OK Computer OKNOTOK' when both are there.
        similarity = (fuzz.token_set_ratio(wanted, words) + fuzz.ratio(wanted, words)) / 200
        year_bonus = 0.1 if year is not None and str(year) in name else 0.0
        count_fit = min(count, track_count) / max(count, track_count, 1)
        ranked.append((similarity + year_bonus + 0.2 * count_fit, similarity, folder))
    ranked.sort(key=lambda r: (-r[0], r[2]))
    _, similarity, folder = ranked[0]
    if similarity < 0.5:
        return None, f"no folder name resembles the album '{album}'; using all audio files"
    return folder, f"picked album folder '{folder}' (name similarity {similarity:.0%})"


def map_tracks(
    tracks: Sequence[TicketItem],
    files: Sequence[TorrentFile],
    album: str | None,
    year: int | None,
    durations: Mapping[str, float],
    release_tracks: int | None = None,
) -> TrackMapping:
    """Map requested track items to audio files by numbers, names and durations.

    `release_tracks` is the whole release's track count when the catalog told (a ticket may
    want a few tracks): the album folder holding that many is the likelier edition.
    """
    audio = audio_files(files)
    if not audio:
        return TrackMapping((), tuple(UnmappedItem(t.item_id, "no audio files in the torrent")
                                      for t in tracks), None, ())
    folder, note = choose_album_folder(audio, album, year, max(release_tracks or 0, len(tracks)))
    notes = (note,) if note else ()
    pool = [a for a in audio if folder is None or a.folder == folder]
    wanted_names = [normalise_text(t.name) if t.name else "" for t in tracks]
    scores = [[_match_score(t, n, f, durations) for f in pool]
              for t, n in zip(tracks, wanted_names, strict=True)]
    pairs = dict(solve_assignment([[1.0 - s for s in row] for row in scores]))
    mapped: list[MappedItem] = []
    unmapped: list[UnmappedItem] = []
    for row, track in enumerate(tracks):
        label = _track_label(track)
        column = pairs.get(row)
        if column is None:
            unmapped.append(UnmappedItem(
                track.item_id, f"no audio file left for {label} ({len(pool)} files for "
                               f"{len(tracks)} tracks)"))
            continue
        file = pool[column]
        score, why = _match(track, wanted_names[row], file, durations)
        if score < ACCEPT_SCORE:
            unmapped.append(UnmappedItem(
                track.item_id, f"no file matches {label} well enough (best: "
                               f"'{file.path}' at {score:.2f}: {why})"))
            continue
        mapped.append(MappedItem(track.item_id, file.path, file.index, score,
                                 f"{label} <- '{segments(file.path)[-1]}' ({why})"))
    return TrackMapping(tuple(mapped), tuple(unmapped), folder, notes)


def _track_label(track: TicketItem) -> str:
    number = ""
    if track.track_number is not None:
        number = f"{track.disc_number}-{track.track_number:02d} " if track.disc_number else (
            f"{track.track_number:02d} ")
    return f"track {number}'{track.name or track.item_id}'".replace("  ", " ")


def _match_score(
    track: TicketItem, wanted: str, file: AudioFile, durations: Mapping[str, float]
) -> float:
    """`_match` without the words: the cost matrix needs only the number, and fast."""
    has_duration = track.duration_secs is not None and file.path in durations
    weighted = weights = 0.0
    if wanted and file.words:
        weight = 0.45 if has_duration else 0.6
        weighted += weight * _name_similarity(wanted, file.words)
        weights += weight
    if track.track_number is not None and file.numbering.track is not None:
        weight = 0.25 if has_duration else 0.4
        weighted += weight * _same_number(track, file)
        weights += weight
    if has_duration and track.duration_secs is not None:
        weighted += 0.35 * _duration_fit(durations[file.path] - track.duration_secs)
        weights += 0.35
    return weighted / weights if weights else 0.0


def _name_similarity(wanted: str, words: str) -> float:
    # A name that merely contains the wanted one ('Intro' in 'Intro (Reprise)') is
    # weaker evidence than an equal one.
    return (0.8 * fuzz.token_set_ratio(wanted, words) + 0.2 * fuzz.ratio(wanted, words)) / 100


def _same_number(track: TicketItem, file: AudioFile) -> float:
    wanted_disc = track.disc_number or 1
    # Without a disc in the path, track 3 of disc 1 and of disc 2 look alike: names decide.
    disc_ok = file.numbering.disc is None or file.numbering.disc == wanted_disc
    return 1.0 if disc_ok and file.numbering.track == track.track_number else 0.0


def _duration_fit(gap: float) -> float:
    gap = abs(gap)
    return 1.0 if gap <= DURATION_TOLERANCE_SECS else max(0.0, 1 - (gap - 5) / 30)


def _match(
    track: TicketItem, wanted: str, file: AudioFile, durations: Mapping[str, float]
) -> tuple[float, str]:
    """How well one file fits one track, 0..1, with the evidence in words."""
    why: list[str] = []
    if wanted and file.words:
        why.append(f"name {_name_similarity(wanted, file.words):.0%}")
    if track.track_number is not None and file.numbering.track is not None:
        same = _same_number(track, file)
        why.append("number matches" if same else "number differs")
    if track.duration_secs is not None and file.path in durations:
        why.append(f"duration off by {abs(durations[file.path] - track.duration_secs):.1f}s")
    score = _match_score(track, wanted, file, durations)
    return score, ", ".join(why) or "nothing to compare"
