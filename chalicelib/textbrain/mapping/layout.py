"""What a torrent's file paths say: disc and track numbers, episodes, album folders, extras.

This reads file layouts only (names inside a torrent); release titles are the parser's job.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from chalicelib.content.video import EXTRA_WORDS
from chalicelib.textbrain.normalise import normalise_text

_DISC_FOLDER = re.compile(r"^(?:cd|disc|disk|dvd|part)\s*[-_.]?\s*(\d{1,2})\b", re.IGNORECASE)
_DISC_TRACK = re.compile(r"^\s*(\d{1,2})[-.](\d{1,3})(?!\d)")
_THREE_DIGITS = re.compile(r"^\s*([1-9])(\d{2})(?!\d)")
_LEADING_TRACK = re.compile(r"^\s*(\d{1,2})(?!\d)")
_INNER_TRACK = re.compile(r"\s-\s(\d{1,3})(?!\d)\s*[-.]")
_LEADING_NUMBERS = re.compile(r"^[\s\d._\-\[\]()]+")
_GENERIC_TITLE = re.compile(r"^(?:track|audiotrack|piste|titel)?\s*\d*$")
_SXXEYY = re.compile(r"s(\d{1,2})[ ._-]?e(\d{1,3})((?:[ ._-]?-?[ ._-]?e\d{1,3}|-\d{1,3}(?!\d))*)",
                     re.IGNORECASE)
_NXNN = re.compile(r"(?<!\d)(\d{1,2})x(\d{2,3})(?!\d)((?:-\d{1,2}x\d{2,3})*)", re.IGNORECASE)
_NUMBER = re.compile(r"\d+")


@dataclass(frozen=True)
class TrackNumbering:
    """Disc and track numbers read from one audio file's path; None where it does not say."""

    disc: int | None
    track: int | None


def segments(path: str) -> list[str]:
    """The '/'-separated parts of a torrent path, empty ones dropped."""
    return [part for part in path.replace("\\", "/").split("/") if part]


def stem(path: str) -> str:
    """The last path segment without its extension."""
    name = segments(path)[-1] if segments(path) else path
    return name.rsplit(".", 1)[0] if "." in name.strip(".") else name


def disc_folder_number(folder: str) -> int | None:
    """The disc number a folder such as 'CD1', 'Disc 2' or 'disk-3' names."""
    found = _DISC_FOLDER.match(folder.strip())
    return int(found.group(1)) if found else None


def track_numbering(path: str) -> TrackNumbering:
    """Disc and track numbers of an audio file: 'CD2/03 x', '1-03 x', '103 x', 'A - 03 - x'."""
    disc: int | None = None
    for folder in segments(path)[:-1]:
        number = disc_folder_number(folder)
        if number is not None:
            disc = number
    name = stem(path)
    if found := _DISC_TRACK.match(name):
        return TrackNumbering(int(found.group(1)), int(found.group(2)))
    if found := _THREE_DIGITS.match(name):
        return TrackNumbering(disc or int(found.group(1)), int(found.group(2)))
    if found := _LEADING_TRACK.match(name):
        return TrackNumbering(disc, int(found.group(1)))
    if found := _INNER_TRACK.search(name):
        number = int(found.group(1))
        if number >= 100:
            return TrackNumbering(number // 100, number % 100)
        return TrackNumbering(disc, number)
    return TrackNumbering(disc, None)


def title_words(path: str) -> str:
    """The normalised words of a file name after its leading numbers; '' for 'Track 01'."""
    words = normalise_text(_LEADING_NUMBERS.sub("", stem(path)))
    return "" if _GENERIC_TITLE.match(words) else words


def album_folder(path: str) -> str:
    """The folder that holds a file's album: its parent, skipping a 'CD1'-style disc folder."""
    parts = segments(path)[:-1]
    if parts and disc_folder_number(parts[-1]) is not None:
        parts = parts[:-1]
    return "/".join(parts)


def episode_numbers(path: str) -> tuple[int | None, tuple[int, ...]]:
    """Season and episodes a video file name carries: 'S01E02', 'S01E01-E03', '1x02'."""
    name = segments(path)[-1] if segments(path) else path
    found = _SXXEYY.search(name)
    if found:
        season = int(found.group(1))
        numbers = [int(found.group(2)), *(int(n) for n in _NUMBER.findall(found.group(3)))]
        return season, _expand(numbers, "-" in found.group(3))
    found = _NXNN.search(name)
    if found:
        season = int(found.group(1))
        rest = [int(n) for n in _NUMBER.findall(found.group(3))][1::2]
        return season, _expand([int(found.group(2)), *rest], bool(found.group(3)))
    return None, ()


def _expand(numbers: list[int], is_range: bool) -> tuple[int, ...]:
    first, last = numbers[0], numbers[-1]
    if is_range and first < last <= first + 50:
        return tuple(range(first, last + 1))
    return tuple(sorted(set(numbers)))


def is_extra(path: str) -> bool:
    """Whether a path looks like a sample, trailer or bonus feature rather than the feature.

    The torrent's root folder is the release name and is not judged ('E.T. the
    Extra-Terrestrial/' is no extras folder); a file's own name counts only for the words
    that mark a cut-down copy (sample, trailer).
    """
    parts = segments(path)
    if not parts:
        return False
    for folder in parts[1:-1]:
        if _has_phrase(normalise_text(folder), EXTRA_WORDS):
            return True
    return _has_phrase(normalise_text(stem(path)), _EXTRA_FILE_WORDS)


_EXTRA_FILE_WORDS = frozenset({"sample", "trailer"})


def _has_phrase(words: str, phrases: frozenset[str]) -> bool:
    padded = f" {words} "
    return any(f" {phrase} " in padded for phrase in phrases)
