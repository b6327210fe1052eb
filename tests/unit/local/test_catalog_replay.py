"""The catalog replay answers like the services it stands in for, from local/replay/."""

from __future__ import annotations

import json

from chalicelib.adapters.catalogs.musicbrainz import lucene
from chalicelib.config import ExternalCatalogsConfig
from local.catalog_replay import ReplayCatalogs, pointed_at_replay

BASE = "http://127.0.0.1:9"
OK_COMPUTER_CD = "0b6b4ba0-d36f-47bd-b4ea-6a5b91842d29"
REPLAY = ReplayCatalogs(BASE)


def get(path: str, **query: str) -> tuple[int, object]:
    answer = REPLAY.answer(path, query)
    body = json.loads(answer.body) if answer.content_type == "application/json" else answer.body
    return answer.status, body


def mb_query(album: str, artist: str, year: int | None = None) -> str:
    # The adapter's own query form, escapes included.
    text = f'release:"{lucene(album)}" AND artist:"{lucene(artist)}"'
    return text + (f" AND date:{year}" if year else "")


def test_a_musicbrainz_search_finds_the_recorded_album_by_its_names() -> None:
    status, body = get("/musicbrainz/ws/2/release", query=mb_query("OK Computer", "Radiohead",
                                                                    1997), fmt="json")
    assert status == 200
    assert [r["id"] for r in body["releases"]][:1] == [OK_COMPUTER_CD]  # type: ignore[index]
    assert body["count"] == 2  # type: ignore[index]
    # Case and punctuation do not matter, as in MusicBrainz's index; other names find nothing.
    assert get("/musicbrainz/ws/2/release", query=mb_query("ok computer", "RADIOHEAD"))[1][
        "count"] == 2  # type: ignore[index]
    for album, artist in (("Kid A", "Radiohead"), ("OK Computer", "Coldplay")):
        assert get("/musicbrainz/ws/2/release", query=mb_query(album, artist))[1] == {
            "created": "2026-11-29T15:00:00.000Z", "count": 0, "offset": 0, "releases": []}
    assert get("/musicbrainz/ws/2/release", query=mb_query("OK Computer", "Radiohead",
                                                           2001))[1]["count"] == 0  # type: ignore[index]


def test_a_release_by_id_and_a_miss_as_musicbrainz_answers_them() -> None:
    status, body = get(f"/musicbrainz/ws/2/release/{OK_COMPUTER_CD}", inc="recordings")
    assert status == 200 and len(body["media"][0]["tracks"]) == 12  # type: ignore[index]
    status, body = get("/musicbrainz/ws/2/release/11111111-2222-4333-8444-555555555555")
    assert status == 404 and body["error"] == "Not Found"  # type: ignore[index]


def test_cover_art_lists_a_front_image_served_here() -> None:
    status, listing = get(f"/coverartarchive/release/{OK_COMPUTER_CD}")
    assert status == 200
    front = listing["images"][0]  # type: ignore[index]
    assert front["front"] and front["thumbnails"]["500"].startswith(BASE)
    image = REPLAY.answer(front["thumbnails"]["500"][len(BASE):], {})
    assert image.content_type == "image/jpeg" and image.body[:3] == b"\xff\xd8\xff"
    assert get("/coverartarchive/release/11111111-2222-4333-8444-555555555555")[0] == 404


def test_tmdb_searches_and_lookups() -> None:
    status, body = get("/tmdb/3/search/movie", query="The Matrix", year="1999")
    assert status == 200 and [m["id"] for m in body["results"]] == [603]  # type: ignore[index]
    assert get("/tmdb/3/search/movie", query="Heat")[1]["results"] == []  # type: ignore[index]
    assert get("/tmdb/3/movie/603")[1]["runtime"] == 136  # type: ignore[index]
    assert get("/tmdb/3/tv/1396/season/1")[0] == 200
    status, body = get("/tmdb/3/tv/1396/season/9")
    assert status == 404 and body["status_code"] == 34  # type: ignore[index]


def test_only_the_catalogs_left_unset_are_pointed_at_the_replay() -> None:
    unset = pointed_at_replay(ExternalCatalogsConfig(), BASE)
    assert (unset.musicbrainz_url, unset.coverartarchive_url, unset.tmdb_url) == (
        f"{BASE}/musicbrainz", f"{BASE}/coverartarchive", f"{BASE}/tmdb/3")
    assert unset.tmdb_api_key
    mine = ExternalCatalogsConfig(musicbrainz_url="https://musicbrainz.org",
                                  tmdb_api_key="my-key")
    kept = pointed_at_replay(mine, BASE)
    assert (kept.musicbrainz_url, kept.tmdb_url, kept.tmdb_api_key) == (
        "https://musicbrainz.org", "https://api.themoviedb.org/3", "my-key")
    assert kept.coverartarchive_url == f"{BASE}/coverartarchive"
