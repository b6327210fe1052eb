from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

from chalicelib.domain.agents import (
    AgentBeat,
    agent_queue_name,
    agents_holding,
    download_claim,
    owner_of,
)
from chalicelib.domain.stage_protocol import WorkOrder
from chalicelib.domain.states import TicketState
from chalicelib.domain.ticket import Ticket
from chalicelib.domain.validation import parse_ticket_request
from chalicelib.services.health import HealthService
from tests.support.fakes import album_request

NOW = datetime(2026, 11, 29, 12, 0, tzinfo=UTC)


def test_only_convert_and_place_belong_to_the_downloading_agent() -> None:
    results = {"download": {"agent_id": "host-a", "files": []}}
    assert owner_of("convert", results) == "host-a"
    assert owner_of("place", results) == "host-a"
    assert owner_of("download", results) is None
    assert owner_of("convert", {}) is None
    assert owner_of("convert", {"download": {"agent_id": ""}}) is None


def test_a_download_over_kept_files_belongs_to_the_agent_keeping_them() -> None:
    assert owner_of("download", {}, "host-b") == "host-b"
    assert owner_of("download", {}, "") is None
    assert owner_of("download", {}, None) is None
    # The work order's keeper decides only the download; later stages follow its result.
    results = {"download": {"agent_id": "host-b", "files": []}}
    assert owner_of("convert", results, "host-a") == "host-b"
    assert owner_of("acquire", {}, "host-b") is None


def test_a_beat_survives_its_stored_form_and_knows_when_it_is_gone() -> None:
    beat = AgentBeat("host-a", "0.1.0", NOW - timedelta(seconds=100), {"/data": 5},
                     "network interface wg0 is down; nothing downloads until it is up", 2)
    assert AgentBeat.from_dict(beat.to_dict()) == beat
    assert not beat.is_gone(NOW, 100.0) and beat.is_gone(NOW, 99.0)


class Registry:
    def __init__(self, *beats: AgentBeat) -> None:
        self.beats = list(beats)

    def beat(self, beat: AgentBeat) -> None:
        self.beats.append(beat)

    def get(self, agent_id: str) -> AgentBeat | None:
        return next((b for b in self.beats if b.agent_id == agent_id), None)

    def agents(self) -> list[AgentBeat]:
        return self.beats


class Clock:
    def now(self) -> datetime:
        return NOW


def test_health_lists_every_agent_with_its_silence() -> None:
    health = HealthService([], agents=Registry(AgentBeat("a", "0.1.0", NOW - timedelta(seconds=5)),
                                               AgentBeat("b", "0.1.0", NOW - timedelta(hours=1))),
                           clock=Clock(), agent_gone_secs=900.0)
    report = health.report()
    assert report["status"] == "ok"  # a gone agent does not degrade the service
    assert [(a["agent_id"], a["age_secs"], a["gone"]) for a in report["agents"].values()] == [
        ("a", 5.0, False), ("b", 3600.0, True)]


def _ticket(state: TicketState, payload: dict[str, object],
            keeper: str | None = None) -> Ticket:
    request = parse_ticket_request(album_request(), ["/media"])
    ticket = Ticket.new("t1", request, "alice", NOW)
    work = WorkOrder("t1", 100, (), agent_id=keeper)
    return replace(ticket, state=state, state_payload=payload, work_order=work)


def test_a_started_download_belongs_to_its_agent_for_that_attempt_only() -> None:
    downloading = _ticket(TicketState.DOWNLOADING, {"agent_id": "host-a", "progress_pct": 3})
    assert download_claim(downloading) == "host-a"
    assert owner_of("download", {}, None, download_claim(downloading)) == "host-a"
    assert owner_of("download", {}, "host-b", "host-a") == "host-b"  # kept files decide
    # A retry replaces the payload: the next attempt may download anywhere.
    assert download_claim(_ticket(TicketState.DOWNLOADING, {"retry_count": 1})) is None
    assert download_claim(_ticket(TicketState.CONVERTING, {"agent_id": "host-a"})) is None


def test_a_cancel_goes_to_the_agents_a_ticket_names() -> None:
    assert agents_holding(_ticket(TicketState.CONVERTING, {"agent_id": "host-a"},
                                  keeper="host-b")) == ["host-a", "host-b"]
    assert agents_holding(_ticket(TicketState.AUTO_APPROVED, {})) == []
    assert agent_queue_name("qt", "media/1 x", "control") == "qt-agent-media_1_x-control"
