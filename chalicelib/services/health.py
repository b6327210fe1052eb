"""Health: ask each dependency whether it answers, and how fast; agents by their heartbeat."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from chalicelib.ports import AgentHeartbeats, Clock, HealthProbe

# An agent heartbeats every few seconds while it runs; silent this long, it is reported down.
AGENT_STALE_SECS = 120.0


@dataclass(frozen=True)
class Check:
    """A probe made of a function (an indexer's back-off state, for instance)."""

    name: str
    probe: Callable[[], Any]

    def check(self) -> Any:
        return self.probe()


class NoAgentHeartbeats:
    """No agent reports heartbeats (until the agents' heartbeat store is wired)."""

    def last_heartbeats(self) -> dict[str, Any]:
        return {}


class HealthService:
    def __init__(self, probes: Iterable[HealthProbe], *, agents: AgentHeartbeats | None = None,
                 clock: Clock | None = None, agent_stale_secs: float = AGENT_STALE_SECS
                 ) -> None:
        self._probes = list(probes)
        self._agents = agents or NoAgentHeartbeats()
        self._clock = clock
        self._stale = agent_stale_secs

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
        try:
            beats = self._agents.last_heartbeats()
        except Exception as e:  # the heartbeat store is a dependency like any other
            return {"_error": {"ok": False, "status": "unknown", "error": str(e)[:300]}}
        now = self._clock.now() if self._clock is not None else None
        report: dict[str, Any] = {}
        for agent, at in sorted(beats.items()):
            age = (now - at).total_seconds() if now is not None else None
            ok = age is not None and age <= self._stale
            report[agent] = {"ok": ok, "status": "ok" if ok else "down",
                             "last_heartbeat": at.isoformat(),
                             "age_secs": None if age is None else round(age, 1)}
        return report


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
