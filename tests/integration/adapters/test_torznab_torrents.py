"""Fetching candidates' .torrent files from the local Torznab server over real HTTP."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from chalicelib.adapters.torznab import (
    Backend,
    MagnetRedirect,
    TorznabConfig,
    TorznabSearcher,
)
from chalicelib.domain.candidate import SearchQuery, TorrentCandidate, TorrentFile
from chalicelib.domain.indexers import IndexerAuthError, TorrentFetchError
from local.torrent_maker import make_torrent
from local.torznab_server import LocalRelease, TorznabServer
from tests.support.fakes import FakeClock

API_KEY = "dl-key-456"
MAGNET = "magnet:?xt=urn:btih:" + "e" * 40 + "&dn=Redirected"



@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TorznabServer]:
    root = tmp_path_factory.mktemp("content")
    album = root / "Album"
    (album / "CD1").mkdir(parents=True)
    (album / "CD1" / "01 - One.flac").write_bytes(b"1" * 40_000)
    (album / "CD1" / "02 - Two.flac").write_bytes(b"2" * 30_000)
    (album / "cover.jpg").write_bytes(b"j" * 500)
    single = root / "Movie.2020.mkv"
    single.write_bytes(b"m" * 70_000)
    catalog = [
        LocalRelease("Multi Album", (3040,), torrent=make_torrent(album, ["http://t/a"], 1 << 14)),
        LocalRelease("Single Movie", (2000,), torrent=make_torrent(single, [], 1 << 14)),
        LocalRelease("Redirected Release", (3000,), magnet=MAGNET, redirect_to_magnet=True),
        LocalRelease("Broken Release", (3000,), torrent=b"<html>please log in</html>"),
        LocalRelease("Magnet Only Release", (3000,), magnet="magnet:?xt=urn:btih:" + "f" * 40),
    ]
    with TorznabServer(catalog, API_KEY) as running:
        yield running


def _searcher(server: TorznabServer, **settings: object) -> TorznabSearcher:
    config = TorznabConfig(
        Backend.JACKETT, server.url, API_KEY,
        **{"min_interval_secs": 0, "timeout_secs": 5, **settings},  # type: ignore[arg-type]
    )  # fmt: skip
    return TorznabSearcher(config, clock=FakeClock())


def _find(searcher: TorznabSearcher, title: str) -> TorrentCandidate:
    outcome = searcher.search(SearchQuery(title))
    (candidate,) = outcome.candidates
    return candidate


def test_multi_file_torrent_file_list(server: TorznabServer) -> None:
    searcher = _searcher(server)
    candidate = _find(searcher, "Multi Album")
    assert searcher.get_files(candidate) == [
        TorrentFile("Album/CD1/01 - One.flac", 40_000),
        TorrentFile("Album/CD1/02 - Two.flac", 30_000),
        TorrentFile("Album/cover.jpg", 500),
    ]
    fetched = searcher.fetch_torrent(candidate)
    assert fetched.meta.info_hash == candidate.info_hash
    assert fetched.meta.trackers == ("http://t/a",)


def test_single_file_torrent_file_list(server: TorznabServer) -> None:
    searcher = _searcher(server)
    assert searcher.get_files(_find(searcher, "Single Movie")) == [
        TorrentFile("Movie.2020.mkv", 70_000)
    ]


def test_redirect_to_magnet_is_reported_with_the_magnet(server: TorznabServer) -> None:
    searcher = _searcher(server)
    candidate = _find(searcher, "Redirected Release")
    assert candidate.download_url is not None
    assert candidate.download_url.startswith(f"{server.url}/dl/")
    with pytest.raises(MagnetRedirect) as caught:
        searcher.get_files(candidate)
    assert caught.value.magnet_uri == MAGNET
    assert caught.value.info_hash == "e" * 40


def test_magnet_only_candidate_needs_no_request(server: TorznabServer) -> None:
    searcher = _searcher(server)
    candidate = _find(searcher, "Magnet Only Release")
    count = server.request_count
    with pytest.raises(MagnetRedirect) as caught:
        searcher.get_files(candidate)
    assert caught.value.info_hash == "f" * 40
    assert server.request_count == count


def test_bad_bencode_is_a_clear_error(server: TorznabServer) -> None:
    searcher = _searcher(server)
    with pytest.raises(TorrentFetchError, match=r"not a usable \.torrent: bad bencode at byte 0"):
        searcher.get_files(_find(searcher, "Broken Release"))


def test_size_limit(server: TorznabServer) -> None:
    searcher = _searcher(server, max_torrent_bytes=200)
    with pytest.raises(TorrentFetchError, match="larger than 200 bytes") as caught:
        searcher.get_files(_find(searcher, "Multi Album"))
    assert API_KEY not in str(caught.value)


def test_download_refused_is_an_auth_error_without_the_key(server: TorznabServer) -> None:
    searcher = _searcher(server)
    candidate = _find(searcher, "Single Movie")
    assert candidate.download_url is not None
    wrong = candidate.download_url.replace(API_KEY, "nope-key-000")
    forged = TorrentCandidate(title="x", indexer="x", indexer_id="all", download_url=wrong)
    with pytest.raises(IndexerAuthError, match="HTTP 401") as caught:
        searcher.get_files(forged)
    assert "nope-key-000" not in str(caught.value)


def test_candidate_without_any_link(server: TorznabServer) -> None:
    candidate = TorrentCandidate(title="Nothing", indexer="x", indexer_id="all")
    with pytest.raises(TorrentFetchError, match="no download link"):
        _searcher(server).get_files(candidate)


def test_non_http_link_is_refused(server: TorznabServer, tmp_path: Path) -> None:
    candidate = TorrentCandidate(
        title="File", indexer="x", indexer_id="all", download_url=f"file://{tmp_path}/x.torrent"
    )
    with pytest.raises(TorrentFetchError, match="not http"):
        _searcher(server).get_files(candidate)


def test_advertised_magnet_carries_hash_and_trackers(server: TorznabServer) -> None:
    candidate = _find(_searcher(server), "Multi Album")
    assert candidate.magnet_uri is not None
    assert candidate.magnet_uri.startswith(f"magnet:?xt=urn:btih:{candidate.info_hash}&")
    assert "tr=http%3A%2F%2Ft%2Fa" in candidate.magnet_uri
