"""AcquisitionService on in-memory ports with the real TextBrain (dumb-only)."""

from __future__ import annotations

import pytest

from chalicelib.domain.audit import AuditEventType as E
from chalicelib.domain.candidate import TorrentFile
from chalicelib.domain.errors import Conflict, ExternalServiceError
from chalicelib.domain.stage_protocol import Stage, StageMessage, WorkOrder
from chalicelib.domain.states import TicketState as S
from chalicelib.domain.ticket import Ticket
from chalicelib.services.acquisition import AcquisitionService
from chalicelib.textbrain.brain import BrainMode, TextBrain
from tests.support.fakes import ALICE, FakeCandidateSource, album_request, offer
from tests.unit.services.conftest import Rig

GOOD = "Radiohead - OK Computer (1997) [FLAC]"
ALSO_GOOD = "Radiohead - OK Computer (1997) [MP3 320]"
VAGUE = "Radiohead OK Computer"
GOOD_HASH, OTHER_HASH = "ab" * 20, "cd" * 20
FILES = {GOOD: [TorrentFile(f"{GOOD}/0{n} - Track {n}.flac", 30_000_000) for n in (1, 2, 3)]}


def service(rig: Rig, source: FakeCandidateSource) -> AcquisitionService:
    return AcquisitionService(rig.flow_state("acquisition"), rig.store,
                              TextBrain(BrainMode.DUMB_ONLY, None), source, rig.recorder,
                              rig.blocklist, 0.85, None)


def acquire(rig: Rig, source: FakeCandidateSource, ticket: Ticket) -> dict[str, object]:
    return service(rig, source).acquire(StageMessage(Stage.ACQUIRE, ticket.ticket_id, "tok"))


def test_a_sure_candidate_is_auto_approved_with_a_typed_work_order(rig: Rig) -> None:
    ticket = rig.tickets.create(album_request(), ALICE)
    source = FakeCandidateSource([offer(GOOD, info_hash=GOOD_HASH)], dict(FILES))
    out = acquire(rig, source, ticket)
    stored = rig.store.get(ticket.ticket_id)
    assert out["outcome"] == "auto_approved" and stored.state is S.AUTO_APPROVED
    assert isinstance(stored.work_order, WorkOrder) and out["work"] == stored.work_order.to_dict()
    assert [f.path for f in stored.work_order.files] == [f.path for f in FILES[GOOD]]
    assert stored.acquisition is not None and stored.acquisition.recommended_index == 0
    assert stored.acquisition.confidence > 0.85
    assert stored.acquisition.files_for(stored.acquisition.candidates[0]) == FILES[GOOD]
    assert rig.audit_log.of(ticket.ticket_id)[-3:] == [
        E.MATCHING_STARTED, E.MATCHING_COMPLETED, E.TICKET_STATE_CHANGED]


def test_an_unsure_candidate_waits_for_a_person(rig: Rig) -> None:
    ticket = rig.tickets.create(album_request(), ALICE)
    out = acquire(rig, FakeCandidateSource([offer(VAGUE)]), ticket)
    stored = rig.store.get(ticket.ticket_id)
    assert out == {"outcome": "needs_approval"} and stored.state is S.NEEDS_APPROVAL
    assert stored.work_order is None
    assert stored.acquisition is not None and stored.acquisition.recommended_index == 0
    assert rig.events.kinds(ticket.ticket_id)[-1] == "needs_approval"


def test_nothing_found_or_every_search_failing_ends_the_acquisition(rig: Rig) -> None:
    empty = rig.tickets.create(album_request(), ALICE)
    assert acquire(rig, FakeCandidateSource([]), empty) == {"outcome": "acquisition_failed"}
    assert rig.store.get(empty.ticket_id).state_payload["reasons"][0] == "no candidates found"
    down = rig.tickets.create(album_request(album="Kid A"), ALICE)
    failing = FakeCandidateSource([offer(GOOD)],
                                  failure=ExternalServiceError("indexer a", "timed out"))
    assert acquire(rig, failing, down) == {"outcome": "acquisition_failed"}
    stored = rig.store.get(down.ticket_id)
    assert stored.state is S.ACQUISITION_FAILED
    assert stored.acquisition is not None
    assert stored.acquisition.details["search_problems"] == ["indexer a: timed out"]


def test_a_dry_run_decides_but_never_downloads(rig: Rig) -> None:
    ticket = rig.tickets.create(album_request(dry_run=True), ALICE)
    out = acquire(rig, FakeCandidateSource([offer(GOOD)], dict(FILES)), ticket)
    stored = rig.store.get(ticket.ticket_id)
    assert out == {"outcome": "dry_run_complete"} and stored.state is S.DRY_RUN_COMPLETE
    assert stored.work_order is None and stored.acquisition is not None


def test_blocklisted_releases_are_passed_over_and_reported(rig: Rig) -> None:
    rig.blocklist.block(GOOD_HASH, GOOD, "fake flac", "admin")
    ticket = rig.tickets.create(album_request(), ALICE)
    source = FakeCandidateSource([offer(GOOD, info_hash=GOOD_HASH),
                                  offer(ALSO_GOOD, info_hash=OTHER_HASH)], dict(FILES))
    acquire(rig, source, ticket)
    stored = rig.store.get(ticket.ticket_id)
    assert stored.work_order is not None and stored.work_order.candidate is not None
    assert stored.work_order.candidate.title == ALSO_GOOD
    assert stored.acquisition is not None
    assert stored.acquisition.details["blocklisted"] == [{"title": GOOD, "reason": "fake flac"}]


