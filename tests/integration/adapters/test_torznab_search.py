"""TorznabSearcher against the local Torznab server over real HTTP on 127.0.0.1."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from chalicelib.adapters.torznab import (
    Backend,
    InMemoryRateLimiter,
    TorznabConfig,
    TorznabSearcher,
)
from chalicelib.domain.candidate import Category, SearchKind, SearchQuery
from chalicelib.domain.indexers import (
    IndexerAuthError,
    IndexerResponseError,
    IndexerTimeout,
    IndexerUnavailable,
    RateLimited,
)
from local.torrent_maker import make_torrent
from local.torznab_server import Fault, LocalRelease, TorznabServer
from tests.support.fakes import FakeClock

API_KEY = "test-key-123"
ALBUM = SearchQuery(
    "Pink Floyd Animals", SearchKind.MUSIC, (Category.AUDIO,), artist="Pink Floyd", album="Animals"
)



@pytest.fixture(scope="module")
def catalog(tmp_path_factory: pytest.TempPathFactory) -> list[LocalRelease]:
    root = tmp_path_factory.mktemp("media")
    album = root / "Pink Floyd - Animals (1977) [FLAC]"
    album.mkdir()
    for number, name in enumerate(["Pigs on the Wing 1", "Dogs", "Pigs", "Sheep"], 1):
        (album / f"{number:02d} - {name}.flac").write_bytes(bytes([number]) * 3000)
    episode = root / "Better.Call.Saul.S01E05.720p.WEB.mkv"
    episode.write_bytes(b"\x00" * 5000)
    book = root / "Frank Herbert - Dune.epub"
    book.write_bytes(b"epub" * 100)
    return [
        LocalRelease(album.name, (3040,), 25, 30, torrent=make_torrent(album, [], 1 << 14)),
        LocalRelease(episode.name, (5040,), 7, 7, torrent=make_torrent(episode, [], 1 << 14)),
        LocalRelease("Heat 1995 1080p BluRay", (2040,), magnet="magnet:?xt=urn:btih:" + "c" * 40),
        LocalRelease(book.name, (7020,), torrent=make_torrent(book, [], 1 << 14)),
        LocalRelease("Photoshop 2024 x64", (4000,), magnet="magnet:?xt=urn:btih:" + "d" * 40),
    ]


@pytest.fixture
def server(catalog: list[LocalRelease]) -> Iterator[TorznabServer]:
    caps: dict[str, dict[str, tuple[str, ...]]] = {"basic": {"search": ("q",)}}
    with TorznabServer(catalog, API_KEY, caps=caps) as running:
        yield running


def _searcher(server: TorznabServer, *indexers: str, **settings: object) -> TorznabSearcher:
    config = TorznabConfig(
        Backend(server.flavour), server.url, API_KEY, indexers=indexers or ("all",),
        **{"min_interval_secs": 0, "timeout_secs": 5, **settings},  # type: ignore[arg-type]
    )  # fmt: skip
    return TorznabSearcher(config, clock=FakeClock())


def test_music_search_uses_caps_and_categories(server: TorznabServer) -> None:
    outcome = _searcher(server).search(ALBUM)
    assert [c.title for c in outcome.candidates] == ["Pink Floyd - Animals (1977) [FLAC]"]
    (candidate,) = outcome.candidates
    assert candidate.files_count == 4
    assert candidate.size == 12000
    assert (candidate.seeders, candidate.leechers, candidate.peers) == (25, 5, 30)
    assert candidate.indexer == "Local all"
    assert candidate.info_url == f"{server.url}/details/r1"
    sent = [r.params for r in server.api_requests("all")]
    assert sent == [
        {"t": "caps"},
        {"t": "music", "artist": "Pink Floyd", "album": "Animals", "cat": "3000"},
    ]
    (report,) = outcome.reports
    assert (report.function, report.result_count, report.cached, report.error) == (
        "music", 1, False, None
    )  # fmt: skip


@pytest.mark.parametrize(
    ("query", "function", "title"),
    [
        (
            SearchQuery("Better Call Saul S01E05", SearchKind.TV, (5000,),
                        title="Better Call Saul", season=1, episode=5),
            "tvsearch", "Better.Call.Saul.S01E05.720p.WEB.mkv",
        ),
        (
            SearchQuery("Heat 1995", SearchKind.MOVIE, (2000,), title="Heat", year=1995),
            "movie", "Heat 1995 1080p BluRay",
        ),
        (
            SearchQuery("Dune Frank Herbert", SearchKind.BOOK, (7000,),
                        author="Frank Herbert", title="Dune"),
            "book", "Frank Herbert - Dune.epub",
        ),
        (SearchQuery("photoshop", categories=(4000,)), "search", "Photoshop 2024 x64"),
    ],
)  # fmt: skip
def test_each_search_function_is_chosen_per_caps(
    server: TorznabServer, query: SearchQuery, function: str, title: str
) -> None:
    full = _searcher(server).search(query)
    assert [c.title for c in full.candidates] == [title]
    assert server.api_requests("all")[-1].params["t"] == function
    basic = _searcher(server, "basic").search(query)
    assert [c.title for c in basic.candidates] == [title]
    assert server.api_requests("basic")[-1].params == {
        "t": "search", "q": query.text, "cat": ",".join(map(str, query.categories))
    }  # fmt: skip


def test_category_filter_is_applied_by_the_indexer(server: TorznabServer) -> None:
    searcher = _searcher(server)
    query = SearchQuery("Pink Floyd", categories=(2000,))
    assert searcher.search(query).candidates == ()
    assert server.api_requests("all")[-1].params["cat"] == "2000"


def test_caps_asked_once_per_indexer(server: TorznabServer) -> None:
    searcher = _searcher(server, "all", "basic")
    searcher.search(ALBUM)
    searcher.search(SearchQuery("dune"))
    caps_requests = [r.indexer or "" for r in server.api_requests() if r.params.get("t") == "caps"]
    assert sorted(caps_requests) == ["all", "basic"]


def test_prowlarr_flavour(catalog: list[LocalRelease]) -> None:
    with TorznabServer(catalog, API_KEY, "prowlarr") as server:
        outcome = _searcher(server, "7").search(SearchQuery("photoshop"))
        assert [c.title for c in outcome.candidates] == ["Photoshop 2024 x64"]
        assert server.api_requests("7")[-1].path == "/7/api"


def test_wrong_api_key_is_an_auth_error_without_the_key(server: TorznabServer) -> None:
    config = TorznabConfig(Backend.JACKETT, server.url, "wrong-key-999", min_interval_secs=0)
    outcome = TorznabSearcher(config, clock=FakeClock()).search(ALBUM)
    error = outcome.errors["all"]
    assert isinstance(error, IndexerAuthError)
    assert "Torznab error 100" in str(error)
    assert "wrong-key-999" not in str(error) + repr(error) + str(outcome.reports[0].to_audit())
    assert outcome.all_failed


@pytest.mark.parametrize(
    ("fault", "error_type", "message"),
    [
        (Fault.HTTP_500, IndexerUnavailable, "HTTP 500"),
        (Fault.MALFORMED_XML, IndexerResponseError, "malformed XML"),
        (Fault.ENTITY_EXPANSION, IndexerResponseError, "DOCTYPE"),
    ],
)
def test_indexer_faults_become_typed_errors(
    server: TorznabServer, fault: Fault, error_type: type, message: str
) -> None:
    searcher = _searcher(server)
    searcher.caps("all")
    server.faults["all"] = fault
    outcome = searcher.search(ALBUM)
    error = outcome.errors["all"]
    assert type(error) is error_type
    assert message in str(error)
    assert error.indexer == "all"
    assert API_KEY not in str(error)
    assert outcome.reports[0].to_audit()["error"]["kind"] == error.kind


def test_timeout(server: TorznabServer) -> None:
    server.faults["all"] = Fault.SLOW
    server.delay_secs = 3
    outcome = _searcher(server, timeout_secs=0.3).search(ALBUM)
    assert isinstance(outcome.errors["all"], IndexerTimeout)
    assert outcome.reports[0].duration_ms < 2000


def test_one_failing_indexer_does_not_fail_the_search(server: TorznabServer) -> None:
    server.faults["broken"] = Fault.HTTP_500
    outcome = _searcher(server, "all", "broken").search(ALBUM)
    assert [c.title for c in outcome.candidates] == ["Pink Floyd - Animals (1977) [FLAC]"]
    assert set(outcome.errors) == {"broken"}
    assert isinstance(outcome.errors["broken"], IndexerUnavailable)
    assert not outcome.all_failed
    audit = [r.to_audit() for r in outcome.reports]
    assert [(a["indexer"], a["result_count"], a["error"] is None) for a in audit] == [
        ("all", 1, True), ("broken", 0, False)
    ]  # fmt: skip


def test_cache_hit_miss_and_expiry_over_http(server: TorznabServer) -> None:
    searcher = _searcher(server)
    clock = searcher._clock  # the FakeClock given above
    assert isinstance(clock, FakeClock)
    first = searcher.search(ALBUM)
    before = server.request_count
    again = searcher.search(
        SearchQuery("x", SearchKind.MUSIC, (3000,), artist="PINK  floyd", album="animals")
    )
    assert server.request_count == before
    assert again.reports[0].cached
    assert again.candidates == first.candidates
    searcher.search(SearchQuery("pink floyd", SearchKind.MUSIC, (3040,), artist="pink floyd"))
    assert server.request_count == before + 1
    clock.advance(1801)
    searcher.search(ALBUM)
    assert server.request_count == before + 2  # refetched; caps (a day) still cached


def test_rate_limit_spacing_and_backoff_with_fake_clock(server: TorznabServer) -> None:
    clock = FakeClock()
    config = TorznabConfig(Backend.JACKETT, server.url, API_KEY, min_interval_secs=2)
    limiter = InMemoryRateLimiter(clock, config.min_interval_secs)
    searcher = TorznabSearcher(config, clock=clock, rate_limiter=limiter)
    searcher.search(ALBUM)  # caps, then the search 2 s later
    assert clock.slept == [2.0]
    server.faults["all"] = Fault.HTTP_500
    failed = searcher.search(SearchQuery("dune"))
    assert isinstance(failed.errors["all"], IndexerUnavailable)
    assert limiter.status("all").consecutive_failures == 1
    count = server.request_count
    blocked = searcher.search(SearchQuery("photoshop"))
    assert isinstance(blocked.errors["all"], RateLimited)
    assert server.request_count == count  # nothing sent while backing off
    clock.advance(60)
    server.faults.clear()
    ok = searcher.search(SearchQuery("photoshop"))
    assert [c.title for c in ok.candidates] == ["Photoshop 2024 x64"]
    assert limiter.status("all").consecutive_failures == 0


def test_outcome_audit_payload(server: TorznabServer) -> None:
    outcome = _searcher(server).search(ALBUM)
    audit = outcome.to_audit()
    assert audit["query"] == {
        "text": "Pink Floyd Animals", "kind": "music", "categories": [3000],
        "artist": "Pink Floyd", "album": "Animals",
    }  # fmt: skip
    assert audit["candidate_count"] == 1
    (indexer,) = audit["indexers"]
    assert indexer["params"] == {"artist": "Pink Floyd", "album": "Animals"}
    assert indexer["function"] == "music"
    assert isinstance(indexer["duration_ms"], int)
    assert API_KEY not in str(audit)


def test_unexpected_crash_in_one_indexer_is_contained(server: TorznabServer) -> None:
    searcher = _searcher(server, "all", "basic")
    searcher.caps("basic")
    searcher._caps["basic"] = (float("inf"), None)  # type: ignore[assignment]  # forces a TypeError
    outcome = searcher.search(ALBUM)
    assert len(outcome.candidates) == 1
    assert "unexpected failure" in str(outcome.errors["basic"])
