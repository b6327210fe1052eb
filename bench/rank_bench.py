"""How often TextBrain ranks the right release first, and whether it auto-approves wrongly.

Run: `.venv/bin/python -m bench.rank_bench [--data FILE] [--verbose]`.
The tickets (bench/data/rank_tickets.jsonl, built by bench.rank_cases) are music albums and
tracks, movies, single episodes and season packs, each with near misses in real release
styles. Every line goes through the same path as `python -m chalicelib.textbrain rank`.
Each ticket is ranked twice: with every candidate, and with the near misses alone (the right
release is often not on the indexers, and then nothing may be approved on its own).
Prints a table per kind, the misses, and last one JSON summary line.
Targets: right release first in >= 95 % of tickets, zero wrong auto-approvals in both runs.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

from chalicelib.textbrain.brain import BrainMode, TextBrain
from chalicelib.textbrain.ranking import rank_answer, read_rank_input

DATA = Path(__file__).resolve().parent / "data" / "rank_tickets.jsonl"
TARGET_RIGHT_FIRST = 0.95


def _load(path: Path) -> list[dict[str, Any]]:
    with path.open(encoding="utf-8") as lines:
        return [json.loads(line) for line in lines if line.strip()]


def _judge(row: dict[str, Any], answer: dict[str, Any]) -> dict[str, Any]:
    expected = row["expected"]
    fine = {expected, *row["acceptable"]}
    recommended = answer["recommended"]
    first = answer["ranking"][0] if answer["ranking"] else None
    return {
        "right_first": first == expected,
        "right_auto": answer["auto_approve"] and recommended == expected,
        "wrong_auto": answer["auto_approve"] and recommended not in fine,
        "first_label": row["labels"][first] if first is not None else None,
        "auto_label": row["labels"][recommended] if answer["auto_approve"] else None,
    }


def _without_right(row: dict[str, Any]) -> dict[str, Any]:
    """The row's near misses alone."""
    keep = [i for i, label in enumerate(row["labels"]) if label.startswith("wrong")]
    return {**row, "candidates": [row["candidates"][i] for i in keep],
            "labels": [row["labels"][i] for i in keep], "expected": -1, "acceptable": []}


def main(argv: list[str] | None = None) -> int:
    options = argparse.ArgumentParser(description=__doc__)
    options.add_argument("--data", type=Path, default=DATA)
    options.add_argument("--verbose", action="store_true", help="print every miss's scores")
    options.add_argument("--without-durations", action="store_true",
                         help="drop every expected duration (a ticket without catalog data)")
    arguments = options.parse_args(argv)
    rows = _load(arguments.data)
    if arguments.without_durations:
        rows = [_without_durations(row) for row in rows]
    brain = TextBrain(BrainMode.DUMB_ONLY)
    by_kind: dict[str, Counter[str]] = defaultdict(Counter)
    misses: list[str] = []
    wrong_first: Counter[str] = Counter()
    started = time.perf_counter()
    for row in rows:
        ranked = read_rank_input({"ticket": row["ticket"], "candidates": row["candidates"]})
        decision = brain.decide(ranked.request, ranked.candidates, ranked.files_by_hash)
        answer = rank_answer(decision, len(ranked.candidates))
        verdict = _judge(row, answer)
        counts = by_kind[row["kind"]]
        counts["tickets"] += 1
        for key in ("right_first", "right_auto", "wrong_auto"):
            counts[key] += bool(verdict[key])
        alone = _without_right(row)
        ranked_alone = read_rank_input({"ticket": alone["ticket"],
                                        "candidates": alone["candidates"]})
        decision_alone = brain.decide(ranked_alone.request, ranked_alone.candidates,
                                      ranked_alone.files_by_hash)
        if decision_alone.auto_approve:
            counts["wrong_auto_alone"] += 1
            answer_alone = rank_answer(decision_alone, len(ranked_alone.candidates))
            misses.append(f"  {row['id']} (near misses alone): AUTO-APPROVED "
                          f"{alone['labels'][answer_alone['recommended']]!r}")
        if not verdict["right_first"] or verdict["wrong_auto"]:
            first = verdict["first_label"]
            wrong_first[str(first)] += 1
            line = (f"  {row['id']}: first {first!r}"
                    + (f", AUTO-APPROVED {verdict['auto_label']!r}" if verdict["wrong_auto"]
                       else ""))
            if arguments.verbose:
                right = row["expected"]
                line += (f"\n    right {row['candidates'][right]['title']!r} "
                         f"{answer['scores'][right]}: {answer['reasons'][right][:3]}")
                if first is not None:
                    line += (f"\n    first {row['candidates'][answer['ranking'][0]]['title']!r}"
                             f" {answer['scores'][answer['ranking'][0]]}")
            misses.append(line)
    elapsed = time.perf_counter() - started
    total: Counter[str] = Counter()
    print(f"{'kind':<10} {'tickets':>7} {'right first':>12} {'right auto':>11} "
          f"{'wrong auto':>11} {'wrong auto, right absent':>25}")
    for kind, counts in [*sorted(by_kind.items()), ("all", total)]:
        if kind != "all":
            total.update(counts)
        print(f"{kind:<10} {counts['tickets']:>7} {_pct(counts, 'right_first'):>12} "
              f"{_pct(counts, 'right_auto'):>11} {counts['wrong_auto']:>11} "
              f"{counts['wrong_auto_alone']:>25}")
    if misses:
        print(f"misses ({len(misses)}):")
        print("\n".join(misses))
    right_first = total["right_first"] / max(total["tickets"], 1)
    met = (right_first >= TARGET_RIGHT_FIRST and total["wrong_auto"] == 0
           and total["wrong_auto_alone"] == 0)
    summary = {
        "bench": "rank", "tickets": total["tickets"],
        "right_first": round(right_first, 4),
        "right_auto_approved": total["right_auto"],
        "wrong_auto_approved": total["wrong_auto"],
        "wrong_auto_approved_right_absent": total["wrong_auto_alone"],
        "wrong_first_by_class": dict(wrong_first.most_common()),
        "seconds": round(elapsed, 2),
        "target_met": met,
        "durations": not arguments.without_durations,
    }
    print(json.dumps(summary))
    return 0


def _without_durations(row: dict[str, Any]) -> dict[str, Any]:
    """The row as a consumer that knows no durations would send it."""
    ticket = json.loads(json.dumps(row["ticket"]))
    for key in ("tracks", "items"):
        for entry in ticket.get(key) or []:
            entry.pop("duration_secs", None)
    return {**row, "ticket": ticket}


def _pct(counts: Counter[str], key: str) -> str:
    return f"{counts[key] / max(counts['tickets'], 1):.1%}"


if __name__ == "__main__":
    sys.exit(main())
