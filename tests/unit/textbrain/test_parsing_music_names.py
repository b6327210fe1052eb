"""Scene music names with hyphenated artists, and titles as web feeds encode them."""

from __future__ import annotations

import pytest

from chalicelib.textbrain.parsing import parse
from chalicelib.textbrain.release import ReleaseKind


@pytest.mark.parametrize(
    ("title", "artist", "album"),
    [
        ("A-ha-Hunting_High_and_Low-CD-FLAC-1985-PERFECT", "A-ha", "Hunting High and Low"),
        ("Jay-Z-The_Blueprint-CD-FLAC-2001-GRP", "Jay-Z", "The Blueprint"),
        ("Ne-Yo-Year_of_the_Gentleman-WEB-2008-GRP", "Ne-Yo", "Year of the Gentleman"),
        # An ordinary two-field name is left alone.
        ("Daft_Punk-Discovery-CD-FLAC-2001-GRP", "Daft Punk", "Discovery"),
    ],
)
def test_hyphenated_scene_artists(title: str, artist: str, album: str) -> None:
    release = parse(title)
    assert release.content_type is ReleaseKind.MUSIC
    assert (release.artist, release.album) == (artist, album)


@pytest.mark.parametrize(
    ("title", "artist", "album"),
    [
        ("Lorde+-+Don&#039;t+Stop+(2021)+Mp3+320kbps", "Lorde", "Don't Stop"),
        ("Simon+&amp;+Garfunkel+-+Bookends+(1968)+FLAC", "Simon & Garfunkel", "Bookends"),
        (
            "Guns N&#39; Roses - Appetite for Destruction (1987) [FLAC]",
            "Guns N' Roses",
            "Appetite for Destruction",
        ),
    ],
)
def test_html_entities_and_plus_separators(title: str, artist: str, album: str) -> None:
    release = parse(title)
    assert (release.artist, release.album) == (artist, album)


def test_a_plus_inside_a_spaced_title_is_kept() -> None:
    assert parse("Some Movie 2019 1080p WEB-DL DD+5.1 H264-GRP").title == "Some Movie"
