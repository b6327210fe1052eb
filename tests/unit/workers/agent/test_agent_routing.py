"""Where a stage message runs: here, at its owner's queue, or waiting for a silent owner."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from chalicelib.domain.agents import AgentBeat
from chalicelib.domain.stage_protocol import Stage, StageMessage, WorkOrder
from workers.agent.routing import FORWARD, RUN, WAIT, Route, StageRouter
from workers.agent.task import StageTask

NOW = datetime(2026, 11, 29, 12, 0, tzinfo=UTC)


class Registry:
    def __init__(self, **silent_secs: float) -> None:
        self.beats = {a: AgentBeat(a, "0.1.0", NOW - timedelta(seconds=s))
                      for a, s in silent_secs.items()}

    def beat(self, beat: AgentBeat) -> None:
        self.beats[beat.agent_id] = beat

    def get(self, agent_id: str) -> AgentBeat | None:
        return self.beats.get(agent_id)

    def agents(self) -> list[AgentBeat]:
        return list(self.beats.values())


def download(claimed_by: str | None, keeper: str | None = None) -> tuple[StageTask, dict[str, str]]:
    work = WorkOrder("t1", 100, (), agent_id=keeper)
    claims = {"t1": claimed_by} if claimed_by else {}
    return StageTask(StageMessage(Stage.DOWNLOAD, "t1", "tok", work=work), "q", "r"), claims


def route(registry: Registry, task: StageTask, claims: dict[str, str]) -> Route:
    router = StageRouter("host-b", registry, 60.0, lambda: NOW, claim_of=claims.get,
                         status_interval_secs=1.0)
    return router.route(task)


def test_a_download_goes_to_the_agent_that_started_it_while_it_reports() -> None:
    assert route(Registry(**{"host-a": 1}), *download("host-a")) == Route(FORWARD, "host-a")
    assert route(Registry(), *download(None)) == Route(RUN)
    assert route(Registry(**{"host-a": 1}), *download("host-b")) == Route(RUN)


def test_a_silent_owner_is_waited_for_and_a_gone_one_fails_here() -> None:
    # Silent past three status intervals: not forwarded into a queue nobody may read.
    assert route(Registry(**{"host-a": 10}), *download("host-a")) == Route(WAIT, "host-a")
    # Gone (silent past gone_after_secs), or never heard of: run here, where it fails.
    assert route(Registry(**{"host-a": 61}), *download("host-a")) == Route(RUN, "host-a")
    assert route(Registry(), *download("host-a")) == Route(RUN, "host-a")


def test_kept_files_decide_before_a_claim() -> None:
    registry = Registry(**{"host-a": 1, "host-c": 1})
    assert route(registry, *download("host-a", keeper="host-c")) == Route(FORWARD, "host-c")
