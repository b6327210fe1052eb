"""What a Completed ticket reports about its run (pure): bytes downloaded, time per stage,
files, the source release and a conversion summary."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from datetime import datetime
from itertools import pairwise
from typing import Any

from chalicelib.domain.stage_protocol import WorkOrder
from chalicelib.domain.ticket import Ticket


def secs_per_stage(ticket: Ticket, now: datetime) -> dict[str, float]:
    """Seconds spent in each state so far (summed when a state was entered again)."""
    spent: dict[str, float] = defaultdict(float)
    history = ticket.history
    for entered, left in pairwise(history):
        spent[entered.to_state.value] += (left.at - entered.at).total_seconds()
    if history:
        spent[history[-1].to_state.value] += (now - history[-1].at).total_seconds()
    return {state: round(secs, 3) for state, secs in spent.items()}


def completion_stats(ticket: Ticket, work: WorkOrder | None, results: Mapping[str, Any],
                     placed: Sequence[Mapping[str, Any]], bytes_downloaded: int,
                     now: datetime) -> dict[str, Any]:
    """The `stats` of a Completed ticket's payload."""
    outputs = (results.get("convert") or {}).get("outputs") or []
    candidate = work.candidate if work is not None else None
    source: dict[str, Any]
    if candidate is not None:
        source = {"title": candidate.title, "info_hash": candidate.info_hash,
                  "indexer": candidate.indexer, "size": candidate.size}
    else:
        source = {"local_dir": work.source_dir if work is not None else None}
    return {
        "bytes_downloaded": bytes_downloaded,
        "secs_per_stage": secs_per_stage(ticket, now),
        "total_secs": round((now - ticket.created_at).total_seconds(), 3),
        "files": len(placed),
        "bytes_placed": sum(int(f.get("size") or 0) for f in placed),
        "source": source,
        "conversion": {
            "format": (work.constraints.get("format") if work is not None else None),
            "files": len(outputs),
            "output_bytes": sum(int(o.get("size") or 0) for o in outputs
                                if isinstance(o, Mapping)),
        },
    }
