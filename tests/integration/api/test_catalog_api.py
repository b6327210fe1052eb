"""The lookup routes through the local stack, with MusicBrainz and TMDB replayed locally.

"Radiohead OK Computer" -> candidates -> a picked release -> a ticket skeleton that
POST /api/v1/ticket accepts as it is.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support import catalog_replies as r
from tests.support.catalog_server import CatalogServer, Reply
from tests.support.local_stack import RunningStack, free_port, start_stack, write_config


@pytest.fixture(scope="module")
def catalogs() -> Iterator[CatalogServer]:
    with CatalogServer({
        "/ws/2/release": Reply(200, r.mb_search()),
        f"/ws/2/release/{r.OK_COMPUTER_CD}": Reply(200, r.mb_release()),
        "/3/search/movie": Reply(200, r.tmdb_movie_search()),
        "/3/movie/603": Reply(200, r.tmdb_movie()),
        "/3/search/tv": Reply(200, r.tmdb_tv_search()),
        "/3/tv/1396": Reply(200, r.tmdb_tv()),
        "/3/tv/1396/season/1": Reply(200, r.tmdb_season()),
    }) as server:
        yield server


@pytest.fixture(scope="module")
def stack(catalogs: CatalogServer, tmp_path_factory: pytest.TempPathFactory
          ) -> Iterator[RunningStack]:
    directory: Path = tmp_path_factory.mktemp("catalog-stack")
    port = free_port()
    extra = f"""
[external_catalogs]
musicbrainz_url = "{catalogs.base_url}"
musicbrainz_min_interval_secs = 0.0
tmdb_url = "{catalogs.base_url}/3"
tmdb_api_key = "tmdb-test-key-0123456789"
user_agent = "QuentinTorrentino/test ( ops@example.org )"
music_path_template = "/media/music/{{artist}}/{{album}}/{{disc}}-{{track:02d}}.{{ext}}"
"""
    running = start_stack(write_config(directory, port, extra), port)
    try:
        yield running
    finally:
        running.stop()


def test_from_artist_and_album_to_a_ticket(stack: RunningStack,
                                           catalogs: CatalogServer) -> None:
    found = stack.call("POST", "/api/v1/music/album",
                       {"artist": "Radiohead", "album": "OK Computer", "year": 1997})
    assert found.status == 200, found.text
    picked = found.body["candidates"][0]
    assert (picked["title"], picked["track_count"], picked["date"]) == (
        "OK Computer", 12, "1997-05-21")
    assert catalogs.seen[-1].headers["user-agent"] == "QuentinTorrentino/test ( ops@example.org )"

    skeleton = stack.call("POST", "/api/v1/music/album",
                          {"musicbrainz_release_id": picked["musicbrainz_release_id"],
                           "format": "ogg_vorbis"})
    assert skeleton.status == 200, skeleton.text
    ticket = skeleton.body["ticket"]
    assert len(ticket["tracks"]) == 12
    assert ticket["tracks"][1] == {
        "catalog_track_id": "00000000-0000-4000-8000-000000000002", "disc_number": 1,
        "track_number": 2, "name": "Paranoid Android", "duration_secs": 383.0,
        "dest_path": "/media/music/Radiohead/OK Computer/1-02.ogg", "requested": True}
    created = stack.call("POST", "/api/v1/ticket", {**ticket, "dry_run": True})
    assert created.status == 201, created.text
    assert created.body["request"]["query_context"]["musicbrainz_release_id"] == r.OK_COMPUTER_CD


def test_movie_and_episode_lookups(stack: RunningStack) -> None:
    movies = stack.call("POST", "/api/v1/video/movie", {"title": "The Matrix", "year": 1999})
    assert movies.status == 200 and movies.body["candidates"][0]["tmdb_id"] == 603
    movie = stack.call("POST", "/api/v1/video/movie", {"tmdb_id": 603}).body["ticket"]
    assert movie["items"][0]["duration_secs"] == 136 * 60
    assert stack.call("POST", "/api/v1/ticket", {**movie, "dry_run": True}).status == 201
    series = stack.call("POST", "/api/v1/video/episode", {"series": "Breaking Bad"})
    assert series.body["candidates"][0]["tmdb_id"] == 1396
    episode = stack.call("POST", "/api/v1/video/episode",
                         {"tmdb_id": 1396, "season": 1, "episode": 1})
    assert episode.status == 200 and len(episode.body["episodes"]) == 7
    assert stack.call("POST", "/api/v1/ticket",
                      {**episode.body["ticket"], "dry_run": True}).status == 201


def test_errors_are_answered_with_their_status(stack: RunningStack,
                                               catalogs: CatalogServer) -> None:
    missing = stack.call("POST", "/api/v1/music/album",
                         {"musicbrainz_release_id": "11111111-2222-4333-8444-555555555555"})
    assert missing.status == 404 and missing.body["error"] == "CatalogNotFound"
    catalogs.forced.append(Reply(503, r.MB_RATE_LIMITED, (("Retry-After", "120"),)))
    busy = stack.call("POST", "/api/v1/music/album", {"artist": "Blur", "album": "13"})
    assert busy.status == 502 and "musicbrainz" in busy.body["message"]
    bad = stack.call("POST", "/api/v1/music/album", {"artist": "Radiohead"})
    assert bad.status == 400 and bad.body["errors"][0]["field"] == "album"
