"""Operational metrics derived from the audit trail: every audited fact is also a measurement.

The audit log already receives each decision with its figures (a search's per-indexer
latency, a match's confidence and LLM usage, a state change with the time spent in the state
it left), so the metrics are read from the events as they are recorded rather than sprinkled
over the use cases. `MeteredAuditLog` wraps any AuditLog; the Metrics port decides where the
numbers go (CloudWatch EMF in Lambda and in the local log).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import Any

from chalicelib.domain.audit import AuditEvent, AuditEventType
from chalicelib.ports import AuditLog, Metrics, Page

# The acquisition stage's outcomes: the state a ticket enters when the search has decided.
ACQUISITION_OUTCOMES = ("auto_approved", "needs_approval", "acquisition_failed",
                        "dry_run_complete")
# Metric names, as documented in the README (section "Metrics").
TICKETS_CREATED = "TicketsCreated"
STATE_TRANSITIONS = "StateTransitions"
STAGE_DURATION = "StageDuration"
ACQUISITION_OUTCOME = "AcquisitionOutcome"
AUTO_APPROVED = "AutoApproved"
MATCH_CONFIDENCE = "MatchConfidence"
SEARCH_LATENCY = "SearchLatency"
SEARCH_ERRORS = "SearchErrors"
LLM_CALLS = "LlmCalls"
LLM_TOKENS = "LlmTokens"
LLM_COST = "LlmCostUsd"
# The agent's (exposed on its Prometheus /metrics).
CONVERSION_DURATION = "ConversionDuration"
PLACEMENT_FAILURES = "PlacementFailures"
STALLED_DOWNLOADS = "StalledDownloads"
DOWNLOADS_COMPLETED = "DownloadsCompleted"
QUEUE_LAG = "QueueLag"


class NoMetrics:
    """Measurements nobody reads (tests, tools)."""

    def emit(self, name: str, value: float, unit: str = "Count",
             dimensions: dict[str, str] | None = None) -> None:
        return None


class MeteredAuditLog:
    """An AuditLog that also turns each recorded event into metrics."""

    def __init__(self, log: AuditLog, metrics: Metrics) -> None:
        self._log = log
        self._metrics = metrics

    def record(self, event: AuditEvent) -> None:
        self._log.record(event)
        try:
            measure(event, self._metrics)
        except Exception:  # a metric never costs the audited action
            return

    def query(self, *, ticket_id: str | None, event_type: AuditEventType | None,
              start: datetime | None, end: datetime | None, limit: int, cursor: str | None,
              newest_first: bool = True) -> Page[AuditEvent]:
        return self._log.query(ticket_id=ticket_id, event_type=event_type, start=start,
                               end=end, limit=limit, cursor=cursor, newest_first=newest_first)

    def iterate(self, *, start: datetime | None = None,
                end: datetime | None = None) -> Iterator[AuditEvent]:
        return self._log.iterate(start=start, end=end)


def measure(event: AuditEvent, metrics: Metrics) -> None:
    """Emit the metrics one audit event stands for (most events stand for none)."""
    data = event.data
    kind = event.event_type
    if kind is AuditEventType.TICKET_CREATED:
        metrics.emit(TICKETS_CREATED, 1)
    elif kind is AuditEventType.TICKET_STATE_CHANGED:
        _state_change(data, metrics)
    elif kind is AuditEventType.SEARCH_EXECUTED:
        for report in data.get("indexers") or []:
            dims = {"indexer": str(report.get("indexer"))}
            if report.get("error"):
                metrics.emit(SEARCH_ERRORS, 1, "Count", dims)
            elif not report.get("cached"):
                metrics.emit(SEARCH_LATENCY, float(report.get("duration_ms") or 0),
                             "Milliseconds", dims)
    elif kind is AuditEventType.MATCHING_COMPLETED:
        if data.get("confidence") is not None:
            metrics.emit(MATCH_CONFIDENCE, float(data["confidence"]), "None",
                         {"method": str(data.get("method"))})
        _llm(data.get("llm"), metrics)
    elif kind is AuditEventType.MATCHING_STARTED:
        _llm(data.get("llm"), metrics)
    elif kind is AuditEventType.CONVERSION_COMPLETED and data.get("elapsed_secs") is not None:
        metrics.emit(CONVERSION_DURATION, float(data["elapsed_secs"]), "Seconds",
                     {"format": str(data.get("format"))})
    elif kind is AuditEventType.PLACEMENT_FAILED:
        metrics.emit(PLACEMENT_FAILURES, 1)
    elif kind is AuditEventType.DOWNLOAD_FAILED and "stalled" in str(data.get("reason")):
        metrics.emit(STALLED_DOWNLOADS, 1)
    elif kind is AuditEventType.DOWNLOAD_COMPLETED:
        metrics.emit(DOWNLOADS_COMPLETED, 1)


def _state_change(data: dict[str, Any], metrics: Metrics) -> None:
    source, target = str(data.get("from_state")), str(data.get("to_state"))
    metrics.emit(STATE_TRANSITIONS, 1, "Count", {"from": source, "to": target})
    if data.get("secs_in_state") is not None:
        metrics.emit(STAGE_DURATION, float(data["secs_in_state"]), "Seconds", {"stage": source})
    if target in ACQUISITION_OUTCOMES:
        metrics.emit(ACQUISITION_OUTCOME, 1, "Count", {"outcome": target})
    if target in ("auto_approved", "needs_approval"):
        # Averaged over a period this is the auto-approve ratio.
        metrics.emit(AUTO_APPROVED, 1.0 if target == "auto_approved" else 0.0, "None")


def _llm(usage: Any, metrics: Metrics) -> None:
    """LLM calls, tokens and cost, one set per provider/model (as audited by the matcher)."""
    if not isinstance(usage, dict):
        return
    if not usage.get("calls"):
        return
    dims = {"provider": str(usage.get("provider")), "model": str(usage.get("model"))}
    metrics.emit(LLM_CALLS, float(usage["calls"]), "Count", dims)
    tokens = float(usage.get("prompt_tokens") or 0) + float(usage.get("completion_tokens") or 0)
    metrics.emit(LLM_TOKENS, tokens, "Count", dims)
    metrics.emit(LLM_COST, float(usage.get("cost_usd") or 0), "None", dims)
