"""Health: ask each dependency whether it answers, and how fast."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Check:
    name: str
    probe: Callable[[], Any]


class HealthService:
    def __init__(self, checks: list[Check]) -> None:
        self._checks = checks

    def add(self, check: Check) -> None:
        self._checks.append(check)

    def report(self) -> dict[str, Any]:
        """Each dependency's status; `status` is "ok" only when every one answered."""
        results: dict[str, Any] = {}
        for check in self._checks:
            started = time.perf_counter()
            try:
                detail = check.probe()
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
            results[check.name] = entry
        healthy = all(r["ok"] for r in results.values())
        return {"status": "ok" if healthy else "degraded", "checks": results}
