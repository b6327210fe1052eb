"""Names written differently that mean the same, and installment numbers that do not."""

from __future__ import annotations

import pytest

from chalicelib.textbrain.scoring import score
from chalicelib.textbrain.scoring.names import installment, name_before_year, name_forms

from .builders import album_request, candidate, movie_request

GB = 1_000_000_000


def test_name_forms_fold_stylised_letters_and_numbers() -> None:
    assert "pink" in name_forms("P!nk")
    assert "kesha" in name_forms("Ke$ha")
    assert "mission impossible dead reckoning part 1" in name_forms(
        "Mission: Impossible – Dead Reckoning Part One")
    assert "rocky 3" in name_forms("Rocky III")
    assert name_forms("One Day") == ("one day",)  # a number word only counts after 'Part'...


@pytest.mark.parametrize(("text", "numbers"), [
    ("Toy Story 3", {"3"}), ("Rocky III", {"3"}), ("Kill Bill: Vol. 1", {"1"}),
    ("Harry Potter and the Deathly Hallows – Part 2", {"2"}), ("Use Your Illusion I", {"1"}),
    ("Blade Runner 2049", set()), ("Back in Black 40th Anniversary", set()), ("Heat", set()),
])
def test_installment_numbers(text: str, numbers: set[str]) -> None:
    assert installment(text) == numbers


def test_name_before_year_keeps_what_the_parser_may_cut() -> None:
    title = "Mission.Impossible.Dead.Reckoning.Part.One.2023.1080p.BluRay.x264-SPARKS"
    assert name_before_year(title, 2023) == "Mission.Impossible.Dead.Reckoning.Part.One"
    assert name_before_year("[YTS] Heat (1995) [1080p]", 1995) == "Heat"
    assert name_before_year("1995.Heat", 1995) is None
    assert name_before_year("Heat 1080p", None) is None


@pytest.mark.parametrize(("artist", "album", "title"), [
    ("P!nk", "Missundaztood", "Pink - Missundaztood (2001) [FLAC]"),
    ("Guns N' Roses", "Appetite for Destruction",
     "Guns.N.Roses-Appetite.For.Destruction-1987-FLAC"),
    ("Motörhead", "Ace of Spades", "Motorhead - Ace of Spades (1980) FLAC"),
    ("Earth, Wind & Fire", "That's the Way of the World",
     "Earth.Wind.and.Fire-Thats.The.Way.Of.The.World-1975-FLAC"),
])
def test_punctuated_artists_match_their_release_names(artist: str, album: str, title: str) -> None:
    scored = score(album_request(artist, album, ["Intro"], year=None), candidate(title))
    assert not scored.rejected, scored.explain()
    assert scored.component("artist") is not None
    assert scored.component("artist").value >= 0.9  # type: ignore[union-attr]


@pytest.mark.parametrize("title", [
    "Mission.Impossible.Dead.Reckoning.Part.One.2023.1080p.BluRay.x264-SPARKS",
    "Mission Impossible - Dead Reckoning Part One (2023) [1080p]",
    "Mission.Impossible.Dead.Reckoning.Part.1.2023.1080p.WEB-DL.DDP5.1.H.264-FLUX",
])
def test_punctuated_film_titles_match(title: str) -> None:
    ticket = movie_request("Mission: Impossible – Dead Reckoning Part One", 2023)
    scored = score(ticket, candidate(title, size=9 * GB))
    assert not scored.rejected, scored.explain()
    assert scored.total >= 0.9


def test_a_colon_title_matches_its_short_release_name_only_with_a_year() -> None:
    short = candidate("Léon (1994) 1080p BluRay", size=9 * GB)
    assert not score(movie_request("Léon: The Professional", 1994), short).rejected


@pytest.mark.parametrize(("wanted", "year", "offered"), [
    ("Kill Bill: Vol. 1", 2003, "Kill.Bill.Vol.2.2004.1080p.BluRay.x264-GRP"),
    ("Harry Potter and the Deathly Hallows – Part 2", 2011,
     "Harry.Potter.and.the.Deathly.Hallows.Part.1.2010.1080p.BluRay.x264-GRP"),
    ("Rocky III", 1982, "Rocky.II.1981.1080p.BluRay.x264-GRP"),
])
def test_another_installment_is_rejected(wanted: str, year: int, offered: str) -> None:
    scored = score(movie_request(wanted, year), candidate(offered, size=9 * GB))
    assert scored.rejected
    assert any(r.code in ("wrong_installment", "wrong_year") for r in scored.rejections)


def test_another_numbered_album_is_rejected() -> None:
    ticket = album_request("Led Zeppelin", "Led Zeppelin IV", ["Black Dog"], year=None)
    assert score(ticket, candidate("Led Zeppelin - Led Zeppelin III [FLAC]")).rejected
    assert not score(ticket, candidate("Led Zeppelin - Led Zeppelin IV [FLAC]")).rejected
