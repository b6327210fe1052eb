"""How often TextBrain ranks the right release first, and whether it auto-approves wrongly.

Run: `.venv/bin/python -m bench.rank_bench [--data FILE] [--mode MODE] [--verbose]`, or
`--compare` for one summary line per mode.
The tickets (bench/data/rank_tickets.jsonl, built by bench.rank_cases) are music albums, a few
tracks of an album, single tracks, movies, single episodes and season packs, each with near
misses in real release styles. Every line goes through the same path as
`python -m chalicelib.textbrain rank`. Each ticket is ranked twice: with every candidate, and
with the near misses alone (the right release is often not on the indexers, and then nothing
may be approved on its own).

Music tickets carry the release a catalog (MusicBrainz) answers for them, replayed through the
acquisition stage's own CatalogEnrichment. The modes say what the scorer knows, so the
catalog's worth is measured:
  flow          the ticket as sent, enriched by the catalog (the real flow; the default, and
                the one the targets apply to)
  as-sent       the ticket as sent, no catalog
  bare          no durations, no catalog (a consumer that knows only names)
  durations     no durations in the ticket; the catalog fills them (track counts withheld)
  track-counts  no durations in the ticket; the catalog gives only the release's track count
  catalog       no durations in the ticket; the catalog gives both
Prints a table per kind, the misses, and last one JSON summary line.
Targets: right release first in >= 95 % of tickets, zero wrong auto-approvals in both runs.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import Counter, defaultdict
from dataclasses import replace
from pathlib import Path
from typing import Any

from chalicelib.domain.errors import NotFound
from chalicelib.domain.media_catalog import CatalogTrack, Release, ReleaseSummary
from chalicelib.services.catalog_enrichment import CatalogEnrichment
from chalicelib.textbrain.brain import BrainMode, TextBrain
from chalicelib.textbrain.ranking import RankInput, rank_answer, read_rank_input

DATA = Path(__file__).resolve().parent / "data" / "rank_tickets.jsonl"
TARGET_RIGHT_FIRST = 0.95
MODES = ("flow", "as-sent", "bare", "durations", "track-counts", "catalog")
MUSIC_KINDS = ("album", "album_mp3", "album_part", "track")


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
    options = argparse.ArgumentParser(description=__doc__,
                                      formatter_class=argparse.RawDescriptionHelpFormatter)
    options.add_argument("--data", type=Path, default=DATA)
    options.add_argument("--verbose", action="store_true", help="print every miss's scores")
    options.add_argument("--mode", choices=MODES, default="flow",
                         help="what the scorer knows (see above)")
    options.add_argument("--compare", action="store_true",
                         help="run every mode; one summary line each, then one JSON line")
    arguments = options.parse_args(argv)
    rows = _load(arguments.data)
    if arguments.compare:
        print(f"{'mode':<13} {'right first':>11} {'music':>7} {'right auto':>10} "
              f"{'wrong auto':>10} {'wrong auto, right absent':>24}")
        summaries = {}
        for mode in MODES:
            summary = summaries[mode] = run(rows, mode, quiet=True)
            print(f"{mode:<13} {summary['right_first']:>11.1%} "
                  f"{summary['music_right_first']:>7.1%} {summary['right_auto_approved']:>10} "
                  f"{summary['wrong_auto_approved']:>10} "
                  f"{summary['wrong_auto_approved_right_absent']:>24}")
        print(json.dumps({"bench": "rank-compare", "modes": summaries}))
        return 0
    print(json.dumps(run(rows, arguments.mode, verbose=arguments.verbose)))
    return 0


def run(rows: list[dict[str, Any]], mode: str, *, verbose: bool = False,
        quiet: bool = False) -> dict[str, Any]:
    """Rank every row with what `mode` lets the scorer know; print the table unless `quiet`."""
    brain = TextBrain(BrainMode.DUMB_ONLY)
    by_kind: dict[str, Counter[str]] = defaultdict(Counter)
    misses: list[str] = []
    wrong_first: Counter[str] = Counter()
    started = time.perf_counter()
    for row in rows:
        ranked = informed(row, mode)
        decision = brain.decide(ranked.request, ranked.candidates, ranked.files_by_hash)
        answer = rank_answer(decision, len(ranked.candidates))
        verdict = _judge(row, answer)
        counts = by_kind[row["kind"]]
        counts["tickets"] += 1
        for key in ("right_first", "right_auto", "wrong_auto"):
            counts[key] += bool(verdict[key])
        alone = _without_right(row)
        ranked_alone = informed(alone, mode)
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
            if verbose:
                right = row["expected"]
                line += (f"\n    right {row['candidates'][right]['title']!r} "
                         f"{answer['scores'][right]}: {answer['reasons'][right][:3]}")
                if first is not None:
                    line += (f"\n    first {row['candidates'][answer['ranking'][0]]['title']!r}"
                             f" {answer['scores'][answer['ranking'][0]]}")
            misses.append(line)
    elapsed = time.perf_counter() - started
    total: Counter[str] = Counter()
    music: Counter[str] = Counter()
    for kind, counts in by_kind.items():
        total.update(counts)
        if kind in MUSIC_KINDS:
            music.update(counts)
    if not quiet:
        _print_table(by_kind, total, misses)
    right_first = total["right_first"] / max(total["tickets"], 1)
    met = (right_first >= TARGET_RIGHT_FIRST and total["wrong_auto"] == 0
           and total["wrong_auto_alone"] == 0)
    return {
        "bench": "rank", "mode": mode, "tickets": total["tickets"],
        "right_first": round(right_first, 4),
        "music_right_first": round(music["right_first"] / max(music["tickets"], 1), 4),
        "right_auto_approved": total["right_auto"],
        "wrong_auto_approved": total["wrong_auto"],
        "wrong_auto_approved_right_absent": total["wrong_auto_alone"],
        "wrong_first_by_class": dict(wrong_first.most_common()),
        "seconds": round(elapsed, 2),
        "target_met": met,
    }


def _print_table(by_kind: dict[str, Counter[str]], total: Counter[str],
                 misses: list[str]) -> None:
    print(f"{'kind':<10} {'tickets':>7} {'right first':>12} {'right auto':>11} "
          f"{'wrong auto':>11} {'wrong auto, right absent':>25}")
    for kind, counts in [*sorted(by_kind.items()), ("all", total)]:
        print(f"{kind:<10} {counts['tickets']:>7} {_pct(counts, 'right_first'):>12} "
              f"{_pct(counts, 'right_auto'):>11} {counts['wrong_auto']:>11} "
              f"{counts['wrong_auto_alone']:>25}")
    if misses:
        print(f"misses ({len(misses)}):")
        print("\n".join(misses))


def informed(row: dict[str, Any], mode: str) -> RankInput:
    """The row's ranking input with what `mode` lets the scorer know."""
    ticket = row["ticket"] if mode in ("flow", "as-sent") else _without_durations(row["ticket"])
    ranked = read_rank_input({"ticket": ticket, "candidates": row["candidates"]})
    if mode in ("as-sent", "bare"):
        return ranked
    # The acquisition stage's own enrichment, asking the row's recorded release.
    request = CatalogEnrichment(ReplayedCatalog(row.get("catalog"))).enrich(
        ranked.request).request
    if mode == "durations":
        request = replace(request, query=replace(request.query, release_track_count=None,
                                                 release_secs=None))
    elif mode == "track-counts":
        request = replace(request, items=ranked.request.items)
    return replace(ranked, request=request)


