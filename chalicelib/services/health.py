"""Health: ask each dependency whether it answers, and how fast; agents by their heartbeat."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from chalicelib.domain.agents import AgentBeat
from chalicelib.ports import AgentRegistry, Clock, HealthProbe

# An agent reports itself every [agent] status_interval_secs; silent this long, it is gone.
AGENT_GONE_SECS = 900.0


@dataclass(frozen=True)
class Check:
    """A probe made of a function (an indexer's back-off state, for instance)."""

    name: str
    probe: Callable[[], Any]

    def check(self) -> Any:
        return self.probe()


class HealthService:
    def __init__(self, probes: Iterable[HealthProbe], *, agents: AgentRegistry | None = None,
                 clock: Clock | None = None, agent_gone_secs: float = AGENT_GONE_SECS
                 ) -> None:
        self._probes = list(probes)
        self._agents = agents
        self._clock = clock
        self._gone = agent_gone_secs

    def add(self, probe: HealthProbe) -> None:
        self._probes.append(probe)

    def report(self) -> dict[str, Any]:
        """Each dependency's status; `status` is "ok" only when every one answered.

        Agents are listed with the age of their last heartbeat; a silent agent is shown as
        "down" but does not make the service degraded (the flow retries its work).
        """
        results = {probe.name: _run(probe) for probe in self._probes}
        healthy = all(r["ok"] for r in results.values())
        return {"status": "ok" if healthy else "degraded", "checks": results,
                "agents": self._agent_report()}

    def _agent_report(self) -> dict[str, Any]:
        if self._agents is None:
            return {}
        try:
            beats = self._agents.agents()
        except Exception as e:  # the heartbeat store is a dependency like any other
            return {"_error": {"ok": False, "status": "unknown", "error": str(e)[:300]}}
        now = self._clock.now() if self._clock is not None else None
        return {beat.agent_id: agent_entry(beat, now, self._gone)
                for beat in sorted(beats, key=lambda b: b.agent_id)}


def agent_entry(beat: AgentBeat, now: datetime | None, gone_after_secs: float
                ) -> dict[str, Any]:
    """One agent as /health lists it: what it last said, and whether it is still heard of
    (a gone agent never degrades the service: its tickets' later stages fail retryably)."""
    age = beat.silent_for(now).total_seconds() if now is not None else None
    gone = age is None or age > gone_after_secs
    return {**beat.to_dict(), "ok": not gone, "status": "down" if gone else "ok", "gone": gone,
            "last_heartbeat": beat.seen_at.isoformat(),
            "age_secs": None if age is None else round(age, 1)}


def _run(probe: HealthProbe) -> dict[str, Any]:
    started = time.perf_counter()
    try:
        detail = probe.check()
        error = None
    except Exception as e:  # any failure of a dependency is reported, not raised
        detail = None
        error = f"{type(e).__name__}: {e}"[:300]
    entry: dict[str, Any] = {
        "ok": error is None,
        "status": "ok" if error is None else "down",
        "latency_ms": round((time.perf_counter() - started) * 1000, 1),
    }
    if error:
        entry["error"] = error
    if isinstance(detail, dict):  # the probe's detail never overrides the verdict
        entry = {**detail, **entry}
    return entry
