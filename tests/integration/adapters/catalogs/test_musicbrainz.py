"""MusicBrainzCatalog against a local server replaying ws/2 JSON, errors included."""

from __future__ import annotations

import itertools
import time

import pytest

from chalicelib.adapters.catalogs.http import CatalogEndpoint, CatalogHttp
from chalicelib.adapters.catalogs.musicbrainz import MusicBrainzCatalog, lucene
from chalicelib.adapters.clock import SystemClock
from chalicelib.adapters.torznab.limits import InMemoryRateLimiter
from chalicelib.domain.errors import ValidationError
from chalicelib.domain.media_catalog import CatalogNotFound, CatalogUnavailable
from tests.support import catalog_replies as r
from tests.support.catalog_server import CatalogServer, Reply
from tests.support.fakes import FakeClock, InMemoryCatalogCache

UA = "QuentinTorrentino/0.1 ( ops@example.org )"


def routes() -> dict[str, Reply]:
    return {"/ws/2/release": Reply(200, r.mb_search()),
            f"/ws/2/release/{r.OK_COMPUTER_CD}": Reply(200, r.mb_release()),
            f"/ws/2/release/{r.OK_COMPUTER_LP}": Reply(200, r.mb_two_disc_release())}


def catalog(server: CatalogServer, *, interval: float = 0.0, clock: object = None,
            cache: InMemoryCatalogCache | None = None,
            max_wait: float = 5.0) -> MusicBrainzCatalog:
    clk = clock or SystemClock()
    http = CatalogHttp(CatalogEndpoint("musicbrainz", server.base_url, UA, timeout_secs=5,
                                       max_wait_secs=max_wait),
                       clock=clk, rate_limiter=InMemoryRateLimiter(clk, interval),  # type: ignore[arg-type]
                       cache=cache)
    return MusicBrainzCatalog(http)


def test_search_lists_releases_with_track_counts_and_formats() -> None:
    with CatalogServer(routes()) as server:
        found = catalog(server).search_releases("Radiohead", "OK Computer", 1997)
        sent = server.seen[0]
    assert [f.release_id for f in found] == [r.OK_COMPUTER_CD, r.OK_COMPUTER_LP]
    cd, lp = found
    assert (cd.title, cd.artist, cd.date, cd.country, cd.track_count, cd.formats) == (
        "OK Computer", "Radiohead", "1997-05-21", "GB", 12, ("CD",))
    assert lp.formats == (r.VINYL, r.VINYL) and lp.disambiguation == "vinyl"
    assert cd.release_group_id == r.OK_COMPUTER_GROUP
    assert sent.query["query"] == 'release:"OK Computer" AND artist:"Radiohead" AND date:1997'
    assert sent.query["fmt"] == "json"
    assert sent.headers["user-agent"] == UA


def test_release_has_every_track_with_disc_number_and_duration() -> None:
    with CatalogServer(routes()) as server:
        release = catalog(server).release(r.OK_COMPUTER_CD)
        assert server.seen[0].query["inc"] == "recordings artist-credits release-groups"
    assert len(release.tracks) == 12
    first = release.tracks[0]
    assert (first.disc_number, first.track_number, first.title, first.duration_secs) == (
        1, 1, "Airbag", 284.0)
    assert release.total_duration_secs == sum(length for _, length in r.TRACK_TITLES) / 1000


def test_two_disc_release_numbers_tracks_per_disc_and_keeps_unknown_lengths_unknown() -> None:
    with CatalogServer(routes()) as server:
        release = catalog(server).release(r.OK_COMPUTER_LP)
    assert [(t.disc_number, t.track_number) for t in release.tracks][5:8] == [
        (1, 6), (2, 1), (2, 2)]
    assert release.tracks[6].duration_secs is None
    assert release.total_duration_secs is None


def test_editions_browse_the_release_group() -> None:
    with CatalogServer({"/ws/2/release": Reply(200, r.mb_browse_group())}) as server:
        editions = catalog(server).editions(r.OK_COMPUTER_GROUP)
        assert server.seen[0].query["release-group"] == r.OK_COMPUTER_GROUP
    assert len(editions) == 2