def test_a_failed_download_blocks_the_release_and_takes_the_next_candidate(rig: Rig) -> None:
    ticket = rig.tickets.create(album_request(), ALICE)
    source = FakeCandidateSource([offer(GOOD, info_hash=GOOD_HASH),
                                  offer(ALSO_GOOD, info_hash=OTHER_HASH)], dict(FILES))
    acquire(rig, source, ticket)
    rig.flow_state().enter(ticket.ticket_id, S.DOWNLOADING, "downloading")
    failure = {"Error": "DownloadFailed", "Cause": '{"reason": "no peers"}'}
    out = service(rig, source).next_candidate(
        StageMessage(Stage.NEXT_CANDIDATE, ticket.ticket_id, "tok", error=failure))
    stored = rig.store.get(ticket.ticket_id)
    assert out["outcome"] == "auto_approved"
    assert stored.work_order is not None and stored.work_order.candidate is not None
    assert stored.work_order.candidate.title == ALSO_GOOD
    assert stored.acquisition is not None and stored.acquisition.failed == (GOOD_HASH,)
    assert [e.title for e in rig.blocklist.entries] == [GOOD]
    # The second one fails too: nothing is left.
    out = service(rig, source).next_candidate(
        StageMessage(Stage.NEXT_CANDIDATE, ticket.ticket_id, "tok", error=failure))
    assert out == {"outcome": "failed"}
    assert rig.store.get(ticket.ticket_id).state is S.FAILED


def test_the_decision_is_never_dropped_when_the_ticket_keeps_changing(rig: Rig) -> None:
    ticket = rig.tickets.create(album_request(dry_run=True), ALICE)
    rig.flow_state().enter(ticket.ticket_id, S.ACQUIRING, "searching")
    rig.store.lose_next_saves(5)  # every try to save the decision loses a race
    with pytest.raises(Conflict, match="kept changing"):
        acquire(rig, FakeCandidateSource([offer(GOOD)], dict(FILES)), ticket)
    assert rig.store.get(ticket.ticket_id).state is S.ACQUIRING  # not a silent "complete"


def test_a_second_ticket_for_the_same_album_joins_the_first(rig: Rig) -> None:
    first = rig.tickets.create(album_request(tracks=2), ALICE)
    second = rig.tickets.create(album_request(tracks=3), ALICE)
    source = FakeCandidateSource([offer(GOOD)], dict(FILES))
    assert acquire(rig, source, second) == {"outcome": "linked", "primary": first.ticket_id}
    assert rig.store.get(first.ticket_id).linked_tickets == (second.ticket_id,)
    assert rig.store.get(second.ticket_id).state_payload["linked_to"] == first.ticket_id
    assert source.queries == []  # the primary's search serves both


def test_llm_cost_of_queries_and_matching_and_the_approval_request_are_audited(
        rig: Rig) -> None:
    from chalicelib.textbrain.llm_cost import LlmPrices
    from tests.unit.textbrain.test_brain import FakeLlm, rescore

    # One rescore per query tried (none auto-approves, so every query is tried).
    llm = FakeLlm({"queries": [{"text": "Radiohead OKComputer"}]},
                  *[rescore(0.5, chosen=0, reasoning="not sure")] * 8)
    acquisition = AcquisitionService(
        rig.flow_state("acquisition"), rig.store, TextBrain(BrainMode.LLM_FIRST, llm),
        FakeCandidateSource([offer(VAGUE)]), rig.recorder, rig.blocklist, 0.85, None,
        llm_prices=LlmPrices(prompt_usd_per_mtok=3.0, completion_usd_per_mtok=15.0))
    ticket = rig.tickets.create(album_request(), ALICE)
    out = acquisition.acquire(StageMessage(Stage.ACQUIRE, ticket.ticket_id, "tok"))
    assert out == {"outcome": "needs_approval"}
    events = {e.event_type: e.data for e in rig.audit_log.events if e.ticket_id == ticket.ticket_id}
    planned = events[E.MATCHING_STARTED]
    assert planned["llm_variations"] == 1 and "Radiohead OKComputer" in planned["queries"]
    tokens = planned["llm"]["prompt_tokens"]
    assert planned["llm"] == {"provider": "fake", "model": "fake-1", "calls": 1,
                              "prompt_tokens": tokens, "completion_tokens": 20,
                              "latency_ms": 5,
                              "cost_usd": round((tokens * 3.0 + 20 * 15.0) / 1e6, 6)}
    matched = events[E.MATCHING_COMPLETED]["llm"]
    assert (matched["provider"], matched["model"]) == ("fake", "fake-1")
    assert matched["calls"] >= 1
    assert matched["cost_usd"] > 0
    asked = events[E.APPROVAL_REQUESTED]
    assert asked["candidate"] == VAGUE and asked["threshold"] == 0.85
    assert asked["confidence"] < 0.85 and asked["candidates"] == 1
    order = [e.event_type for e in rig.audit_log.events if e.ticket_id == ticket.ticket_id]
    assert order.index(E.APPROVAL_REQUESTED) < len(order) - 1  # before the state change


def test_dumb_only_matching_audits_no_llm(rig: Rig) -> None:
    ticket = rig.tickets.create(album_request(), ALICE)
    acquire(rig, FakeCandidateSource([offer(GOOD)], dict(FILES)), ticket)
    events = {e.event_type: e.data for e in rig.audit_log.events if e.ticket_id == ticket.ticket_id}
    assert events[E.MATCHING_COMPLETED]["llm"] is None
    assert "llm" not in events[E.MATCHING_STARTED]
