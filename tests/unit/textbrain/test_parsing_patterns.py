"""The speed-ups of the parser's patterns keep their matches: `literal_first`, the lower-case
search of `KeywordPattern`, keyword gates and the gate of the explicit episode markers."""

from __future__ import annotations

import dataclasses
import re

import pytest

from chalicelib.textbrain.parsing import parse
from chalicelib.textbrain.parsing.movie import _STRONG_TAG, _UPPER_LANGUAGE, first_strong_tag
from chalicelib.textbrain.parsing.tokens import (
    KeywordPattern,
    L,
    R,
    all_named,
    first_named,
    keyword_gate,
    literal_first,
)
from chalicelib.textbrain.parsing.tv import _EXPLICIT_GATE, _STRONG, _lower
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


@pytest.mark.parametrize(
    "keywords",
    [
        ("web", "webrip", "dl"),  # a keyword that is the prefix of another
        ("va -", "v.a", "sing.along", "3d", "8d"),  # separators and digits, escaped
        ("a",),
        ("karaoke", "kar", "oke"),
    ],
)
def test_keyword_gate_finds_a_text_with_any_keyword(keywords: tuple[str, ...]) -> None:
    gate = keyword_gate(keywords)
    texts = [text.lower() for text in TEXTS] + ["xwebri", "va-", "v a", "v.a.", "ka ra oke"]
    for text in texts:
        assert (gate.search(text) is not None) == any(word in text for word in keywords), text


# Every notation a strong finder reads, and near misses, to hold `_EXPLICIT_GATE` to them.
MARKER_TEXTS = (
    "Show.S01E02.720p",
    "Show sn4 ep 2",
    "Show S 2 - 09",
    "Show.1x02.HDTV",
    "Fringe2x05",
    "Show 2xALL",
    "Show T02E22",
    "Show 01E06",
    "Show Season 3 12",
    "Show Seasons 1-4",
    "Show Saison 2",
    "Show Seizoen 2",
    "Show Stagione 6",
    "Show Staffel 2",
    "Show - Series 2",
    "Show Temp 2",
    "La Casa de Papel Temporada 2 Capitulo 9",
    "Show 3ª Temporada",
    "Show 2nd Season",
    "Show.S05DVD2",
    "Show 8.sez",
    "Show 21.ser",
    "Show seria 5",
    "Show serija 5",
    "Show seriya 5",
    "Show 7.Bölüm",
    "Show 12 Bolum",
    "Show 12 Blm",
    "Шоу Сезон: 1-8",
    "Шоу Серия №180",
    "Шоу Эпизод 09",
    "Movie.Name.2019.1080p.WEB-DL.DD5.1.H264-GRP",
    "Artist - Album (2020) [FLAC]",
    *TEXTS,
)


def test_explicit_gate_lets_every_strong_marker_through() -> None:
    found = 0
    for text in MARKER_TEXTS:
        lower = _lower(text)
        markers = [finder(lower) for finder in _STRONG]
        if any(marker is not None for marker in markers):
            found += 1
            assert _EXPLICIT_GATE.search(lower) is not None, text
    assert found >= 30  # the texts do exercise the finders


@pytest.mark.parametrize(
    "text",
    [
        *TEXTS,
        "Movie.Name.2019.ENG_SUBS.720p",
        "Movie Name engsubs 2019",
        "Movie Name hardsubs",
        "Movie Name (Subs) x",
        "Film Ümlaut İstanbul ESUBS 1080p",
        "hd1080p Movie",
    ],
)
def test_the_strong_tag_search_finds_what_the_whole_pattern_finds(text: str) -> None:
    expected = [
        match.start()
        for match in (_STRONG_TAG.search(text, 0), _UPPER_LANGUAGE.search(text, 0))
        if match is not None
    ]
    assert first_strong_tag(text, 0) == (min(expected) if expected else None)