def test_requests_are_spaced_by_the_configured_interval() -> None:
    with CatalogServer(routes()) as server:
        mb = catalog(server, interval=1.0)
        for _ in range(3):
            mb.search_releases("Radiohead", "OK Computer")
        times = [s.at for s in server.seen]
    assert len(times) == 3
    assert all(b - a >= 0.95 for a, b in itertools.pairwise(times)), times


def test_answers_are_cached_until_their_time_to_live() -> None:
    clock = FakeClock()
    cache = InMemoryCatalogCache(clock)
    with CatalogServer(routes()) as server:
        mb = catalog(server, clock=clock, cache=cache)
        mb.release(r.OK_COMPUTER_CD)
        mb.release(r.OK_COMPUTER_CD)
        assert len(server.seen) == 1
        clock.advance(86400)
        mb.release(r.OK_COMPUTER_CD)
        assert len(server.seen) == 2


def test_503_with_a_short_retry_after_is_waited_for_and_retried() -> None:
    clock = FakeClock()
    with CatalogServer(routes()) as server:
        server.forced.append(Reply(503, r.MB_RATE_LIMITED, (("Retry-After", "2"),)))
        found = catalog(server, clock=clock).search_releases("Radiohead", "OK Computer")
        assert len(server.seen) == 2
    assert clock.slept == [2.0] and len(found) == 2


def test_503_with_a_long_retry_after_is_reported_with_it() -> None:
    with CatalogServer(routes()) as server:
        server.forced.append(Reply(503, r.MB_RATE_LIMITED, (("Retry-After", "60"),)))
        with pytest.raises(CatalogUnavailable) as raised:
            catalog(server, clock=FakeClock()).search_releases("Radiohead", "OK Computer")
    assert raised.value.retry_after == 60.0 and "503" in raised.value.message


def test_after_a_failure_the_limiter_backs_off_without_asking_again() -> None:
    clock = FakeClock()
    with CatalogServer(routes()) as server:
        server.forced.append(Reply(503, r.MB_RATE_LIMITED))
        mb = catalog(server, clock=clock)
        with pytest.raises(CatalogUnavailable):
            mb.search_releases("Radiohead", "OK Computer")
        with pytest.raises(CatalogUnavailable, match="backing off"):
            mb.search_releases("Radiohead", "OK Computer")
        assert len(server.seen) == 1


def test_unknown_release_is_not_found() -> None:
    with CatalogServer(routes()) as server, pytest.raises(CatalogNotFound):
        catalog(server).release("11111111-2222-4333-8444-555555555555")


def test_a_malformed_id_is_refused_before_asking() -> None:
    with CatalogServer(routes()) as server:
        with pytest.raises(ValidationError):
            catalog(server).release("not-an-mbid")
        assert server.seen == []


@pytest.mark.parametrize("reply", [
    Reply(200, b"<html>maintenance</html>", content_type="text/html"),
    Reply(200, {"created": "x", "count": 1}),  # no "releases"
    Reply(200, {"releases": [{"id": "x"}]}),  # a release without a title
])
def test_malformed_replies_are_unavailable_not_crashes(reply: Reply) -> None:
    with (CatalogServer({"/ws/2/release": reply}) as server,
          pytest.raises(CatalogUnavailable, match="malformed")):
        catalog(server).search_releases("Radiohead", "OK Computer")


def test_an_unreachable_server_is_unavailable() -> None:
    with CatalogServer(routes()) as server:
        url = server.base_url
    http = CatalogHttp(CatalogEndpoint("musicbrainz", url, UA, timeout_secs=1),
                       clock=SystemClock(), rate_limiter=InMemoryRateLimiter(SystemClock(), 0))
    started = time.monotonic()
    with pytest.raises(CatalogUnavailable, match="unreachable"):
        MusicBrainzCatalog(http).search_releases("a", "b")
    assert time.monotonic() - started < 5


def test_lucene_special_characters_are_escaped() -> None:
    assert lucene('AC/DC "Live" (1992)') == 'AC\\/DC \\"Live\\" \\(1992\\)'
