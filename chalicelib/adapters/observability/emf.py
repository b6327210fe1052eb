"""The Metrics port as CloudWatch Embedded Metric Format lines (Powertools' serializer).

Each measurement is one JSON line on stdout: in Lambda, CloudWatch Logs turns it into a
metric without any API call; locally the same lines are in the stack's log, where
`read_emf` (and the tests) read them back.
"""

from __future__ import annotations

import json
import sys
import threading
from collections.abc import Iterable, Iterator
from typing import IO, Any

from aws_lambda_powertools.metrics.base import SingleMetric

NAMESPACE = "QuentinTorrentino"


class EmfMetrics:
    def __init__(self, namespace: str = NAMESPACE, stream: IO[str] | None = None) -> None:
        self._namespace = namespace
        self._stream = stream
        self._lock = threading.Lock()  # one whole line per write, whatever the threads do

    def emit(self, name: str, value: float, unit: str = "Count",
             dimensions: dict[str, str] | None = None) -> None:
        metric = SingleMetric(namespace=self._namespace)
        metric.add_metric(name=name, unit=unit, value=value)
        for key, dim in (dimensions or {}).items():
            metric.add_dimension(name=key, value=dim or "-")
        line = json.dumps(metric.serialize_metric_set(), separators=(",", ":")) + "\n"
        stream = self._stream or sys.stdout
        with self._lock:
            stream.write(line)
            stream.flush()


def read_emf(lines: Iterable[str]) -> Iterator[dict[str, Any]]:
    """The measurements in a log: {"name", "value", "unit", "dimensions"} per EMF line."""
    for line in lines:
        if '"_aws"' not in line:
            continue
        try:
            doc = json.loads(line)
        except ValueError:
            continue
        for directive in doc["_aws"]["CloudWatchMetrics"]:
            names = [d for dims in directive["Dimensions"] for d in dims]
            for metric in directive["Metrics"]:
                values = doc[metric["Name"]]
                for value in values if isinstance(values, list) else [values]:
                    yield {"name": metric["Name"], "value": value, "unit": metric["Unit"],
                           "namespace": directive["Namespace"],
                           "dimensions": {n: doc[n] for n in names}}
