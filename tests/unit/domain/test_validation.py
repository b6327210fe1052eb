"""Ticket request validation: good shapes accepted, every bad field named."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from chalicelib.domain.codec import request_from_dict, request_to_dict
from chalicelib.domain.errors import ValidationError
from chalicelib.domain.request import ContentType, ItemKind, OutputFormat
from chalicelib.domain.validation import check_dest_path, parse_ticket_request

ROOTS = ["/media"]
ALBUM: dict[str, Any] = {
    "priority": 100, "dry_run": False, "request_scope": "full_album",
    "search": {"artist": "Radiohead", "album": "OK Computer", "year": 1997,
               "label": "Parlophone", "genres": ["alternative rock", "art rock"]},
    "tracks": [{"catalog_track_id": "t1", "disc_number": 1, "track_number": 1,
                "name": "Airbag", "duration_secs": 284,
                "dest_path": "/media/albums/abc123/d1t01.ogg", "requested": True}],
    "images": [{"catalog_image_id": "img1", "type": "cover_front",
                "dest_path": "/media/albums/abc123/cover.jpg"}],
    "constraints": {"format": "ogg_vorbis", "bitrate_kbps": 320, "sample_rate_hz": 44100,
                    "embed_metadata": True, "embed_cover": True},
    "metadata_to_embed": {"artist": "Radiohead", "album": "OK Computer", "year": 1997,
                          "genre": "Alternative Rock"},
}


def fields_of(body: Any) -> set[str]:
    with pytest.raises(ValidationError) as err:
        parse_ticket_request(body, ROOTS)
    return {e.field for e in err.value.errors}


def test_the_example_album_ticket() -> None:
    r = parse_ticket_request(ALBUM, ROOTS)
    assert r.query.expected is ContentType.ALBUM
    assert r.query.genres == ("alternative rock", "art rock")
    assert [i.kind for i in r.items] == [ItemKind.TRACK, ItemKind.IMAGE]
    assert r.constraints.format is OutputFormat.OGG_VORBIS
    assert r.tracks[0].duration_secs == 284.0
    assert request_from_dict(request_to_dict(r)) == r


def test_movie_and_episode_tickets_with_query_context() -> None:
    movie = parse_ticket_request({
        "query_context": {"expected": "movie", "title": "Heat", "year": 1995},
        "items": [{"item_id": "main", "kind": "video", "dest_path": "/media/movies/heat.mkv"}],
        "constraints": {"format": "mkv"}}, ROOTS)
    assert movie.query.title == "Heat" and movie.request_scope == "movie"
    episode = parse_ticket_request({
        "query_context": {"expected": "tv_episode", "title": "The Wire", "season": 1,
                          "episode": 2},
        "items": [{"item_id": "e", "kind": "video", "season": 1, "episode": 2,
                   "dest_path": "/media/tv/wire/s01e02.mkv"}]}, ROOTS)
    assert episode.items[0].episode == 2
    assert request_from_dict(request_to_dict(episode)) == episode


@pytest.mark.parametrize(("change", "field"), [
    (lambda b: b.update(priority=65536), "priority"),
    (lambda b: b.update(priority="high"), "priority"),
    (lambda b: b.update(dry_run="yes"), "dry_run"),
    (lambda b: b.update(request_scope="everything"), "request_scope"),
    (lambda b: b["search"].pop("artist"), "search.artist"),
    (lambda b: b["search"].update(album=""), "search.album"),
    (lambda b: b["search"].update(year=97), "search.year"),
    (lambda b: b["tracks"][0].update(duration_secs=-1), "tracks[0].duration_secs"),
    (lambda b: b["tracks"][0].update(track_number=0), "tracks[0].track_number"),
    (lambda b: b["tracks"][0].pop("name"), "tracks[0].name"),
    (lambda b: b["tracks"][0].update(dest_path="x.ogg"), "tracks[0].dest_path"),
    (lambda b: b["tracks"][0].update(dest_path="/media/a/../../etc/x"), "tracks[0].dest_path"),
    (lambda b: b["tracks"][0].update(dest_path="/srv/x.ogg"), "tracks[0].dest_path"),
    (lambda b: b["images"][0].update(type="hologram"), "images[0].type"),
    (lambda b: b["constraints"].update(format="wma"), "constraints.format"),
    (lambda b: b["constraints"].update(sample_rate_hz=12345), "constraints.sample_rate_hz"),
    (lambda b: b["constraints"].update(embed_cover=1), "constraints.embed_cover"),
    (lambda b: b.update(colour="blue"), "colour"),
    (lambda b: b["tracks"][0].update(bpm=120), "tracks[0].bpm"),
    (lambda b: b.update(tracks=[]), "tracks"),
    (lambda b: b.update(tracks="t1"), "tracks"),
    (lambda b: b.update(metadata_to_embed={"artist": ["a"]}), "metadata_to_embed.artist"),
])
def test_each_bad_field_is_named(change: Any, field: str) -> None:
    body = copy.deepcopy(ALBUM)
    change(body)
    assert field in fields_of(body)


def test_several_problems_are_reported_together() -> None:
    body = copy.deepcopy(ALBUM)
    body["priority"] = -5
    body["constraints"]["format"] = "wma"
    body["images"][0]["dest_path"] = body["tracks"][0]["dest_path"]
    found = fields_of(body)
    assert {"priority", "constraints.format", "img1.dest_path"} <= found


def test_not_an_object() -> None:
    assert fields_of([1]) == {"body"}
    assert "search" in fields_of({"tracks": ALBUM["tracks"]})


def test_server_owned_fields_are_ignored() -> None:
    body = copy.deepcopy(ALBUM)
    body.update(ticket_id="mine", requested_by="mallory", created_at="x", linked_tickets=["y"])
    assert parse_ticket_request(body, ROOTS).priority == 100


@pytest.mark.parametrize(("path", "ok"), [
    ("/media/a.ogg", True), ("/media/x/y/z.flac", True), ("/media", False),
    ("/media/", False), ("/mediax/a", False), ("media/a", False), ("/media/../a", False),
    ("/media/a/..", False), ("/media/a\x00b", False),
])
def test_dest_path_rules(path: str, ok: bool) -> None:
    assert (check_dest_path(path, ["/media"]) is None) is ok


@pytest.mark.parametrize("path", ["/media/con\nx.ogg", "/media/a\x00b.ogg", "/media/a\tb.ogg",
                                  "/media/a\rb.ogg", "/media/a\x7fb.ogg", "/media/a\x85b.ogg",
                                  "/media/a\u2028b.ogg", "\x1b[2J/media/a.ogg"])
def test_control_characters_in_a_dest_path_are_refused(path: str) -> None:
    problem = check_dest_path(path, ROOTS)
    assert problem is not None and "control characters" in problem
    body = copy.deepcopy(ALBUM)
    body["tracks"][0]["dest_path"] = path
    assert fields_of(body) == {"tracks[0].dest_path"}


def test_printable_unicode_in_a_dest_path_is_fine() -> None:
    assert check_dest_path("/media/Björk/Homogenic – 01 Hunter.ogg", ROOTS) is None
