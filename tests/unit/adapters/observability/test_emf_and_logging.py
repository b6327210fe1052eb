"""The EMF adapter writes lines CloudWatch accepts; Lambda logs carry request and ticket ids."""

from __future__ import annotations

import io
import json
import logging

from chalicelib.adapters.observability import lambda_logging
from chalicelib.adapters.observability.emf import EmfMetrics, read_emf


def test_emf_lines_follow_the_format_and_read_back() -> None:
    out = io.StringIO()
    metrics = EmfMetrics(stream=out)
    metrics.emit("SearchLatency", 120, "Milliseconds", {"indexer": "jackett"})
    metrics.emit("TicketsCreated", 1)
    lines = out.getvalue().splitlines()
    assert len(lines) == 2
    doc = json.loads(lines[0])
    directive = doc["_aws"]["CloudWatchMetrics"][0]
    assert directive["Namespace"] == "QuentinTorrentino"
    assert directive["Dimensions"] == [["indexer"]]
    assert directive["Metrics"] == [{"Name": "SearchLatency", "Unit": "Milliseconds"}]
    assert isinstance(doc["_aws"]["Timestamp"], int)
    assert list(read_emf(["not json", *lines])) == [
        {"name": "SearchLatency", "value": 120.0, "unit": "Milliseconds",
         "namespace": "QuentinTorrentino", "dimensions": {"indexer": "jackett"}},
        {"name": "TicketsCreated", "value": 1.0, "unit": "Count",
         "namespace": "QuentinTorrentino", "dimensions": {}},
    ]


def test_lambda_log_lines_are_json_with_request_and_correlation_ids() -> None:
    out = io.StringIO()
    root = logging.getLogger()
    saved = (root.handlers[:], root.level)
    try:
        lambda_logging.configure_lambda_logging(stream=out)
        lambda_logging.begin_invocation("req-123", cold_start=True)
        logging.getLogger("quentin.stages").info(
            "stage started", extra={"ticket_id": "tkt-1", "stage": "acquire"})
        logging.getLogger("quentin.other").info("no ticket here")
    finally:
        root.handlers, _ = saved
        root.setLevel(saved[1])
        lambda_logging.formatter().remove_keys(["request_id", "cold_start"])
    first, second = (json.loads(line) for line in out.getvalue().splitlines())
    assert first["message"] == "stage started"
    assert first["correlation_id"] == "tkt-1" and first["ticket_id"] == "tkt-1"
    assert first["request_id"] == "req-123" and first["cold_start"] is True
    assert first["service"] == "quentin-torrentino" and first["level"] == "INFO"
    assert second["request_id"] == "req-123" and "correlation_id" not in second
