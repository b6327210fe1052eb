"""Names written differently that mean the same, and installment numbers that do not."""

from __future__ import annotations

import pytest

from chalicelib.domain.request import (
    ContentType,
    ItemKind,
    QueryContext,
    TicketItem,
    TicketRequest,
)
from chalicelib.textbrain.decision import decide
from chalicelib.textbrain.release import ParsedRelease
from chalicelib.textbrain.scoring import DumbMatcher, score
from chalicelib.textbrain.scoring.names import installment, name_forms, names_before_year

from .builders import album_request, candidate, movie_request, request

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


def test_names_before_year_keep_what_the_parser_may_cut() -> None:
    title = "Mission.Impossible.Dead.Reckoning.Part.One.2023.1080p.BluRay.x264-SPARKS"
    assert names_before_year(title, 2023) == ("Mission.Impossible.Dead.Reckoning.Part.One",)
    assert names_before_year("[YTS] Heat (1995) [1080p]", 1995)[0] == "Heat"
    assert names_before_year("[Heat] 1995 BDRip 1080p", 1995) == ("Heat",)
    assert names_before_year("1995.Heat", 1995) == ()
    assert names_before_year("Heat 1080p", None) == ()


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


def _show(title: str, season: int = 2, episode: int = 4,
          year: int | None = None) -> TicketRequest:
    query = QueryContext(ContentType.TV_EPISODE, title=title, season=season, episode=episode,
                         year=year)
    return request(query, [TicketItem("e", ItemKind.VIDEO, "/tv/e.mkv", season=season,
                                      episode=episode)])


@pytest.mark.parametrize(("wanted", "offered"), [
    ("Dark", "Dark.Matter.S02E04.1080p.WEB.H264-GRP"),
    ("Top Gear", "Top.Gear.America.S02E04.720p.HDTV.x264-GRP"),
    ("Money Heist", "Money.Heist.Korea.S02E04.1080p.WEB.H264-GRP"),
])
def test_a_spin_off_sharing_the_first_words_is_never_sure(wanted: str, offered: str) -> None:
    right = candidate(f"{wanted.replace(' ', '.')}.S02E04.1080p.WEB.H264-GRP", seeders=2,
                      size=GB)
    spin_off = candidate(offered, seeders=900, size=GB)
    ticket = _show(wanted)
    best = decide([score(ticket, spin_off), score(ticket, right)]).recommended
    assert best is not None and best.candidate is right
    assert not decide([score(ticket, spin_off)]).auto_approve


def test_another_countrys_version_is_rejected_and_an_unnamed_one_is_not() -> None:
    ticket = _show("The Office (US)", 3, 10)
    assert score(ticket, candidate("The.Office.UK.S03E10.720p.HDTV.x264-GRP", size=GB)).rejected
    right = score(ticket, candidate("The.Office.US.S03E10.720p.HDTV.x264-GRP", size=GB))
    assert not right.rejected and right.component("title").value == 1.0  # type: ignore[union-attr]
    plain = score(ticket, candidate("The.Office.S03E10.720p.HDTV.x264-GRP", size=GB))
    assert not plain.rejected
    dated = _show("Doctor Who (2005)", 4, 10)
    assert score(dated, candidate("Doctor.Who.1963.S04E10.DVDRip.XviD-GRP", size=GB)).rejected


@pytest.mark.parametrize(("wanted", "offered"), [
    ("Law & Order: Special Victims Unit", "Law.and.Order.SVU.S21E01.720p.HDTV.x264-GRP"),
    ("Grey's Anatomy", "Greys.Anatomy.S21E01.720p.HDTV.x264-GRP"),
    ("Marvel's Daredevil", "Marvels.Daredevil.S21E01.1080p.WEB.H264-GRP"),
])
def test_show_names_written_another_way_are_sure(wanted: str, offered: str) -> None:
    scored = score(_show(wanted, 21, 1), candidate(offered, size=GB))
    assert not scored.rejected, scored.explain()
    assert scored.component("title").value >= 0.9  # type: ignore[union-attr]


def test_an_album_track_named_live_does_not_excuse_a_live_album() -> None:
    ticket = album_request("Motörhead", "Ace of Spades", ["Ace of Spades", "Live to Win"],
                           year=1980)
    live = score(ticket, candidate("Motörhead - Ace of Spades (Live at Wembley 1983) [FLAC]"))
    assert "live" in live.red_flags


def test_an_album_whose_name_starts_the_same_is_never_sure() -> None:
    ticket = album_request("Radiohead", "Kid A", ["Everything in Its Right Place"], year=2000)
    other = score(ticket, candidate("Radiohead - Kid A Mnesia (2021) [FLAC]"))
    assert other.component("album").value < 0.85  # type: ignore[union-attr]
    assert not decide([other]).auto_approve
    deluxe = score(ticket, candidate("Radiohead - Kid A (Deluxe Edition) (2000) [FLAC]"))
    assert deluxe.component("album").value >= 0.85  # type: ignore[union-attr]


def test_a_film_without_a_year_is_not_sure_of_a_longer_title() -> None:
    ticket = movie_request("Dune", year=None)  # type: ignore[arg-type]
    sequel = score(ticket, candidate("Dune.Part.Two.2024.1080p.WEB-DL.x264-GRP", size=9 * GB))
    assert not decide([sequel]).auto_approve


def test_an_album_named_like_a_collection_is_that_album() -> None:
    ticket = album_request("The Cure", "Greatest Hits", ["Boys Don't Cry"], year=2001)
    scored = score(ticket, candidate("The Cure - Greatest Hits (2001) FLAC"))
    assert scored.scope == "album"
    assert scored.component("album").value == 1.0  # type: ignore[union-attr]
    various = album_request("VA", "Now That's What I Call Music! 96", ["Intro"], year=2017)
    va = score(various, candidate("VA - NOW Thats What I Call Music 96 (2017) [MP3 320]"))
    assert va.component("artist").value == 1.0  # type: ignore[union-attr]


def test_the_tickets_year_alone_in_the_title_counts_when_the_parser_misses_it() -> None:
    matcher = DumbMatcher(parser=lambda t: ParsedRelease(raw_title=t, title="Heat"))
    found = matcher.score(movie_request(), candidate("[Heat] 1995 BDRip 1080p", size=9 * GB))
    assert found.component("year").value == 1.0  # type: ignore[union-attr]
    absent = matcher.score(movie_request(), candidate("[Heat] BDRip 1080p", size=9 * GB))
    assert absent.component("year").value < 1.0  # type: ignore[union-attr]


def test_an_artist_with_more_words_is_never_sure_but_a_guest_is_fine() -> None:
    ticket = album_request("Bush", "Sixteen Stone", ["Everything Zen"], year=1994)
    longer = score(ticket, candidate("Kate Bush - Sixteen Stone (1994) [FLAC]"))
    assert longer.component("artist").value < 0.85  # type: ignore[union-attr]
    assert not decide([longer]).auto_approve
    guest = album_request("Santana", "Supernatural", ["Smooth"], year=1999)
    featuring = score(guest, candidate("Santana feat. Rob Thomas - Supernatural (1999) FLAC"))
    assert featuring.component("artist").value >= 0.85  # type: ignore[union-attr]
