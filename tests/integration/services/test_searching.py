"""SearchService end to end: local Torznab server over HTTP, DynamoDB on moto's server.

Real parts only: the TorznabSearcher with the DynamoDB rate limiter and cache, the DynamoDB
blocklist, and the DynamoDB audit log the SearchExecuted events land in.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from chalicelib.adapters.aws.audit_log import DynamoAuditLog
from chalicelib.adapters.aws.blocklist import DynamoBlocklist
from chalicelib.adapters.aws.models import build_models
from chalicelib.adapters.aws.rate_limiter import DynamoRateLimiter
from chalicelib.adapters.aws.search_cache import DynamoSearchCache
from chalicelib.adapters.aws.searcher_models import build_searcher_models
from chalicelib.adapters.clock import SystemClock
from chalicelib.adapters.torznab import Backend, TorznabConfig, TorznabSearcher
from chalicelib.config import Config
from chalicelib.domain.audit import AuditEvent, AuditEventType
from chalicelib.domain.candidate import Category, SearchKind, SearchQuery
from chalicelib.domain.indexers import RateLimited
from chalicelib.services.audit import AuditRecorder
from chalicelib.services.searching import SearchService
from local.torrent_maker import make_torrent
from local.torznab_server import Fault, LocalRelease, TorznabServer
from tests.support.fakes import FakeClock

API_KEY = "searching-test-key"
QUERY = SearchQuery("Pink Floyd Animals", SearchKind.MUSIC, (Category.AUDIO,),
                    artist="Pink Floyd", album="Animals")  # fmt: skip
INDEXERS = ("alpha", "beta")
REPOST_HASH = "e" * 40



@dataclass
class Rig:
    service: SearchService
    audit: DynamoAuditLog
    blocklist: DynamoBlocklist
    server: TorznabServer
    clock: FakeClock
    original_hash: str

    def events(self) -> list[AuditEvent]:
        page = self.audit.query(ticket_id=None, event_type=AuditEventType.SEARCH_EXECUTED,
                                start=None, end=None, limit=50, cursor=None)  # fmt: skip
        return page.items


@pytest.fixture(scope="module")
def releases(tmp_path_factory: pytest.TempPathFactory) -> list[LocalRelease]:
    root: Path = tmp_path_factory.mktemp("media")
    album = root / "Pink.Floyd-Animals-WEB-2016-GRP"
    album.mkdir()
    for n, name in enumerate(["Pigs on the Wing 1", "Dogs", "Pigs", "Sheep"], 1):
        (album / f"{n:02d} - {name}.flac").write_bytes(bytes([n]) * 3000)
    other = root / "Pink Floyd - Animals (1977) [FLAC]"
    other.mkdir()
    (other / "01 - Dogs.flac").write_bytes(b"\x07" * 4000)
    return [
        LocalRelease(album.name, (3040,), 30, 35, torrent=make_torrent(album, [], 1 << 14)),
        # the same release reposted elsewhere under another hash and a decorated title
        LocalRelease("www.Other.org - Pink Floyd - Animals WEB 2016 GRP [rarbg]", (3040,), 5, 6,
                     magnet=f"magnet:?xt=urn:btih:{REPOST_HASH}"),
        LocalRelease(other.name, (3040,), 12, 14, torrent=make_torrent(other, [], 1 << 14)),
    ]


@pytest.fixture
def rig(aws_config: Config, releases: list[LocalRelease]) -> Iterator[Rig]:
    clock = FakeClock()
    models = build_searcher_models(aws_config)
    limiter = DynamoRateLimiter(models, clock, min_interval_secs=2.0)
    cache = DynamoSearchCache(models, clock, ttl_secs=1800)
    audit = DynamoAuditLog(build_models(aws_config))
    blocklist = DynamoBlocklist(models, SystemClock())
    with TorznabServer(releases, API_KEY) as server:
        config = TorznabConfig(Backend.JACKETT, server.url, API_KEY, indexers=INDEXERS,
                               timeout_secs=5)  # fmt: skip
        searcher = TorznabSearcher(config, clock=clock, rate_limiter=limiter, cache=cache,
                                   max_workers=1)  # fmt: skip
        service = SearchService(searcher, blocklist, AuditRecorder(audit, SystemClock()),
                                limiter, clock, indexers=INDEXERS,
                                searcher_name="jackett")  # fmt: skip
        original = releases[0].info_hash
        assert original is not None
        yield Rig(service, audit, blocklist, server, clock, original)


def test_blocklisted_results_are_kept_and_flagged_across_indexers(rig: Rig) -> None:
    rig.blocklist.block(rig.original_hash, "Pink.Floyd-Animals-WEB-2016-GRP",
                        "transcode posing as lossless", "admin")  # fmt: skip
    found = rig.service.search(QUERY, actor="acquisition", ticket_id="ticket-1")
    titles = {(r.candidate.indexer_id, r.candidate.title) for r in found.results}
    assert len(found.results) == 6  # three releases from each of two indexers
    assert {indexer for indexer, _ in titles} == set(INDEXERS)
    blocked = {(r.candidate.indexer_id, r.candidate.info_hash): r.blocked for r in found.results
               if r.blocked is not None}  # fmt: skip
    # by hash on both indexers, and the repost (another hash) by its normalised title
    assert set(blocked) == {(i, h) for i in INDEXERS for h in (rig.original_hash, REPOST_HASH)}
    assert {entry.reason for entry in blocked.values()} == {"transcode posing as lossless"}
    assert [c.title for c in found.usable] == ["Pink Floyd - Animals (1977) [FLAC]"] * 2
    flagged = next(r for r in found.results if r.is_blocked).to_dict()
    assert flagged["blocked"]["reason"] == "transcode posing as lossless"


def test_each_search_writes_one_search_executed_event(rig: Rig) -> None:
    rig.blocklist.block(None, "Pink Floyd - Animals (1977) [FLAC]", "wrong master", "admin")
    found = rig.service.search(QUERY, actor="acquisition", ticket_id="ticket-7")
    events = rig.events()
    assert [e.event_id for e in events] == [found.event_id]
    event = events[0]
    assert (event.ticket_id, event.actor) == ("ticket-7", "acquisition")
    data = event.data
    assert data["searcher"] == "jackett"
    assert data["query"]["artist"] == "Pink Floyd" and data["query"]["album"] == "Animals"
    assert data["result_count"] == 6 and data["blocked_count"] == 2
    assert data["duration_ms"] == found.duration_ms >= 0
    assert [i["indexer"] for i in data["indexers"]] == list(INDEXERS)
    assert all(i["function"] == "music" and i["error"] is None for i in data["indexers"])
    blocked = [r for r in data["results"] if r["blocked"]]
    assert {r["title"] for r in blocked} == {"Pink Floyd - Animals (1977) [FLAC]"}
    assert {r["blocked"] for r in blocked} == {"wrong master"}
    assert API_KEY not in str(data)


def test_requests_are_spaced_and_repeat_searches_come_from_the_cache(rig: Rig) -> None:
    rig.service.search(QUERY)
    sent = len(rig.server.api_requests())
    assert sent == 4  # caps + search for each indexer
    assert rig.clock.slept == [2.0, 2.0]  # second request to each indexer waited its turn
    again = rig.service.search(QUERY)
    assert len(rig.server.api_requests()) == sent  # caps and results both remembered
    assert all(report.cached for report in again.outcome.reports)
    assert len(again.results) == 6
    assert len(rig.events()) == 2  # a cached search is still a search


def test_failing_indexer_is_reported_backed_off_and_unhealthy(rig: Rig) -> None:
    rig.server.faults["beta"] = Fault.HTTP_500
    found = rig.service.search(QUERY)
    assert {r.candidate.indexer_id for r in found.results} == {"alpha"}
    assert set(found.outcome.errors) == {"beta"}
    event = rig.events()[0]
    beta = next(i for i in event.data["indexers"] if i["indexer"] == "beta")
    assert beta["error"]["kind"] == "unavailable"
    health = {h.indexer: h for h in rig.service.indexer_health()}
    assert health["beta"].consecutive_failures == 1
    assert health["alpha"].consecutive_failures == 0
    assert rig.service.check_indexer("alpha")["consecutive_failures"] == 0
    with pytest.raises(RateLimited, match="backing off after 1 failures"):
        rig.service.check_indexer("beta")
    # while backing off, beta is not even asked: the limiter refuses before any request
    before = len(rig.server.api_requests("beta"))
    rig.service.search(SearchQuery("Pink Floyd Meddle"))
    assert len(rig.server.api_requests("beta")) == before


def test_wiring_adds_a_health_check_per_configured_indexer(
    aws_endpoint: str, releases: list[LocalRelease]
) -> None:
    from chalicelib.bootstrap import build_services
    from tests.integration.adapters.aws.conftest import provisioned_config

    with TorznabServer(releases, API_KEY) as server:
        searcher = {"url": server.url, "api_key": API_KEY, "indexers": list(INDEXERS)}
        services = build_services(provisioned_config(aws_endpoint, searcher=searcher))
        assert services.searching is not None
        checks = services.health.report()["checks"]
        assert checks["indexer_alpha"]["ok"] and checks["indexer_beta"]["ok"]
        services.rate_limiter.record_failure("beta")
        report = services.health.report()
        assert report["checks"]["indexer_alpha"]["ok"]
        assert not report["checks"]["indexer_beta"]["ok"]
        assert "backing off" in report["checks"]["indexer_beta"]["error"]
    unconfigured = build_services(provisioned_config(aws_endpoint))
    assert unconfigured.searching is None
    assert not any(name.startswith("indexer_") for name in unconfigured.health.report()["checks"])