class ReplayedCatalog:
    """The MusicCatalog port answering with the row's recorded release (or nothing)."""

    def __init__(self, recorded: dict[str, Any] | None) -> None:
        self._release = None if recorded is None else Release(
            ReleaseSummary(recorded["release_id"], recorded["title"], recorded["artist"],
                           recorded["date"], None, len(recorded["tracks"]), ("CD",), None),
            tuple(CatalogTrack(f"{recorded['release_id']}-{n}", disc, n, title, secs)
                  for disc, n, title, secs in recorded["tracks"]))

    def search_releases(self, artist: str, album: str, year: int | None = None,
                        limit: int = 10) -> list[ReleaseSummary]:
        return [self._release.summary] if self._release is not None else []

    def release(self, release_id: str) -> Release:
        if self._release is None or self._release.summary.release_id != release_id:
            raise NotFound(f"no release {release_id}")
        return self._release

    def editions(self, release_group_id: str, limit: int = 25) -> list[ReleaseSummary]:
        return []


def _without_durations(ticket: dict[str, Any]) -> dict[str, Any]:
    """The ticket as a consumer that knows no durations would send it."""
    ticket = json.loads(json.dumps(ticket))
    for key in ("tracks", "items"):
        for entry in ticket.get(key) or []:
            entry.pop("duration_secs", None)
    return ticket


def _pct(counts: Counter[str], key: str) -> str:
    return f"{counts[key] / max(counts['tickets'], 1):.1%}"


if __name__ == "__main__":
    sys.exit(main())
