"""SearchService and SearchTester on in-memory ports: flagging, auditing, indexer health."""

from __future__ import annotations

import pytest

from chalicelib.adapters.torznab.limits import InMemoryRateLimiter
from chalicelib.domain.audit import AuditEventType as E
from chalicelib.domain.candidate import SearchQuery
from chalicelib.domain.errors import NotConfigured, ValidationError
from chalicelib.domain.indexers import RateLimited
from chalicelib.services.search_testing import SearchTester
from chalicelib.services.searching import SearchService
from tests.support.fakes import ADMIN, FakeSearcher, offer
from tests.unit.services.conftest import Rig

GOOD = "Radiohead - OK Computer (1997) [FLAC]"
FAKE = "Radiohead - OK Computer (1997) [FLAC] FAKE-GRP"


def searching(rig: Rig, searcher: FakeSearcher) -> tuple[SearchService, InMemoryRateLimiter]:
    limiter = InMemoryRateLimiter(rig.clock, 0)
    return SearchService(searcher, rig.blocklist, rig.recorder, limiter, rig.clock,
                         indexers=("a", "b")), limiter


def test_results_keep_blocklisted_releases_flagged_and_the_search_is_audited(rig: Rig) -> None:
    rig.blocklist.block("ab" * 20, FAKE, "transcode", "admin")
    searcher = FakeSearcher([offer(GOOD), offer("elsewhere", info_hash="ab" * 20)])
    service, _ = searching(rig, searcher)
    found = service.search(SearchQuery("Radiohead OK Computer"), actor="alice", ticket_id="t1")
    assert [r.candidate.title for r in found.results] == [GOOD, "elsewhere"]
    assert [c.title for c in found.usable] == [GOOD]
    assert found.blocked[0].blocked is not None and found.blocked[0].blocked.reason == "transcode"
    assert searcher.calls == [("Radiohead OK Computer", ("a", "b"))]
    event = rig.audit_log.events[-1]
    assert (event.event_type, event.ticket_id, event.actor) == (E.SEARCH_EXECUTED, "t1", "alice")
    assert (event.data["result_count"], event.data["blocked_count"]) == (2, 1)
    assert found.event_id == event.event_id


def test_an_indexer_backing_off_is_unhealthy_until_its_back_off_ends(rig: Rig) -> None:
    service, limiter = searching(rig, FakeSearcher([]))
    assert service.check_indexer("a")["consecutive_failures"] == 0
    limiter.record_failure("a")
    with pytest.raises(RateLimited, match="backing off after 1 failures"):
        service.check_indexer("a")
    rig.clock.advance(61)
    assert service.check_indexer("a")["consecutive_failures"] == 1
    assert [h.indexer for h in service.indexer_health()] == ["a", "b"]


def test_search_testing_scores_what_the_indexers_found(rig: Rig) -> None:
    service, _ = searching(rig, FakeSearcher([offer(GOOD), offer("Kid A (2000)")]))
    answer = SearchTester(service).run({"query": "Radiohead - OK Computer"}, ADMIN)
    assert answer["scored_against"] == {"artist": "Radiohead", "album": "OK Computer",
                                        "title": "Radiohead - OK Computer"}
    assert answer["candidates"][0]["candidate"]["title"] == GOOD
    assert answer["total_found"] == 2 and answer["audit_event_id"]
    with pytest.raises(ValidationError, match="query"):
        SearchTester(service).run({}, ADMIN)
    with pytest.raises(NotConfigured, match="no indexer"):
        SearchTester(None).run({"query": "x"}, ADMIN)
