"""Names in two scripts and site prefixes (issue 12): general cases written for each class."""

from __future__ import annotations

import pytest

from chalicelib.textbrain.parsing import parse
from chalicelib.textbrain.parsing.tokens import prefer_latin
from chalicelib.textbrain.release import ReleaseKind


@pytest.mark.parametrize(
    ("name", "kept"),
    [
        # Alternatives separated by " / ": the Latin-script ones are kept, in order.
        ("Тихая гавань / Quiet Harbour", "Quiet Harbour"),
        ("Старый дом / Das alte Haus / The Old House", "Das alte Haus / The Old House"),
        ("静かな海 / Silent Sea", "Silent Sea"),
        # Leading words of another script before a Latin name, bare or in brackets.
        ("黑夜行者 Night Walker", "Night Walker"),
        ("Ночной поезд (Night Train)", "Night Train"),
        ("رحلة طويلة Long Journey", "Long Journey"),
        # One script only, or the other script after the Latin name: kept whole.
        ("Ночной поезд", "Ночной поезд"),
        ("Silent Sea 静かな海", "Silent Sea 静かな海"),
        ("Pokémon Der Film", "Pokémon Der Film"),
        ("The Westward Ⅱ", "The Westward Ⅱ"),
    ],
)
def test_prefer_latin(name: str, kept: str) -> None:
    assert prefer_latin(name) == kept


@pytest.mark.parametrize(
    ("title", "name"),
    [
        ("Тихая гавань / Quiet Harbour (2015) DVDRip", "Quiet Harbour"),
        ("黑夜行者.Night.Walker.S02E03.1080p.WEB-DL.mkv", "Night Walker"),
        ("Тихая гавань / Quiet Harbour / Сезон: 2 / Серии: 1-8 [WEB-DL 720p]", "Quiet Harbour"),
    ],
)
def test_parsed_names_prefer_latin(title: str, name: str) -> None:
    assert parse(title).title == name


@pytest.mark.parametrize(
    ("title", "name"),
    [
        # Site names before the release, with their dots, with spaces for dots, in braces.
        ("www.SomeSite.party - Quiet Harbour (2019) 720p HDRip", "Quiet Harbour"),
        ("www SomeSite tel - Quiet Harbour (2019) 720p HDRip x264", "Quiet Harbour"),
        ("{WWW.SITENAME.TV} Quiet Harbour - 2ª Temporada Completa (1080p)", "Quiet Harbour"),
        ("[www.sitename.net]_-_Quiet.Harbour.2019.1080p.WEB-DL.mkv", "Quiet Harbour"),
    ],
)
def test_site_prefixes(title: str, name: str) -> None:
    assert parse(title).title == name


@pytest.mark.parametrize(
    ("title", "name", "episode"),
    [
        # Web slugs: words joined by hyphens around an episode word.
        ("shingeki-no-kaze-episode-12-720p.mp4", "shingeki no kaze", 12),
        ("umi-no-uta-episode-3", "umi no uta", 3),
        ("long-way-home-ep-07-1080p.mkv", "long way home", 7),
        # Two words are a slug too when the whole title is written that way.
        ("quiet-harbour-episode-4-720p", "quiet harbour", 4),
    ],
)
def test_slug_names(title: str, name: str, episode: int) -> None:
    release = parse(title)
    assert (release.title, release.episodes) == (name, (episode,))


@pytest.mark.parametrize(
    ("title", "name"),
    [
        # A bracketed word or two that the name goes on after belongs to the name.
        ("Night_Song_(Not)_Forgotten_(2011)_[1080p,BluRay,x264].mkv", "Night Song (Not) Forgotten"),
        ("Bright Lights (Big) City 1999 720p BluRay x264-GRP", "Bright Lights (Big) City"),
        # A bracket followed by tags or a year ends the name.
        ("Bright Lights (Extended) 1999 720p BluRay x264-GRP", "Bright Lights"),
        ("Bright Lights (1999) [1080p] [BluRay]", "Bright Lights"),
    ],
)
def test_bracketed_words_in_names(title: str, name: str) -> None:
    assert parse(title).title == name


@pytest.mark.parametrize(
    ("title", "name", "year"),
    [
        # A dash inside brackets does not make "Artist - Album" of a film's title.
        ("The Quiet Valley [1971 - France] drama", "The Quiet Valley", 1971),
        ("Harbour Lights (1958 - UK) comedy", "Harbour Lights", 1958),
    ],
)
def test_bracketed_dash_is_not_an_artist_separator(title: str, name: str, year: int) -> None:
    release = parse(title)
    assert release.content_type is not ReleaseKind.MUSIC
    assert (release.title, release.year) == (name, year)


@pytest.mark.parametrize(
    ("title", "name"),
    [
        # Packaging and tags between a series name and its marker are not the name.
        ("Harbour Lights Season S01-S03 COMPLETE 720p WEB-DL", "Harbour Lights"),
        ("Harbour.Lights.[Extended].S02.1080p.WEB.x264-GRP", "Harbour Lights"),
        # Packaging after a film series' name, and scene words before the tags.
        ("Night Riders: The Legend Full Series 720p", "Night Riders: The Legend"),
        ("Night.Riders.Pentalogy.NLSUB.DVDRip.XviD-GRP", "Night Riders"),
        ("Night.Riders.Return.CUSTOM.EXTENDED.2019.1080p.BluRay-GRP", "Night Riders Return"),
    ],
)
def test_packaging_words_end_names(title: str, name: str) -> None:
    assert parse(title).title == name


def test_bracketed_year_between_season_and_episode() -> None:
    release = parse("Orchard Hill S3 (2021) - 07 (1080p)-GRP")
    assert (release.title, release.seasons, release.episodes, release.year) == (
        "Orchard Hill",
        (3,),
        (7,),
        2021,
    )


@pytest.mark.parametrize(
    ("title", "name", "year"),
    [
        # A leading bracket that holds a name and its year is the name, not a group's tag.
        ("[Night Train 2004][1080p][BluRay]", "Night Train", 2004),
        ("[Old Harbour 1987] [DVDRip Site.org].mkv", "Old Harbour", 1987),
    ],
)
def test_leading_bracket_with_name_and_year(title: str, name: str, year: int) -> None:
    release = parse(title)
    assert (release.title, release.year) == (name, year)


def test_leading_group_bracket_is_still_dropped() -> None:
    assert parse("[GRP] Night Train 2004 1080p BluRay x264").title == "Night Train"
