"""The agent's Prometheus `/metrics`: the Metrics port as Prometheus instruments, plus the
torrent client's and the disks' state read at each scrape.

Event metrics (conversion time by format, placement failures, stalls, queue lag) arrive
through the same Metrics port the service side uses (`emit(name, value, unit, dims)`), mostly
derived from the agent's audit events (chalicelib/services/metrics.py); each name becomes one
instrument: a Count a counter (`qt_<name>_total`), seconds and milliseconds a histogram in
seconds, anything else a summary. Gauges that describe "now" (torrents, speeds, peers, free
disk) are read from the torrent client when Prometheus scrapes, never cached.
"""

from __future__ import annotations

import logging
import re
import shutil
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

from prometheus_client import CollectorRegistry, Counter, Histogram, Summary, start_http_server
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector

from workers.torrent.client import TorrentState, TorrentStatus

log = logging.getLogger("quentin.agent.metrics")
PREFIX = "qt_agent_"
# Torrents that still want pieces; one of them receiving nothing right now counts as stalled.
ACTIVE_STATES = (TorrentState.FETCHING_METADATA, TorrentState.DOWNLOADING,
                 TorrentState.CHECKING, TorrentState.QUEUED)
# Buckets in seconds from a quick queue pickup to a long conversion.
BUCKETS = (0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600, 1800, 3600)


def snake(name: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


class PrometheusMetrics:
    """The Metrics port over one registry: instruments are made on first use of a name."""

    def __init__(self, registry: CollectorRegistry) -> None:
        self.registry = registry
        self._instruments: dict[str, Any] = {}
        self._lock = threading.Lock()

    def emit(self, name: str, value: float, unit: str = "Count",
             dimensions: dict[str, str] | None = None) -> None:
        labels = dict(sorted((dimensions or {}).items()))
        instrument = self._instrument(name, unit, tuple(labels))
        target = instrument.labels(**labels) if labels else instrument
        if unit == "Count":
            target.inc(value)
        else:
            target.observe(value / 1000 if unit == "Milliseconds" else value)

    def declare(self, name: str, unit: str = "Count", labels: Sequence[str] = ()) -> None:
        """Create an instrument before its first event, so it is exposed (at 0) at once."""
        self._instrument(name, unit, tuple(labels))

    def _instrument(self, name: str, unit: str, labels: tuple[str, ...]) -> Any:
        with self._lock:
            found = self._instruments.get(name)
            if found is not None:
                return found
            metric = PREFIX + snake(name)
            doc = f"{name} (see README, Metrics)"
            made: Any
            if unit == "Count":
                made = Counter(metric, doc, labels, registry=self.registry)
            elif unit in ("Seconds", "Milliseconds"):
                metric = metric.removesuffix("_seconds") + "_seconds"
                made = Histogram(metric, doc, labels, registry=self.registry, buckets=BUCKETS)
            else:
                made = Summary(metric, doc, labels, registry=self.registry)
            self._instruments[name] = made
            return made


class TorrentsAndDisks(Collector):
    """Scrape-time gauges: the torrent client's torrents and the free space of each path."""

    def __init__(self, torrents: Callable[[], Iterable[TorrentStatus]],
                 paths: dict[str, Path]) -> None:
        self._torrents = torrents
        self._paths = paths

    def collect(self) -> Iterator[GaugeMetricFamily]:
        yield from self._torrent_gauges()
        free = GaugeMetricFamily(PREFIX + "free_disk_bytes",
                                 "Free space where the agent writes", labels=["path"])
        for role, path in self._paths.items():
            try:
                free.add_metric([role], shutil.disk_usage(path).free)
            except OSError:
                continue  # a root that is not mounted now: no sample rather than a wrong one
        yield free

    def _torrent_gauges(self) -> Iterator[GaugeMetricFamily]:
        try:
            listed = list(self._torrents())
        except Exception as e:  # the client is busy or gone: report that, not a crash
            log.warning("torrent client not readable for /metrics: %s", e)
            up = GaugeMetricFamily(PREFIX + "torrent_client_up", "1 when the client answered")
            up.add_metric([], 0)
            yield up
            return
        up = GaugeMetricFamily(PREFIX + "torrent_client_up", "1 when the client answered")
        up.add_metric([], 1)
        yield up
        active = [t for t in listed if t.state in ACTIVE_STATES]
        by_state = GaugeMetricFamily(PREFIX + "torrents", "Torrents by state", labels=["state"])
        for state in TorrentState:
            by_state.add_metric([state.value], sum(1 for t in listed if t.state is state))
        yield by_state
        yield _gauge("active_torrents", "Torrents still downloading", len(active))
        yield _gauge("stalled_torrents", "Active torrents receiving nothing right now",
                     sum(1 for t in active if t.download_speed_bps == 0))
        yield _gauge("download_bytes", "Payload downloaded, summed over torrents",
                     sum(t.downloaded_bytes for t in listed))
        yield _gauge("upload_bytes", "Payload uploaded, summed over torrents",
                     sum(t.uploaded_bytes for t in listed))
        yield _gauge("download_speed_bytes_per_second", "Current download speed",
                     sum(t.download_speed_bps for t in listed))
        yield _gauge("upload_speed_bytes_per_second", "Current upload speed",
                     sum(t.upload_speed_bps for t in listed))
        yield _gauge("peers", "Connected peers, summed over torrents",
                     sum(t.peers for t in listed))


def _gauge(name: str, doc: str, value: float) -> GaugeMetricFamily:
    gauge = GaugeMetricFamily(PREFIX + name, doc)
    gauge.add_metric([], value)
    return gauge


class MetricsEndpoint:
    """`/metrics` over HTTP on `host:port` (port 0: any free port, see `port`)."""

    def __init__(self, registry: CollectorRegistry, address: str) -> None:
        host, _, port = address.rpartition(":")
        self._server, self._thread = start_http_server(int(port), host or "127.0.0.1",
                                                       registry=registry)
        self.port = int(self._server.server_port)
        log.info("metrics on http://%s:%d/metrics", host or "127.0.0.1", self.port)

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)
