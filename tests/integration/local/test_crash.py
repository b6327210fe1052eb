"""Durability under SIGKILL: every ticket the API acknowledged exists after a crash and a start."""

from __future__ import annotations

import signal
import time
from pathlib import Path

from tests.integration.api.conftest import example_ticket
from tests.support.local_stack import free_port, start_stack, write_config


def test_every_acknowledged_ticket_survives_sigkill(tmp_path: Path) -> None:
    port = free_port()
    # A long snapshot interval: only the journal can save what was acknowledged.
    config = write_config(tmp_path, port, aws_port=0)
    text = config.read_text().replace("snapshot_interval_secs = 0.2",
                                      "snapshot_interval_secs = 3600")
    config.write_text(text)
    first = start_stack(config, port)
    created: list[str] = []
    latencies: list[float] = []
    try:
        for n in range(40):
            body = example_ticket(search={"artist": "Autechre", "album": f"Album {n}"})
            started = time.perf_counter()
            answer = first.call("POST", "/api/v1/ticket", body)
            latencies.append(time.perf_counter() - started)
            assert answer.status == 201, answer.text
            created.append(answer.body["ticket_id"])
    finally:
        # Right after the last 201: no snapshot, no clean shutdown.
        assert first.stop(signal.SIGKILL) == -signal.SIGKILL
    latencies.sort()
    print(f"create latency p50 {latencies[20] * 1000:.1f} ms, "
          f"max {latencies[-1] * 1000:.1f} ms")

    second = start_stack(config, port)
    try:
        missing = [t for t in created
                   if second.call("GET", f"/api/v1/ticket/{t}").status != 200]
        assert missing == [], f"{len(missing)} of 40 acknowledged tickets lost"
        events = second.call("GET", "/api/v1/audit?event_type=TicketCreated&limit=200").body
        audited = {e["ticket_id"] for e in events["events"]}
        assert set(created) <= audited
        listed: set[str] = set()
        cursor = ""
        while True:
            page = second.call("GET", f"/api/v1/tickets?limit=100&cursor={cursor}").body
            listed |= {t["ticket_id"] for t in page["tickets"]}
            cursor = page["cursor"] or ""
            if not cursor:
                break
        assert set(created) <= listed
    finally:
        second.stop()
