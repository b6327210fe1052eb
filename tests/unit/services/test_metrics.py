"""Metrics read from the audit trail, on in-memory ports: each audited fact is measured."""

from __future__ import annotations

from chalicelib.domain.audit import AuditEventType as E
from chalicelib.domain.states import TicketState as S
from chalicelib.services.audit import AuditRecorder
from chalicelib.services.flow_state import FlowState
from chalicelib.services.metrics import MeteredAuditLog, measure
from chalicelib.services.tickets import TicketService
from tests.support.fakes import (
    ALICE,
    FakeClock,
    InMemoryAuditLog,
    InMemoryTicketStore,
    RecordingEvents,
    RecordingMetrics,
    album_request,
)


def test_a_ticket_through_acquisition_is_measured() -> None:
    clock = FakeClock(tick_secs=1)
    metrics = RecordingMetrics()
    log = InMemoryAuditLog()
    recorder = AuditRecorder(MeteredAuditLog(log, metrics), clock)
    store = InMemoryTicketStore()
    ticket = TicketService(store, recorder, clock, ["/media"]).create(album_request(), ALICE)
    flow = FlowState(store, recorder, RecordingEvents(), clock, actor="acquisition")
    flow.enter(ticket.ticket_id, S.ACQUIRING, "searching")
    clock.advance(30)
    flow.enter(ticket.ticket_id, S.AUTO_APPROVED, "sure")
    assert metrics.named("TicketsCreated") == [(1, {})]
    assert [d for _, d in metrics.named("StateTransitions")] == [
        {"from": "pending", "to": "acquiring"}, {"from": "acquiring", "to": "auto_approved"}]
    stage, dims = metrics.named("StageDuration")[-1]
    assert dims == {"stage": "acquiring"} and 30 <= stage <= 32
    assert metrics.named("AcquisitionOutcome") == [(1, {"outcome": "auto_approved"})]
    assert metrics.named("AutoApproved") == [(1.0, {})]
    assert len(log.events) == 3  # the audit trail itself is unchanged


def test_searches_matches_and_llm_usage_are_measured() -> None:
    clock = FakeClock()
    metrics = RecordingMetrics()
    recorder = AuditRecorder(InMemoryAuditLog(), clock)
    search = recorder.record(E.SEARCH_EXECUTED, "t", indexers=[
        {"indexer": "jackett", "duration_ms": 120, "cached": False, "error": None},
        {"indexer": "slow", "duration_ms": 5000, "cached": False,
         "error": {"kind": "timeout", "message": "timed out"}},
        {"indexer": "cached", "duration_ms": 0, "cached": True, "error": None}])
    measure(search, metrics)
    assert metrics.named("SearchLatency") == [(120.0, {"indexer": "jackett"})]
    assert metrics.named("SearchErrors") == [(1, {"indexer": "slow"})]
    match = recorder.record(E.MATCHING_COMPLETED, "t", method="llm", confidence=0.9, llm={
        "provider": "anthropic", "model": "claude", "calls": 2, "prompt_tokens": 100,
        "completion_tokens": 20, "cost_usd": 0.0012})
    measure(match, metrics)
    assert metrics.named("MatchConfidence") == [(0.9, {"method": "llm"})]
    dims = {"provider": "anthropic", "model": "claude"}
    assert metrics.named("LlmCalls") == [(2.0, dims)]
    assert metrics.named("LlmTokens") == [(120.0, dims)]
    assert metrics.named("LlmCostUsd") == [(0.0012, dims)]


def test_a_failing_metrics_sink_never_loses_the_audit_event() -> None:
    class Broken(RecordingMetrics):
        def emit(self, *args: object, **kwargs: object) -> None:
            raise RuntimeError("sink down")

    log = InMemoryAuditLog()
    recorder = AuditRecorder(MeteredAuditLog(log, Broken()), FakeClock())
    TicketService(InMemoryTicketStore(), recorder, FakeClock(), ["/media"]).create(
        album_request(), ALICE)
    assert len(log.events) == 1
