"""Build the agent from the service configuration: AWS clients, ticket state, torrent
client, stages. The one place the agent's parts are put together."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from prometheus_client import CollectorRegistry

from chalicelib.adapters.aws.audit_log import DynamoAuditLog
from chalicelib.adapters.aws.clients import aws_client
from chalicelib.adapters.aws.models import build_models
from chalicelib.adapters.aws.searcher_models import build_searcher_models
from chalicelib.adapters.aws.ticket_store import DynamoTicketStore
from chalicelib.adapters.aws.torrent_catalog import DynamoTorrentCatalog
from chalicelib.adapters.catalogs.wiring import build_cover_sources
from chalicelib.adapters.clock import SystemClock
from chalicelib.adapters.torznab.limits import InMemoryRateLimiter
from chalicelib.bootstrap import build_ticket_events
from chalicelib.config import Config, ConfigError
from chalicelib.domain.catalog import RetentionPolicy
from chalicelib.domain.stage_protocol import Stage
from chalicelib.ports import TicketEvents
from chalicelib.services.audit import AuditRecorder
from chalicelib.services.flow_state import FlowState
from chalicelib.services.metrics import (
    CONVERSION_DURATION,
    PLACEMENT_FAILURES,
    QUEUE_LAG,
    STALLED_DOWNLOADS,
    MeteredAuditLog,
)
from chalicelib.services.tickets import NoEvents
from workers.agent.agent import Agent
from workers.agent.convert_stage import ConvertStage
from workers.agent.cover_chain import CoverChain
from workers.agent.download_stage import DownloadStage
from workers.agent.flow_answers import FlowAnswers
from workers.agent.place_stage import PlaceStage, placement_dir
from workers.agent.ports import StageHandler, TorrentClient
from workers.agent.prometheus import MetricsEndpoint, PrometheusMetrics, TorrentsAndDisks
from workers.agent.seeding_reaper import SeedingReaper
from workers.agent.settings import AgentSettings
from workers.agent.task_runner import TaskRunner
from workers.agent.ticket_cleanup import TicketCleanup
from workers.agent.ticket_reporter import ACTOR, TicketReporter
from workers.media import Converter, Placer

log = logging.getLogger("quentin.agent")


def build_torrent_client(config: Config, base_dir: Path) -> TorrentClient:
    """The configured torrent client: embedded libtorrent, or a qBittorrent Web UI."""
    tc = config.torrent_client
    if tc.kind == "qbittorrent":
        from workers.torrent.qbittorrent import QbittorrentClient

        parts = urlsplit(tc.url)
        if parts.scheme not in ("http", "https") or not parts.hostname or not parts.port:
            raise ConfigError("'torrent_client.url' must be http(s)://host:port for qbittorrent")
        return QbittorrentClient(parts.hostname, parts.port, tc.username or None,
                                 tc.password or None, https=parts.scheme == "https")
    from workers.torrent.libtorrent_session import LibtorrentClient, LibtorrentSettings

    return LibtorrentClient(LibtorrentSettings(
        state_dir=(base_dir / tc.state_dir).resolve(), listen_interfaces=tc.listen_interface))


def ticket_events(config: Config) -> TicketEvents:
    """The WebSocket broadcaster when a WebSocket API is configured, else nothing."""
    try:
        return build_ticket_events(config)
    except Exception:  # dashboards are optional for the agent
        log.exception("realtime updates unavailable")
        return NoEvents()


@dataclass
class AgentParts:
    agent: Agent
    settings: AgentSettings
    client: TorrentClient
    placer: Placer
    cleanup: TicketCleanup
    metrics: PrometheusMetrics | None = None
    endpoint: MetricsEndpoint | None = None  # /metrics when [agent] metrics_address is set

    def close(self) -> None:
        if self.endpoint is not None:
            self.endpoint.close()
        self.client.close()


def build_agent(config: Config, base_dir: Path, *, client: TorrentClient | None = None,
                placer: Placer | None = None, converter: Converter | None = None
                ) -> AgentParts:
    """Everything the agent needs, from `config` (relative paths below `base_dir`)."""
    settings = AgentSettings.from_config(config, base_dir)
    settings.work_dir.mkdir(parents=True, exist_ok=True)
    settings.download_dir.mkdir(parents=True, exist_ok=True)
    models = build_models(config)
    clock = SystemClock()
    metrics = PrometheusMetrics(CollectorRegistry())
    audit = AuditRecorder(MeteredAuditLog(DynamoAuditLog(models), metrics), clock)
    flow = FlowState(DynamoTicketStore(models), audit, ticket_events(config), clock, actor=ACTOR)
    sqs = aws_client(config, "sqs")
    answers = FlowAnswers(aws_client(config, "stepfunctions"), sqs)
    torrents = client or build_torrent_client(config, base_dir)
    if placer is None:
        roots = [r for r in settings.allowed_roots if r.is_dir()]
        for missing in sorted(set(settings.allowed_roots) - set(roots)):
            log.warning("placement root %s does not exist; nothing can be placed there",
                        missing)
        if not roots:
            raise ConfigError("none of 'placement.allowed_roots' exists on this machine")
        placer = Placer(roots, placement_dir(settings))
    removed = placer.cleanup_stale()
    if removed:
        log.info("removed %d stale placement files", len(removed))
    cleanup = TicketCleanup(settings, torrents, placer)
    catalog = DynamoTorrentCatalog(
        build_searcher_models(config), clock,
        RetentionPolicy(config.torrent_client.seed_ratio, config.torrent_client.seed_time_secs))
    download = DownloadStage(settings, torrents, catalog=catalog)
    handlers: dict[Stage, StageHandler] = {
        Stage.DOWNLOAD: download,
        Stage.CONVERT: ConvertStage(settings, converter, CoverChain(build_cover_sources(
            config.external_catalogs, clock, InMemoryRateLimiter(clock, 0.0)))),
        Stage.PLACE: PlaceStage(settings, placer),
    }

    def reporter_for(ticket_id: str) -> TicketReporter:
        return TicketReporter(flow, audit, ticket_id,
                              progress_interval_secs=settings.progress_interval_secs)

    runner = TaskRunner(answers, handlers, reporter_for, cleanup.cancel,
                        heartbeat_secs=settings.heartbeat_interval_secs,
                        visibility_secs=settings.visibility_timeout_secs)
    agent = Agent(settings, sqs, answers, runner, cleanup.cancel,
                  seeding_sweep=SeedingReaper(
                      settings, torrents, catalog,
                      budget_bytes=config.torrent_client.storage_budget_bytes).sweep,
                  metrics=metrics)
    endpoint = serve_metrics(config, settings, metrics, torrents, placer)
    return AgentParts(agent, settings, torrents, placer, cleanup, metrics, endpoint)


def serve_metrics(config: Config, settings: AgentSettings, metrics: PrometheusMetrics,
                  torrents: TorrentClient, placer: Placer) -> MetricsEndpoint | None:
    """Prometheus /metrics on [agent] metrics_address (nothing when it is empty)."""
    for name, unit, labels in ((CONVERSION_DURATION, "Seconds", ("format",)),
                               (PLACEMENT_FAILURES, "Count", ()),
                               (STALLED_DOWNLOADS, "Count", ()),
                               (QUEUE_LAG, "Seconds", ("stage",))):
        metrics.declare(name, unit, labels)
    paths = {"work_dir": settings.work_dir, "download_dir": settings.download_dir}
    paths.update({f"placement:{root}": Path(root) for root in placer.guard.roots})
    metrics.registry.register(TorrentsAndDisks(torrents.list, paths))
    address = config.agent.metrics_address
    if not address:
        return None
    try:
        return MetricsEndpoint(metrics.registry, address)
    except (OSError, ValueError) as e:
        raise ConfigError(f"'agent.metrics_address' {address!r} cannot be served: {e}") from e
