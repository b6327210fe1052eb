"""Ticket creation throughput and listing time against the real local stack.

Run: `.venv/bin/python -m bench.create_bench [--sequential N] [--concurrent N] [--clients C]
[--sizes 1000,10000,100000]`.

Starts `python -m local run` in a subprocess (embedded AWS, journal, snapshots: what `make run`
runs), creates tickets over HTTP one after another and then from C concurrent clients, then
seeds the tickets table directly through the embedded AWS (batch writes) up to each size and
times the first and a later page of `GET /api/v1/tickets`. Prints a table and, last, one JSON
summary line.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import boto3

from tests.support.local_stack import RunningStack, free_port, start_stack, write_config

# The list-scaling target the issue sets: a page at 100k stored tickets within 1.5x of 1k.
LIST_RATIO_TARGET = 1.5
PAGE = 50


def ticket_body(n: int) -> dict[str, Any]:
    return {
        "priority": 100,
        "search": {"artist": "Autechre", "album": f"Bench Album {n}"},
        "tracks": [{"catalog_track_id": f"t{n}", "track_number": 1, "name": "Track",
                    "dest_path": f"/media/bench/{n}/01.flac"}],
        "constraints": {"format": "flac"},
    }


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def timed_create(stack: RunningStack, n: int) -> float:
    started = time.perf_counter()
    answer = stack.call("POST", "/api/v1/ticket", ticket_body(n))
    elapsed = time.perf_counter() - started
    if answer.status != 201:
        raise RuntimeError(f"create answered {answer.status}: {answer.text}")
    return elapsed


def create_run(stack: RunningStack, total: int, clients: int, first: int) -> dict[str, float]:
    """`total` creates spread over `clients` threads; throughput and latency percentiles."""
    latencies: list[float] = []
    lock = threading.Lock()
    counter = iter(range(first, first + total))

    def client() -> None:
        while True:
            with lock:
                n = next(counter, None)
            if n is None:
                return
            elapsed = timed_create(stack, n)
            with lock:
                latencies.append(elapsed)

    started = time.perf_counter()
    with ThreadPoolExecutor(clients) as pool:
        for future in [pool.submit(client) for _ in range(clients)]:
            future.result()
    wall = time.perf_counter() - started
    return {"tickets": total, "clients": clients, "tickets_per_s": round(total / wall, 1),
            "p50_ms": round(percentile(latencies, 50) * 1000, 1),
            "p99_ms": round(percentile(latencies, 99) * 1000, 1)}


class Seeder:
    """Copies of one real ticket item written straight into the tickets table."""

    def __init__(self, endpoint: str, table: str) -> None:
        self._ddb = boto3.client("dynamodb", endpoint_url=endpoint, region_name="us-east-1",
                                 aws_access_key_id="testing", aws_secret_access_key="testing")
        self._table = table
        self._template = self._ddb.scan(TableName=table, Limit=1)["Items"][0]
        self._old_id = self._template["ticket_id"]["S"]
        self.count = self._ddb.describe_table(TableName=table)["Table"]["ItemCount"]

    def _copy(self) -> dict[str, Any]:
        new_id = uuid.uuid4().hex
        return {name: ({"S": value["S"].replace(self._old_id, new_id)} if "S" in value else value)
                for name, value in self._template.items()}

    def fill_to(self, target: int, threads: int = 8) -> None:
        batches = (max(0, target - self.count) + 24) // 25

        def write(_: int) -> None:
            pending: dict[str, Any] = {self._table: [{"PutRequest": {"Item": self._copy()}}
                                                     for _ in range(25)]}
            while pending:
                pending = self._ddb.batch_write_item(RequestItems=pending).get(
                    "UnprocessedItems") or {}

        with ThreadPoolExecutor(threads) as pool:
            list(pool.map(write, range(batches)))
        self.count += batches * 25


def page_times(stack: RunningStack, repeat: int) -> dict[str, float]:
    """Median time of the first page and of the page after it, `repeat` times each."""
    first: list[float] = []
    second: list[float] = []
    for _ in range(repeat):
        started = time.perf_counter()
        page = stack.call("GET", f"/api/v1/tickets?limit={PAGE}")
        first.append(time.perf_counter() - started)
        assert page.status == 200 and len(page.body["tickets"]) == PAGE, page.text
        started = time.perf_counter()
        stack.call("GET", f"/api/v1/tickets?limit={PAGE}&cursor={page.body['cursor']}")
        second.append(time.perf_counter() - started)
    return {"first_page_ms": round(statistics.median(first) * 1000, 1),
            "next_page_ms": round(statistics.median(second) * 1000, 1)}


def timed(label: str, action: Callable[[], Any]) -> Any:
    started = time.perf_counter()
    result = action()
    print(f"  {label}: {time.perf_counter() - started:.1f} s", flush=True)
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sequential", type=int, default=100)
    parser.add_argument("--concurrent", type=int, default=320)
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--sizes", default="1000,10000,100000")
    parser.add_argument("--repeat", type=int, default=10, help="listing calls per size")
    args = parser.parse_args(argv)
    sizes = [int(s) for s in args.sizes.split(",") if s]

    summary: dict[str, Any] = {}
    with tempfile.TemporaryDirectory(prefix="qt-bench-") as tmp:
        port, aws_port = free_port(), free_port()
        config = write_config(Path(tmp), port, aws_port=aws_port)
        config.write_text(config.read_text().replace("snapshot_interval_secs = 0.2",
                                                     "snapshot_interval_secs = 1.0"))
        stack = start_stack(config, port, timeout=60)
        try:
            for n in range(5):  # warm-up: imports, first connections
                timed_create(stack, -1 - n)
            summary["sequential"] = create_run(stack, args.sequential, 1, 0)
            print(f"sequential:  {summary['sequential']}", flush=True)
            summary["concurrent"] = create_run(stack, args.concurrent, args.clients,
                                               args.sequential)
            print(f"concurrent:  {summary['concurrent']}", flush=True)
            seeder = Seeder(f"http://127.0.0.1:{aws_port}", "qt-tickets")
            listing: dict[str, Any] = {}
            for size in sizes:
                timed(f"seed to {size}", lambda size=size: seeder.fill_to(size))
                listing[str(size)] = page_times(stack, args.repeat)
                print(f"list at {size:>6}: {listing[str(size)]}", flush=True)
            summary["listing"] = listing
        finally:
            stack.stop(timeout=300)  # the last snapshot holds every seeded ticket
    if len(sizes) > 1:
        small, large = listing[str(sizes[0])], listing[str(sizes[-1])]
        ratio = round(large["first_page_ms"] / small["first_page_ms"], 2)
        summary["list_ratio"] = ratio
        verdict = "meets" if ratio <= LIST_RATIO_TARGET else "MISSES"
        print(f"page time at {sizes[-1]} / at {sizes[0]}: {ratio}x ({verdict} the "
              f"{LIST_RATIO_TARGET}x target)")
    print(json.dumps(summary))
    return 0


if __name__ == "__main__":
    sys.exit(main())
