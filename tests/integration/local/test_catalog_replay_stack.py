"""`make run`'s catalog replay: from "Radiohead OK Computer" to a created ticket, with no
catalog configured and nothing but the local stack (its [local] catalog_replay default)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.local_stack import RunningStack, free_port, start_stack, write_config


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningStack]:
    directory: Path = tmp_path_factory.mktemp("replay-stack")
    port = free_port()
    # No [external_catalogs] at all: the replay stands in for MusicBrainz, CAA and TMDB.
    running = start_stack(write_config(directory, port, catalog_replay=True), port)
    try:
        yield running
    finally:
        running.stop()


def test_the_unset_catalogs_point_at_the_local_replay(stack: RunningStack) -> None:
    catalogs = stack.call("GET", "/api/v1/config").body["external_catalogs"]
    for key, path in (("musicbrainz_url", "/musicbrainz"),
                      ("coverartarchive_url", "/coverartarchive"), ("tmdb_url", "/tmdb/3")):
        assert catalogs[key].startswith("http://127.0.0.1:") and catalogs[key].endswith(path)


def test_from_radiohead_ok_computer_to_a_ticket_with_its_tracks(stack: RunningStack) -> None:
    found = stack.call("POST", "/api/v1/music/album",
                       {"artist": "Radiohead", "album": "OK Computer"})
    assert found.status == 200, found.text
    picked = found.body["candidates"][0]
    assert (picked["title"], picked["artist"], picked["track_count"]) == (
        "OK Computer", "Radiohead", 12)
    skeleton = stack.call("POST", "/api/v1/music/album",
                          {"musicbrainz_release_id": picked["musicbrainz_release_id"]})
    assert skeleton.status == 200, skeleton.text
    created = stack.call("POST", "/api/v1/ticket", skeleton.body["ticket"])
    assert created.status == 201, created.text
    ticket = stack.call("GET", f"/api/v1/ticket/{created.body['ticket_id']}").body
    tracks = ticket["request"]["items"]
    assert [t["name"] for t in tracks][:3] == ["Airbag", "Paranoid Android",
                                               "Subterranean Homesick Alien"]
    assert len(tracks) == 12 and all(t["duration_secs"] > 0 for t in tracks)
    assert ticket["request"]["query_context"]["musicbrainz_release_id"] == \
        picked["musicbrainz_release_id"]
    # What the replay has not recorded is a miss, as the real catalog answers it.
    other = stack.call("POST", "/api/v1/music/album", {"artist": "Radiohead", "album": "Kid A"})
    assert other.status == 200 and other.body["candidates"] == []


def test_movie_lookup_through_the_replay(stack: RunningStack) -> None:
    movies = stack.call("POST", "/api/v1/video/movie", {"title": "The Matrix", "year": 1999})
    assert movies.status == 200, movies.text
    assert movies.body["candidates"][0]["tmdb_id"] == 603
    movie = stack.call("POST", "/api/v1/video/movie", {"tmdb_id": 603})
    assert movie.status == 200 and movie.body["ticket"]["items"][0]["duration_secs"] == 136 * 60
