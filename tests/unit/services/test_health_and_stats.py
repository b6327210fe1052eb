"""Health (status, latency, agents by heartbeat) and processing stats over a window."""

from __future__ import annotations

from datetime import timedelta

import pytest

from chalicelib.domain.agents import AgentBeat
from chalicelib.domain.audit import AuditEventType as E
from chalicelib.domain.errors import ValidationError
from chalicelib.services.audit import AuditRecorder
from chalicelib.services.health import Check, HealthService
from chalicelib.services.stats import ProcessingStats, parse_window
from tests.support.fakes import FakeClock, InMemoryAuditLog


class Beats:
    def __init__(self, clock: FakeClock) -> None:
        self.beats = [AgentBeat("nas", "0.1.0", clock.now() - timedelta(seconds=10)),
                      AgentBeat("old-box", "0.1.0", clock.now() - timedelta(hours=1))]

    def beat(self, beat: AgentBeat) -> None:
        self.beats.append(beat)

    def get(self, agent_id: str) -> AgentBeat | None:
        return next((b for b in self.beats if b.agent_id == agent_id), None)

    def agents(self) -> list[AgentBeat]:
        return list(self.beats)


def test_health_gives_each_check_a_status_and_latency_and_each_agent_its_age() -> None:
    clock = FakeClock()

    def down() -> None:
        raise ConnectionError("refused")

    health = HealthService([Check("dynamodb", lambda: {"table": "t"}), Check("sqs", down)],
                           agents=Beats(clock), clock=clock)
    report = health.report()
    assert report["status"] == "degraded"
    assert report["checks"]["dynamodb"]["status"] == "ok"
    assert report["checks"]["dynamodb"]["table"] == "t"
    assert report["checks"]["sqs"] == {"ok": False, "status": "down",
                                       "latency_ms": report["checks"]["sqs"]["latency_ms"],
                                       "error": "ConnectionError: refused"}
    assert report["agents"]["nas"]["status"] == "ok"
    assert report["agents"]["nas"]["age_secs"] == 10
    assert report["agents"]["old-box"]["status"] == "down"


def test_health_without_heartbeats_lists_no_agent() -> None:
    assert HealthService([Check("x", lambda: None)]).report() == {
        "status": "ok", "agents": {},
        "checks": {"x": {"ok": True, "status": "ok",
                         "latency_ms": pytest.approx(0, abs=50)}}}


@pytest.mark.parametrize(("raw", "secs"), [(None, 86400), ("90m", 5400), ("7d", 604800)])
def test_windows(raw: str | None, secs: int) -> None:
    assert parse_window(raw).total_seconds() == secs


@pytest.mark.parametrize("raw", ["0h", "24", "1w", "32d", "-1h"])
def test_bad_windows_name_the_parameter(raw: str) -> None:
    with pytest.raises(ValidationError) as caught:
        parse_window(raw)
    assert caught.value.errors[0].field == "window"


def test_stats_count_outcomes_per_hour_median_stage_times_and_success() -> None:
    clock = FakeClock()
    log = InMemoryAuditLog()
    recorder = AuditRecorder(log, clock)

    def change(ticket: str, source: str, target: str, secs: float) -> None:
        recorder.record(E.TICKET_STATE_CHANGED, "flow", ticket, from_state=source,
                        to_state=target, secs_in_state=secs)

    clock.advance(-3 * 3600)  # three hours ago: outside a 2h window
    change("old", "placing", "completed", 1)
    clock.advance(2.5 * 3600)
    change("a", "acquiring", "auto_approved", 10)
    change("a", "downloading", "converting", 100)
    change("a", "placing", "completed", 5)
    change("b", "acquiring", "acquisition_failed", 30)
    change("c", "pending", "cancelled", 2)
    clock.advance(0.5 * 3600)
    change("d", "acquiring", "needs_approval", 20)
    report = ProcessingStats(log, clock).report(timedelta(hours=2))
    assert report["outcomes"] == {"completed": 1, "acquisition_failed": 1, "cancelled": 1}
    assert report["tickets_per_hour"] == {"completed": 0.5, "acquisition_failed": 0.5,
                                          "cancelled": 0.5}
    assert report["median_secs_by_stage"] == {"acquiring": 20, "downloading": 100,
                                              "pending": 2, "placing": 5}
    assert report["success_ratio"] == 0.5
    assert sum(sum(h["outcomes"].values()) for h in report["hourly"]) == 3
    assert len(report["hourly"]) in (2, 3)
