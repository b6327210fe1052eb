"""The agent's cover chain with real pictures (ffmpeg) and covers served by a local server
speaking the Cover Art Archive's and Discogs' JSON: each source in turn, outages skipped."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from chalicelib.adapters.catalogs.covers import CoverArtArchiveCovers, DiscogsCovers
from chalicelib.adapters.catalogs.http import CatalogEndpoint, CatalogHttp
from chalicelib.adapters.torznab.limits import InMemoryRateLimiter
from chalicelib.domain.stage_protocol import WorkFile
from chalicelib.ports import CoverSource
from tests.support.catalog_server import CatalogServer, Reply
from tests.support.fakes import FakeClock
from workers.agent.cover_chain import CoverChain
from workers.media import TrackTags, read_cover, tag_file

MBID = "0b6b4ba0-d36f-47bd-b4ea-6a5b91842d29"
META = {"musicbrainz_albumid": MBID, "artist": "Radiohead", "album": "OK Computer"}


def ffmpeg(out: Path, *args: str) -> bytes:
    subprocess.run(["ffmpeg", "-nostdin", "-loglevel", "error", "-y", *args, str(out)],
                   check=True, capture_output=True)
    return out.read_bytes()


@pytest.fixture(scope="module")
def pictures(tmp_path_factory: pytest.TempPathFactory) -> dict[str, bytes]:
    d = tmp_path_factory.mktemp("pictures")
    return {colour: ffmpeg(d / f"{colour}.jpg", "-f", "lavfi", "-i",
                           f"color=c={colour}:size=32x32", "-frames:v", "1")
            for colour in ("red", "green", "blue", "white")}


def caa_listing(base: str) -> dict[str, object]:
    """GET /release/{mbid} as the Cover Art Archive documents it."""
    image = f"{base}/img/{MBID}-1.jpg"
    return {"release": f"https://musicbrainz.org/release/{MBID}", "images": [
        {"approved": True, "back": True, "front": False, "id": 2, "image": f"{base}/img/back.jpg",
         "thumbnails": {}, "types": ["Back"], "comment": "", "edit": 1},
        {"approved": True, "back": False, "front": True, "id": 1, "image": image,
         "thumbnails": {"250": f"{base}/img/front-250.jpg", "500": f"{base}/img/front-500.jpg",
                        "1200": f"{base}/img/front-1200.jpg",
                        "small": f"{base}/img/front-250.jpg",
                        "large": f"{base}/img/front-500.jpg"},
         "types": ["Front"], "comment": "", "edit": 2}]}


def discogs_search(base: str) -> dict[str, object]:
    """GET /database/search?type=release&... as Discogs documents it."""
    return {"pagination": {"page": 1, "pages": 1, "per_page": 5, "items": 2, "urls": {}},
            "results": [
                {"id": 1, "type": "release", "title": "Radiohead - OK Computer",
                 "cover_image": "https://st.discogs.com/images/spacer.gif", "thumb": ""},
                {"id": 2, "type": "release", "title": "Radiohead - OK Computer",
                 "cover_image": f"{base}/img/discogs.jpg", "thumb": f"{base}/img/d-150.jpg",
                 "year": "1997", "format": ["CD", "Album"]}]}


@pytest.fixture
def server(pictures: dict[str, bytes]) -> CatalogServer:
    srv = CatalogServer({})
    base = srv.base_url
    srv.routes.update({
        f"/release/{MBID}": Reply(200, caa_listing(base)),
        "/img/front-500.jpg": Reply(200, pictures["red"], content_type="image/jpeg"),
        "/img/front-1200.jpg": Reply(200, pictures["white"], content_type="image/jpeg"),
        "/database/search": Reply(200, discogs_search(base)),
        "/img/discogs.jpg": Reply(200, pictures["green"], content_type="image/jpeg"),
    })
    return srv


def remote(server: CatalogServer, size: str = "500") -> list[CoverSource]:
    clock = FakeClock()
    limiter = InMemoryRateLimiter(clock, 0)
    caa = CatalogHttp(CatalogEndpoint("coverartarchive", server.base_url, "QT/0.1"),
                      clock=clock, rate_limiter=limiter)
    discogs = CatalogHttp(CatalogEndpoint("discogs", server.base_url, "QT/0.1",
                                          headers=(("Authorization", "Discogs token=tok"),)),
                          clock=clock, rate_limiter=limiter)
    return [CoverArtArchiveCovers(caa, size), DiscogsCovers(discogs)]


@pytest.fixture
def album(tmp_path: Path) -> tuple[list[WorkFile], dict[str, Path]]:
    track = tmp_path / "01 - Airbag.flac"
    ffmpeg(track, "-f", "lavfi", "-i", "sine=frequency=440:duration=1", "-c:a", "flac")
    files = [WorkFile(item_id="t1", kind="track", dest_path="/media/a/01.ogg",
                      path="01 - Airbag.flac")]
    return files, {"t1": track}


def test_the_cover_art_archive_serves_first_at_the_configured_size(
        server: CatalogServer, pictures: dict[str, bytes],
        album: tuple[list[WorkFile], dict[str, Path]]) -> None:
    with server:
        image, misses = CoverChain(remote(server)).find(META, *album)
        big, _ = CoverChain(remote(server, "1200")).find(META, *album)
    assert image is not None and image.source == "coverartarchive" and misses == []
    assert image.data == pictures["red"] and image.mime_type == "image/jpeg"
    assert big is not None and big.data == pictures["white"]


def test_discogs_serves_when_the_archive_has_no_cover(
        server: CatalogServer, pictures: dict[str, bytes],
        album: tuple[list[WorkFile], dict[str, Path]]) -> None:
    del server.routes[f"/release/{MBID}"]
    with server:
        image, misses = CoverChain(remote(server)).find(META, *album)
        search = next(s for s in server.seen if s.path == "/database/search")
    assert image is not None and image.source == "discogs" and image.data == pictures["green"]
    assert misses == ["coverartarchive: none"]
    assert search.headers["authorization"] == "Discogs token=tok"
    assert search.query["release_title"] == "OK Computer"


def test_the_torrents_own_cover_then_the_audio_tags_when_the_catalogs_are_down(
        server: CatalogServer, pictures: dict[str, bytes],
        album: tuple[list[WorkFile], dict[str, Path]]) -> None:
    files, sources = album
    folder = sources["t1"].parent
    with server:
        for _ in range(2):
            server.forced.append(Reply(503, {"error": "busy"}))
        tag_file(sources["t1"], TrackTags(title="Airbag"), pictures["blue"], "image/jpeg")
        assert read_cover(sources["t1"]) is not None
        image, misses = CoverChain(remote(server)).find(META, files, sources)
        assert image is not None and image.source == "audio_tags"
        assert image.data == pictures["blue"]
        assert [m.split(":")[0] for m in misses] == ["coverartarchive", "discogs",
                                                      "torrent_file"]
        (folder / "folder.jpg").write_bytes(pictures["white"])
        server.forced.append(Reply(503, {"error": "busy"}))
        server.forced.append(Reply(503, {"error": "busy"}))
        image, _ = CoverChain(remote(server)).find(META, files, sources)
    assert image is not None and image.source == "torrent_file"
    assert image.origin == "folder.jpg" and image.data == pictures["white"]


def test_no_source_at_all_is_no_cover_not_a_failure(
        album: tuple[list[WorkFile], dict[str, Path]]) -> None:
    image, misses = CoverChain().find({}, *album)
    assert image is None and misses == ["torrent_file: none", "audio_tags: none"]
