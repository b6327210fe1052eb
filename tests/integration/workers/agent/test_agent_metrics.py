"""The agent's Prometheus /metrics, read over HTTP after a real download-convert-place run
(which also leaves its completion stats on the ticket)."""

from __future__ import annotations

import urllib.request
from pathlib import Path

from prometheus_client.parser import text_string_to_metric_families

from chalicelib.domain.stage_protocol import Stage
from chalicelib.domain.states import TicketState
from tests.integration.workers.agent.harness import (
    AgentThread,
    Harness,
    album_mapping,
    make_harness,
    work_order,
)

ALL = (Stage.DOWNLOAD, Stage.CONVERT, Stage.PLACE)


def scrape(port: int) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=10) as answer:
        assert answer.status == 200
        assert answer.headers["Content-Type"].startswith("text/plain")
        text = answer.read().decode()
    return {(s.name, tuple(sorted(s.labels.items()))): s.value
            for family in text_string_to_metric_families(text) for s in family.samples}


def test_metrics_endpoint_reports_work_disks_and_torrents(agent_aws: str, tmp_path: Path,
                                                          album_source: Path) -> None:
    harness: Harness = make_harness(agent_aws, tmp_path,
                                    agent={"metrics_address": "127.0.0.1:0"})
    ticket = harness.create_ticket()
    work = work_order(ticket, album_mapping(ticket, album_source, top=False),
                      source_dir=str(album_source))
    parts = harness.agent()
    assert parts.endpoint is not None
    port = parts.endpoint.port
    before = scrape(port)
    assert before[("qt_agent_placement_failures_total", ())] == 0
    assert before[("qt_agent_active_torrents", ())] == 0
    assert before[("qt_agent_torrent_client_up", ())] == 1
    execution = harness.start(ALL, ticket.ticket_id, work)
    with AgentThread(parts):
        done = harness.wait(execution, timeout=90)
        after = scrape(port)
    assert done["status"] == "SUCCEEDED", done
    stored = harness.store.get(ticket.ticket_id)
    assert stored.state is TicketState.COMPLETED
    # Completed carries its run's stats (the source is a local folder here: no torrent).
    stats = stored.state_payload["stats"]
    assert stats["files"] == 6 and stats["bytes_placed"] > 0
    assert stats["conversion"]["format"] == "ogg_vorbis" and stats["conversion"]["files"] == 6
    assert stats["source"] == {"local_dir": str(album_source)}
    assert {"converting", "placing"} <= set(stats["secs_per_stage"])
    assert stats["total_secs"] >= stats["secs_per_stage"]["converting"] > 0
    assert after[("qt_agent_conversion_duration_seconds_count",
                  (("format", "ogg_vorbis"),))] == 1
    assert after[("qt_agent_conversion_duration_seconds_sum", (("format", "ogg_vorbis"),))] > 0
    for stage in ("download", "convert", "place"):
        assert after[("qt_agent_queue_lag_seconds_count", (("stage", stage),))] == 1, stage
    transitions = after[("qt_agent_state_transitions_total",
                         (("from", "placing"), ("to", "completed")))]
    assert transitions == 1
    assert after[("qt_agent_free_disk_bytes", (("path", "work_dir"),))] > 0
    assert after[("qt_agent_placement_failures_total", ())] == 0
    for gauge in ("download_bytes", "download_speed_bytes_per_second", "peers",
                  "stalled_torrents"):
        assert ("qt_agent_" + gauge, ()) in after, gauge
    try:
        urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=2)
    except OSError:
        pass
    else:
        raise AssertionError("the endpoint must close with the agent")
