"""Scene music names and album labels (issue 12): general cases written for each class."""

from __future__ import annotations

import pytest

from chalicelib.textbrain.normalise import normalise_text
from chalicelib.textbrain.parsing import parse
from chalicelib.textbrain.release import ReleaseKind


def _music(title: str) -> tuple[str, str]:
    release = parse(title)
    assert release.content_type is ReleaseKind.MUSIC, title
    return (
        normalise_text(release.artist or "", False),
        normalise_text(release.album or "", False),
    )


@pytest.mark.parametrize(
    ("title", "artist", "album"),
    [
        # No format tag: the fields and the closing "-YEAR-GROUP" say it is scene music,
        # also when the album ends in a digit or the year field is a date.
        ("Northbound-the_long_road_3-1999-grp", "northbound", "the long road 3"),
        ("Kestrel-Night_Drive_Mix-3rd_March_2004-grp", "kestrel", "night drive mix"),
        ("Anna_Berg--Late_Show_Radio_Mix-DVBS-12-03-2021-GRP", "anna berg", "late show radio mix"),
        # A parenthesised part of the name stays; an edition, a year or a format label goes.
        (
            "Mira_Sol-Come_Home_(Before_The_Rain)-WEB-2019-GRP",
            "mira sol",
            "come home (before the rain)",
        ),
        ("Mira_Sol-Lights_(3rd_Remix_Pack)-WEB-2020-GRP", "mira sol", "lights (3rd remix pack)"),
        ("Mira Sol - Lights (Deluxe Edition) (2020) [FLAC]", "mira sol", "lights"),
        ("Mira Sol - Lights (Single 2020) (320 kbps)", "mira sol", "lights"),
        ("Mira Sol - Radio Hour 12 (03.04.2020) 256 kbps", "mira sol", "radio hour 12"),
    ],
)
def test_scene_music_fields(title: str, artist: str, album: str) -> None:
    expected = (normalise_text(artist, False), normalise_text(album, False))
    assert _music(title) == expected


@pytest.mark.parametrize(
    ("title", "name", "year"),
    [
        # Scene source and edition words end a film's name before the tags.
        ("Quiet.Harbour.TS.Line.Dubbed.German.VCD-GRP", "quiet harbour", None),
        ("Quiet.Harbour.SCREENER.Line.Dubbed.German.VCD-GRP", "quiet harbour", None),
        (
            "Quiet.Harbour.SPECIAL.EXTENDED.EDITION.2004.German.1080p.BluRay-GRP",
            "quiet harbour",
            2004,
        ),
        # A title-case "Web" right before the year is part of the name.
        ("Spider Web (2019) 1080p AMZN WEBRip DDP5 1 x265", "spider web", 2019),
    ],
)
def test_movie_tags_end_the_name(title: str, name: str, year: int | None) -> None:
    release = parse(title)
    assert (normalise_text(release.title or "", False), release.year) == (name, year)
