"""Processing rates over a time window, read from the audit trail's state changes.

Every state change is audited with the time spent in the state it left (`secs_in_state`),
so the window's events give: tickets ending per hour by outcome (the terminal state they
reached), the median time per stage, and the success ratio (completed among the tickets
that ended, cancellations and dry runs left out: nobody wanted those files).
"""

from __future__ import annotations

import re
import statistics
from collections import Counter, defaultdict
from datetime import datetime, timedelta
from typing import Any

from chalicelib.domain.audit import AuditEventType
from chalicelib.domain.errors import FieldError, ValidationError
from chalicelib.domain.states import TERMINAL_STATES, TicketState
from chalicelib.ports import AuditLog, Clock

DEFAULT_WINDOW = "24h"
MAX_WINDOW = timedelta(days=31)
_UNITS = {"m": 60, "h": 3600, "d": 86400}
# Outcomes that count for or against success (cancelled and dry runs count for neither).
SUCCESS = TicketState.COMPLETED.value
FAILURES = frozenset({TicketState.FAILED.value, TicketState.ACQUISITION_FAILED.value,
                      TicketState.REJECTED.value})


def parse_window(raw: str | None) -> timedelta:
    """"90m", "24h", "7d" (at most 31 days); ValidationError naming `window` otherwise."""
    text = (raw or DEFAULT_WINDOW).strip().lower()
    match = re.fullmatch(r"(\d+)([mhd])", text)
    if not match or int(match[1]) == 0:
        raise ValidationError(FieldError("window", "must be a number and m, h or d, e.g. 24h"))
    if len(match[1].lstrip("0")) > 6:  # 31 days is 44,640 minutes; more digits overflow timedelta
        raise ValidationError(FieldError("window", "must be at most 31d"))
    window = timedelta(seconds=int(match[1]) * _UNITS[match[2]])
    if window > MAX_WINDOW:
        raise ValidationError(FieldError("window", "must be at most 31d"))
    return window


class ProcessingStats:
    def __init__(self, audit: AuditLog, clock: Clock) -> None:
        self._audit = audit
        self._clock = clock

    def report(self, window: timedelta) -> dict[str, Any]:
        end = self._clock.now()
        start = end - window
        outcomes: Counter[str] = Counter()
        hourly: dict[datetime, Counter[str]] = defaultdict(Counter)
        stage_secs: dict[str, list[float]] = defaultdict(list)
        for event in self._audit.iterate(start=start, end=end):
            if event.event_type is not AuditEventType.TICKET_STATE_CHANGED:
                continue
            data = event.data
            if data.get("secs_in_state") is not None and data.get("from_state"):
                stage_secs[str(data["from_state"])].append(float(data["secs_in_state"]))
            target = str(data.get("to_state"))
            if target in {s.value for s in TERMINAL_STATES}:
                outcomes[target] += 1
                hourly[event.at.replace(minute=0, second=0, microsecond=0)][target] += 1
        hours = max(window.total_seconds() / 3600, 1e-9)
        decided = outcomes[SUCCESS] + sum(outcomes[f] for f in FAILURES)
        first_hour = start.replace(minute=0, second=0, microsecond=0)
        buckets = []
        at = first_hour
        while at <= end:
            buckets.append({"hour": at.isoformat(), "outcomes": dict(hourly.get(at, {}))})
            at += timedelta(hours=1)
        return {
            "window_secs": int(window.total_seconds()),
            "since": start.isoformat(),
            "until": end.isoformat(),
            "outcomes": dict(outcomes),
            "tickets_per_hour": {k: round(v / hours, 3) for k, v in outcomes.items()},
            "hourly": buckets,
            "median_secs_by_stage": {stage: round(statistics.median(values), 3)
                                     for stage, values in sorted(stage_secs.items())},
            "success_ratio": round(outcomes[SUCCESS] / decided, 4) if decided else None,
        }
