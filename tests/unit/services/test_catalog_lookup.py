"""CatalogLookup on in-memory catalogs: candidates, and skeletons the ticket parser accepts."""

from __future__ import annotations

import pytest

from chalicelib.domain.errors import NotConfigured, ValidationError
from chalicelib.domain.media_catalog import (
    CatalogTrack,
    Episode,
    MovieSummary,
    Release,
    ReleaseSummary,
    Season,
    SeriesSummary,
)
from chalicelib.domain.ticket_skeleton import PathTemplates
from chalicelib.domain.validation import parse_ticket_request
from chalicelib.services.catalog_lookup import CatalogLookup

SUMMARY = ReleaseSummary("0b6b4ba0-d36f-47bd-b4ea-6a5b91842d29", "OK Computer", "Radiohead",
                         "1997-05-21", "GB", 2, ("CD",), None)
RELEASE = Release(SUMMARY, (CatalogTrack("t1", 1, 1, "Airbag", 284.0),
                            CatalogTrack("t2", 1, 2, "Paranoid Android", None)))
SERIES = SeriesSummary(1396, "Breaking Bad", "2008-01-20")
SEASON = Season(SERIES, 1, "Season 1", (Episode(1, 1, "Pilot", "2008-01-20", 58),
                                        Episode(1, 2, "Cat's in the Bag...", None, 48)))
MOVIE = MovieSummary(603, "The Matrix", "1999-03-30", runtime_mins=136, imdb_id="tt0133093")


class Music:
    def search_releases(self, artist: str, album: str, year: int | None = None,
                        limit: int = 10) -> list[ReleaseSummary]:
        return [SUMMARY] if (artist, album) == ("Radiohead", "OK Computer") else []

    def release(self, release_id: str) -> Release:
        return RELEASE

    def editions(self, release_group_id: str, limit: int = 25) -> list[ReleaseSummary]:
        return [SUMMARY]


class Video:
    def search_movies(self, title: str, year: int | None = None) -> list[MovieSummary]:
        return [MOVIE]

    def movie(self, tmdb_id: int) -> MovieSummary:
        return MOVIE

    def search_series(self, name: str, year: int | None = None) -> list[SeriesSummary]:
        return [SERIES]

    def season(self, tmdb_id: int, season: int) -> Season:
        return SEASON


def lookup() -> CatalogLookup:
    return CatalogLookup(Music(), Video(), PathTemplates())


def test_album_search_lists_candidates() -> None:
    found = lookup().album({"artist": "Radiohead", "album": "OK Computer", "year": 1997})
    assert found["candidates"][0]["musicbrainz_release_id"] == SUMMARY.release_id
    assert found["candidates"][0]["track_count"] == 2


def test_album_skeleton_is_a_valid_ticket_with_templated_paths() -> None:
    answer = lookup().album({"musicbrainz_release_id": SUMMARY.release_id,
                             "format": "ogg_vorbis"})
    ticket = answer["ticket"]
    parsed = parse_ticket_request(ticket, ["/media"])
    assert [t.duration_secs for t in parsed.tracks] == [284.0, None]
    assert ticket["tracks"][0]["dest_path"] == (
        "/media/music/Radiohead/OK Computer (1997)/1-01 Airbag.ogg")
    assert parsed.query.musicbrainz_release_id == SUMMARY.release_id


def test_path_components_cannot_escape_the_template() -> None:
    evil = Release(ReleaseSummary(SUMMARY.release_id, "../../etc", "AC/DC", None, None, 1, (),
                                  None), (CatalogTrack("t", 1, 1, "a/b", 1.0),))

    class Evil(Music):
        def release(self, release_id: str) -> Release:
            return evil

    answer = CatalogLookup(Evil(), None, PathTemplates()).album(
        {"musicbrainz_release_id": SUMMARY.release_id})
    path = answer["ticket"]["tracks"][0]["dest_path"]
    assert path == "/media/music/AC_DC/_.._etc (unknown)/1-01 a_b.flac"
    parse_ticket_request(answer["ticket"], ["/media"])


def test_movie_and_episode_skeletons_are_valid_tickets() -> None:
    movie = lookup().movie({"tmdb_id": 603})["ticket"]
    assert parse_ticket_request(movie, ["/media"]).items[0].duration_secs == 136 * 60
    assert movie["query_context"]["imdb_id"] == "tt0133093"
    one = lookup().episode({"tmdb_id": 1396, "season": 1, "episode": 2})
    assert len(one["episodes"]) == 2 and one["ticket"]["request_scope"] == "episode"
    assert one["ticket"]["items"][0]["dest_path"] == (
        "/media/tv/Breaking Bad/Season 01/Breaking Bad S01E02.mkv")
    parse_ticket_request(one["ticket"], ["/media"])
    season = lookup().episode({"tmdb_id": 1396, "season": 1})["ticket"]
    assert season["request_scope"] == "season" and len(season["items"]) == 2
    parse_ticket_request(season, ["/media"])


@pytest.mark.parametrize(("method", "body", "field"), [
    ("album", {"artist": "Radiohead"}, "album"),
    ("album", {"artist": "R", "album": "O", "year": "1997"}, "year"),
    ("movie", {"tmdb_id": "603"}, "tmdb_id"),
    ("episode", {"tmdb_id": 1396, "season": 1, "episode": 9}, "episode"),
    ("album", {"musicbrainz_release_id": SUMMARY.release_id, "format": "wav"}, "format"),
])
def test_bad_bodies_name_the_field(method: str, body: dict[str, object], field: str) -> None:
    with pytest.raises(ValidationError) as raised:
        getattr(lookup(), method)(body)
    assert raised.value.errors[0].field == field


def test_a_catalog_left_unconfigured_says_which_key() -> None:
    with pytest.raises(NotConfigured, match="musicbrainz_url"):
        CatalogLookup(None, None, PathTemplates()).album({"artist": "a", "album": "b"})
