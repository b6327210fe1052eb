"""Health: ask each dependency whether it answers, and how fast."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from chalicelib.ports import AgentRegistry, Clock, HealthProbe


@dataclass(frozen=True)
class Check:
    """A probe made of a function (an indexer's back-off state, for instance)."""

    name: str
    probe: Callable[[], Any]

    def check(self) -> Any:
        return self.probe()


class HealthService:
    def __init__(self, probes: Iterable[HealthProbe]) -> None:
        self._probes = list(probes)

    def add(self, probe: HealthProbe) -> None:
        self._probes.append(probe)

    def report(self) -> dict[str, Any]:
        """Each dependency's status; `status` is "ok" only when every one answered."""
        results: dict[str, Any] = {}
        for probe in self._probes:
            started = time.perf_counter()
            try:
                detail = probe.check()
                ok = True
                error = None
            except Exception as e:  # any failure of a dependency is reported, not raised
                detail = None
                ok = False
                error = f"{type(e).__name__}: {e}"[:300]
            entry: dict[str, Any] = {
                "ok": ok,
                "latency_ms": round((time.perf_counter() - started) * 1000, 1),
            }
            if error:
                entry["error"] = error
            if isinstance(detail, dict):
                entry.update(detail)
            results[probe.name] = entry
        healthy = all(r["ok"] for r in results.values())
        return {"status": "ok" if healthy else "degraded", "checks": results}


def agents_report(registry: AgentRegistry, clock: Clock, gone_after_secs: float
                  ) -> dict[str, Any]:
    """The agents (media hosts) and whether each is still heard of; never fails the check
    for a gone agent (that is the tickets' business), only for an unreadable registry."""
    now = clock.now()
    return {"agents": [{**beat.to_dict(),
                        "silent_secs": round(beat.silent_for(now).total_seconds(), 1),
                        "gone": beat.is_gone(now, gone_after_secs)}
                       for beat in registry.agents()]}
