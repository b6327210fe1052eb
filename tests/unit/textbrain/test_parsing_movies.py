"""Movie names: parts before the year, alternative titles, labels in front, dashes inside."""

from __future__ import annotations

import pytest

from chalicelib.textbrain.parsing import parse
from chalicelib.textbrain.release import ReleaseKind


@pytest.mark.parametrize(
    ("title", "name", "year"),
    [
        # A part named before the year belongs to the title.
        (
            "Mission.Impossible.Dead.Reckoning.Part.One.2023.1080p.BluRay.x264-SPARKS",
            "Mission Impossible Dead Reckoning Part One",
            2023,
        ),
        ("Dune Part Two (2024) 2160p WEB-DL", "Dune Part Two", 2024),
        ("Kill.Bill.Vol.1.Part.1.2003.720p.BluRay-GRP", "Kill Bill Vol 1 Part 1", 2003),
        # An alternative title after AKA is not the title.
        (
            "Crouching Tiger Hidden Dragon AKA Wo hu cang long 2000",
            "Crouching Tiger Hidden Dragon",
            2000,
        ),
        ("The.Raid.aka.Serbuan.Maut.2011.1080p.BluRay.x264-GRP", "The Raid", 2011),
        # A genre label or a broadcaster in front of a documentary's name.
        ("(Documentary) BBC - Planet Earth II (2016)", "Planet Earth II", 2016),
        ("[Documentary] PBS - The Great War (2017) 720p", "The Great War", 2017),
        ("BBC.Blue.Planet.2001.1080p.BluRay.x264-GRP", "Blue Planet", 2001),
        ("National Geographic - Inside the Volcano (2019) 1080p WEB", "Inside the Volcano", 2019),
        # A spaced dash before the year joins an original and a translated title.
        ("The Big Bus - Il fantabus (1976) 720p H264", "The Big Bus - Il fantabus", 1976),
        ("Le Samourai - The Samurai 1967 1080p BluRay", "Le Samourai - The Samurai", 1967),
        # A site name in front goes, whatever its domain.
        ("www.SomeTracker.sbs - Lucky Man (2023) 720p HDRip.mkv", "Lucky Man", 2023),
        # Packaging words after a name go.
        ("Stargate Ultimate Fan Collection 1080p BluRay", "Stargate", None),
    ],
)
def test_movie_names(title: str, name: str, year: int | None) -> None:
    release = parse(title)
    assert release.content_type in (ReleaseKind.MOVIE, ReleaseKind.UNKNOWN)
    assert (release.title, release.year) == (name, year)


def test_a_part_without_a_year_after_it_still_ends_the_name() -> None:
    assert parse("The Godfather Part 3.mkv").title == "The Godfather"


def test_a_broadcaster_alone_is_still_a_name() -> None:
    assert parse("BBC (2016) 1080p WEB-DL").title == "BBC"


@pytest.mark.parametrize(
    ("title", "name"),
    [
        # Stated again in the tags: the first one is a word of the name.
        ("Kiss.Me.French.2011.FRENCH.720p.BluRay.x264-GRP", "Kiss Me French"),
        ("Johnny.English.2003.ENGLISH.1080p.BluRay.x264-GRP", "Johnny English"),
        # Stated once, before the tags: the language of the release.
        ("Der.Film.deines.Lebens.German.2011.PAL.DVDR-GRP", "Der Film deines Lebens"),
        ("Ein.Sommer.am.See.German.2018.DL.1080p.BluRay.x264-GRP", "Ein Sommer am See"),
        # Another language stated in the tags (dubbed, multi-language, subtitled).
        ("The.Last.Dutch.2016.720p.BluRay.MULTi.x264-GRP", "The Last Dutch"),
        ("Hidden Spanish (2014) VOSTFR 1080p WEBRip", "Hidden Spanish"),
        # English is labelled the scene way when it is a tag; as a word it is the name's.
        ("Teaching.English.2019.1080p.WEB-DL.x264-GRP", "Teaching English"),
        ("Some.Film.ENGLISH.2010.720p.BluRay.x264-GRP", "Some Film"),
    ],
)
def test_a_language_before_the_year_is_a_name_word_when_the_tags_state_it_again(
    title: str, name: str
) -> None:
    assert parse(title).title == name


def test_a_title_case_web_before_the_year_is_a_name_word() -> None:
    assert parse("The.Girl.in.the.Spiders.Web.2019.1080p.WEB-DL.x264-GRP").title == (
        "The Girl in the Spiders Web"
    )
    assert parse("Some.Movie.WEB.2019.1080p.x264-GRP").title == "Some Movie"


@pytest.mark.parametrize(
    ("title", "name", "year"),
    [
        # A collection's files named after their year first: the same year again after the name.
        ("2010 - Iron Man 2 (2010) [1080p]", "Iron Man 2", 2010),
        ("1999.The.Matrix.1999.1080p.BluRay.x264-GRP", "The Matrix", 1999),
        ("2014 Interstellar 2014 720p WEB-DL", "Interstellar", 2014),
        # A number that differs from the year, or a year alone, is the name.
        (
            "2010.The.Year.We.Make.Contact.1984.1080p.BluRay.x264-GRP",
            "2010 The Year We Make Contact",
            1984,
        ),
        ("1917 (2019) 1080p WEB-DL", "1917", 2019),
        ("1984.1984.720p.BluRay.x264-GRP", "1984", 1984),
    ],
)
def test_a_year_in_front_of_the_name_is_dropped_when_the_year_follows_the_name(
    title: str, name: str, year: int
) -> None:
    release = parse(title)
    assert (release.title, release.year) == (name, year)


@pytest.mark.parametrize(
    ("title", "name", "year"),
    [
        # A bracketed year in front is a label: the year, unless one follows the name.
        ("(1998) La Vita Nuova - DVDRip Ita.avi", "La Vita Nuova", 1998),
        ("(2004).Northern.Lights.720p.BluRay.x264-GRP", "Northern Lights", 2004),
        ("(2011) Old Harbour (2012) 1080p WEB-DL", "Old Harbour", 2012),
        # A number in brackets that is no year stays in the name.
        ("(500) Days of Summer (2009) 1080p", "(500) Days of Summer", 2009),
    ],
)
def test_a_bracketed_year_in_front_of_the_name_is_a_label(title: str, name: str, year: int) -> None:
    release = parse(title)
    assert (release.title, release.year) == (name, year)
