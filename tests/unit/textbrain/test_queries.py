"""Query building per content type: order, variants, categories, structured fields."""

from __future__ import annotations

from chalicelib.domain.candidate import Category, SearchKind
from chalicelib.domain.request import ContentType, ItemKind, OutputFormat, QueryContext, TicketItem
from chalicelib.textbrain.queries import DumbQueryBuilder, build_queries, spelling_variants

from .builders import album_request, episode_request, movie_request, request


def texts(req: object) -> list[str]:
    return [q.text for q in build_queries(req)]  # type: ignore[arg-type]


def test_lossless_album_queries_most_specific_first_with_categories() -> None:
    queries = build_queries(album_request())
    assert [q.text for q in queries] == [
        "Radiohead OK Computer FLAC",
        "Radiohead OK Computer 1997",
        "Radiohead OK Computer",
        "OK Computer",
        "Radiohead discography",
    ]
    assert queries[0].categories == (Category.AUDIO_LOSSLESS,)
    assert all(q.categories == (Category.AUDIO,) for q in queries[1:])
    assert all(q.kind is SearchKind.MUSIC and q.artist == "Radiohead" for q in queries)
    assert queries[1].album == "OK Computer" and queries[1].year == 1997
    assert queries[-1].album is None


def test_diacritics_ampersand_and_leading_the_variants() -> None:
    bjork = texts(album_request(artist="Björk", album="Homogénic", year=None,
                                fmt=OutputFormat.OGG_VORBIS))
    assert bjork[:2] == ["Björk Homogénic", "Bjork Homogenic"]
    assert "Bjork discography" in bjork
    sg = texts(album_request(artist="Simon & Garfunkel", album="Bookends", year=None,
                             fmt=OutputFormat.MP3))
    assert sg[0] == "Simon & Garfunkel Bookends MP3"
    assert "Simon and Garfunkel Bookends" in sg
    assert "Bookends" not in sg  # one word: not distinct enough alone
    cure = texts(album_request(artist="The Cure", album="Disintegration", year=None))
    assert "Cure Disintegration" in cure
    assert "Cure discography" in cure


def test_self_titled_album_is_searched_alone() -> None:
    weezer = texts(album_request(artist="Weezer", album="Weezer", year=1994))
    assert "Weezer" in weezer
    assert weezer.index("Weezer Weezer 1994") < weezer.index("Weezer")


def test_generic_album_titles_are_not_searched_alone() -> None:
    hits = texts(album_request(artist="Queen", album="Greatest Hits", year=None))
    assert "Greatest Hits" not in hits


def test_track_ticket_searches_track_then_album_then_discography() -> None:
    item = TicketItem("t", ItemKind.TRACK, "/m/k.mp3", name="Karma Police", track_number=6)
    req = request(QueryContext(ContentType.TRACK, artist="Radiohead", album="OK Computer"),
                  [item], OutputFormat.MP3, 320)
    assert texts(req) == ["Radiohead Karma Police", "Radiohead OK Computer MP3",
                          "Radiohead OK Computer", "OK Computer", "Radiohead discography"]


def test_queries_are_deduplicated_by_normalised_text() -> None:
    req = album_request(artist="Muse", album="muse", year=None)
    found = texts(req)
    assert len(found) == len({" ".join(t.casefold().split()) for t in found})
    assert found.count("Muse muse") == 1


def test_movie_queries_with_and_without_year() -> None:
    queries = build_queries(movie_request("Amélie", 2001))
    assert [q.text for q in queries] == ["Amélie 2001", "Amelie 2001", "Amélie", "Amelie"]
    assert all(q.kind is SearchKind.MOVIE and q.categories == (Category.MOVIES,) for q in queries)
    assert queries[0].year == 2001 and queries[2].year is None


def test_tv_episode_then_season_pack() -> None:
    queries = build_queries(episode_request("Breaking Bad", 1, (2,)))
    assert [q.text for q in queries] == ["Breaking Bad S01E02", "Breaking Bad S01"]
    assert (queries[0].season, queries[0].episode) == (1, 2)
    assert (queries[1].season, queries[1].episode) == (1, None)
    assert all(q.kind is SearchKind.TV and q.categories == (Category.TV,) for q in queries)


def test_tv_many_episodes_go_straight_to_the_season_pack() -> None:
    assert texts(episode_request("Show", 2, tuple(range(1, 9)))) == ["Show S02"]


def test_tv_series_with_year_has_year_less_variants() -> None:
    req = episode_request("Doctor Who", 1, (3,))
    query = QueryContext(ContentType.TV_EPISODE, title="Doctor Who", year=2005, season=1,
                         episode=3)
    req = request(query, req.items)
    assert texts(req) == ["Doctor Who 2005 S01E03", "Doctor Who S01E03", "Doctor Who 2005 S01",
                          "Doctor Who S01"]


def test_ebook_software_and_other_queries() -> None:
    book = build_queries(request(QueryContext(ContentType.EBOOK, title="Dune",
                                              author="Frank Herbert"), []))
    assert [q.text for q in book] == ["Frank Herbert Dune", "Dune"]
    assert book[0].categories == (Category.BOOKS_EBOOK, Category.BOOKS)
    assert book[0].kind is SearchKind.BOOK and book[0].author == "Frank Herbert"
    app = build_queries(request(QueryContext(ContentType.SOFTWARE, title="GIMP",
                                             version="2.10.38"), []))
    assert [q.text for q in app] == ["GIMP 2.10.38", "GIMP"]
    assert app[0].categories == (Category.PC,)
    other = build_queries(request(QueryContext(
        ContentType.OTHER, description="Public domain recordings of birds singing at dawn in "
        "the Amazon rainforest", tags=("birds", "field recording")), []))
    assert [q.text for q in other] == [
        "Public domain recordings of birds singing at dawn", "birds field recording"]
    assert other[0].categories == ()


def test_spelling_variants() -> None:
    assert spelling_variants("The Mamas & the Papas") == [
        "The Mamas & the Papas", "The Mamas and the Papas", "Mamas & the Papas",
        "Mamas and the Papas"]
    assert spelling_variants("Sigur Rós") == ["Sigur Rós", "Sigur Ros"]


def test_builder_class_and_function_agree() -> None:
    req = album_request()
    assert DumbQueryBuilder().build(req) == build_queries(req)
