"""The speed-ups of the parser's patterns keep their matches: `literal_first` and the lower-case
search of `KeywordPattern`."""

from __future__ import annotations

import dataclasses
import re

import pytest

from chalicelib.textbrain.parsing import parse
from chalicelib.textbrain.parsing.tokens import (
    KeywordPattern,
    L,
    R,
    all_named,
    first_named,
    literal_first,
)
from chalicelib.textbrain.release import ParsedRelease

# Word edges at the start, in the middle and at the end, glued words, separators of every kind.
TEXTS = (
    "Movie.Name.2019.1080p.WEB-DL.DD5.1.H264-GRP",
    "movie name 2019 webdl x264",
    "Show_S01E02_[BluRay]_(HEVC)",
    "xwebdl aweb web_rip WEBRIP 5web web5",
    "Karaoke Hits - Sing-Along (Backing Tracks)",
    "backingtracks singalongs xkaraoke karaoke",
    "[dvd]dvd9(dvd)dvdrip.x264h264 h 264",
    "",
    "w",
    "web",
    "Ünïcödé wéb Web-DL",
)


@pytest.mark.parametrize(
    "pattern",
    [
        L + r"(?:web[ ._-]?dl|webdl|web[ ._-]?rip|web)" + R,
        L + r"(?:karaoke|sing[ ._-]?along|backing[ ._-]tracks?)" + R,
        L + r"(?:[xh][ .]?264|avc)" + R,
        L + r"dvd(?:rip|5|9)?" + R,
        L + r"(?:hd[ ._-]tv|hr)" + R + r"|\[hdtv\]",
    ],
)
@pytest.mark.parametrize("flags", [0, re.IGNORECASE])
def test_literal_first_keeps_every_match(pattern: str, flags: int) -> None:
    moved = literal_first(pattern)
    assert not moved.startswith(L)  # it did move the look-behind: the test compares two forms
    before, after = re.compile(pattern, flags), re.compile(moved, flags)
    for text in TEXTS:
        for start in range(len(text) + 1):
            expected = [(m.span(), m.groups()) for m in before.finditer(text, start)]
            assert [(m.span(), m.groups()) for m in after.finditer(text, start)] == expected


@pytest.mark.parametrize(
    "pattern",
    [
        L + r"(?:m?blu[ ._-]?ray|bd)" + R,  # an optional first character
        L + r"(\d{1,2})[ ._-]?discs?" + R,  # a repeated first character
        L + r"(?:(?:complete|studio)[ ._-]albums)" + R,  # an alternative opens with a group
        r"(?<!\d)s(\d{1,4})",  # not the word-edge look-behind
    ],
)
def test_literal_first_leaves_what_it_cannot_move(pattern: str) -> None:
    assert literal_first(pattern) == pattern


def test_keyword_pattern_answers_as_its_regex_in_any_case() -> None:
    pattern = KeywordPattern(("web", "dl"), L + r"(?:web[ ._-]?(dl|rip)|dl)" + R)
    plain = re.compile(L + r"(?:web[ ._-]?(dl|rip)|dl)" + R, re.IGNORECASE)
    for text in (*TEXTS, "Movie WEB-DL", "Ünïcödé WEB.Rip", "weBrIp"):
        got, expected = pattern.search(text), plain.search(text)
        if expected is None:
            assert got is None
            continue
        assert got is not None
        assert (got.span(), got.groups()) == (expected.span(), expected.groups())
        assert got.string is text  # groups keep the title's own case


def test_tables_name_the_first_and_every_matching_pattern() -> None:
    table = (
        ("hevc", KeywordPattern(("265", "hevc"), L + r"(?:[xh][ .]?265|hevc)" + R)),
        ("avc", KeywordPattern(("264", "avc"), L + r"(?:[xh][ .]?264|avc)" + R)),
        ("webdl", KeywordPattern(("web",), L + r"web[ ._-]?dl" + R)),
    )
    text = "Show.S01E01.WEB-DL.H.264.x265"
    assert first_named(table, text, text.lower()) == "hevc"
    assert all_named(table, text, text.lower()) == ("hevc", "avc", "webdl")
    assert all_named(table, "Show.webdlx", "show.webdlx") == ()
    assert first_named(table, "Show.webdlx", "show.webdlx") is None


@pytest.mark.parametrize(
    "title",
    [
        "Movie.Name.2019.1080p.WEB-DL.DD5.1.H264-GRP",
        "Show.S01E02.720p.HDTV.x264-GRP",
        "Artist - Album (2020) [FLAC 24bit] Deluxe Edition",
        "[Group] Series - 07 [1080p][ABCD1234].mkv",
        "",
    ],
)
def test_parse_fills_every_field_as_the_dataclass_would(title: str) -> None:
    parsed = parse(title)
    assert set(vars(parsed)) == {field.name for field in dataclasses.fields(ParsedRelease)}
    rebuilt = ParsedRelease(**vars(parsed))  # through the dataclass's own __init__
    assert rebuilt == parsed
    assert hash(rebuilt) == hash(parsed)
    assert repr(rebuilt) == repr(parsed)
