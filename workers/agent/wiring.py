"""Build the agent from the service configuration: AWS clients, ticket state, torrent
client, stages. The one place the agent's parts are put together."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from prometheus_client import CollectorRegistry

from chalicelib.adapters.aws.agent_registry import DynamoAgentRegistry
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
from chalicelib.config import Config, ConfigError, TorrentClientConfig
from chalicelib.domain.agents import download_claim
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
from workers.agent.routing import OwnedStage, StageRouter
from workers.agent.seeding_reaper import SeedingReaper
from workers.agent.settings import AgentSettings
from workers.agent.status_beacon import StatusBeacon
from workers.agent.subtitle_source import build_remote_subtitles
from workers.agent.task_runner import TaskRunner
from workers.agent.ticket_cleanup import TicketCleanup
from workers.agent.ticket_reporter import ACTOR, TicketReporter
from workers.media import Converter, Placer
from workers.torrent.network import NetworkSettings, ProxySettings

log = logging.getLogger("quentin.agent")


def network_settings(tc: TorrentClientConfig) -> NetworkSettings:
    """[torrent_client]'s network keys as the torrent clients take them (bytes/s)."""
    kib = 1024
    return NetworkSettings(
        interface=tc.interface, listen_port=tc.listen_port, dht=tc.dht,
        dht_bootstrap_nodes=tc.dht_bootstrap_nodes, lsd=tc.lsd, pex=tc.pex,
        port_forwarding=tc.port_forwarding, encryption=tc.encryption,
        proxy=ProxySettings(tc.proxy_type, tc.proxy_host, tc.proxy_port, tc.proxy_username,
                            tc.proxy_password, tc.proxy_peer_connections),
        download_limit=tc.download_limit_kib * kib, upload_limit=tc.upload_limit_kib * kib,
        torrent_download_limit=tc.torrent_download_limit_kib * kib,
        torrent_upload_limit=tc.torrent_upload_limit_kib * kib,
        max_connections=tc.max_connections,
        max_connections_per_torrent=tc.max_connections_per_torrent,
        anonymous_mode=tc.anonymous_mode)


def build_torrent_client(config: Config, base_dir: Path) -> TorrentClient:
    """The configured torrent client: embedded libtorrent, or a qBittorrent Web UI."""
    tc = config.torrent_client
    net = network_settings(tc)
    if tc.kind == "qbittorrent":
        from workers.torrent.qbittorrent import QbittorrentClient

        parts = urlsplit(tc.url)
        if parts.scheme not in ("http", "https") or not parts.hostname or not parts.port:
            raise ConfigError("'torrent_client.url' must be http(s)://host:port for qbittorrent")
        client = QbittorrentClient(parts.hostname, parts.port, tc.username or None,
                                   tc.password or None, https=parts.scheme == "https")
        for key in client.apply_network(net):
            log.warning("qBittorrent has no preference for torrent_client.%s; not applied", key)
        return client
    from workers.torrent.libtorrent_session import LibtorrentClient, LibtorrentSettings

    return LibtorrentClient(LibtorrentSettings(
        state_dir=(base_dir / tc.state_dir).resolve(), network=net))


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
    registry = DynamoAgentRegistry(build_searcher_models(config))
    router = StageRouter(settings.agent_id, registry, settings.gone_after_secs, clock.now,
                         claim_of=lambda ticket_id: download_claim(flow.get(ticket_id)),
                         status_interval_secs=settings.status_interval_secs)
    handlers: dict[Stage, StageHandler] = {
        Stage.DOWNLOAD: OwnedStage(download, router),
        Stage.CONVERT: OwnedStage(ConvertStage(settings, converter, CoverChain(build_cover_sources(
            config.external_catalogs, clock, InMemoryRateLimiter(clock, 0.0))),
            build_remote_subtitles(config, clock)), router),
        Stage.PLACE: OwnedStage(PlaceStage(settings, placer), router),
    }

    def reporter_for(ticket_id: str) -> TicketReporter:
        return TicketReporter(flow, audit, ticket_id,
                              progress_interval_secs=settings.progress_interval_secs,
                              agent_id=settings.agent_id)

    runner = TaskRunner(answers, handlers, reporter_for, cleanup.cancel,
                        heartbeat_secs=settings.heartbeat_interval_secs,
                        visibility_secs=settings.visibility_timeout_secs)
    beacon = StatusBeacon(settings.agent_id, registry, torrents,
                          [settings.download_dir, settings.work_dir, *settings.allowed_roots],
                          clock.now)
    agent = Agent(settings, sqs, answers, runner, cleanup.cancel,
                  seeding_sweep=SeedingReaper(
                      settings, torrents, catalog,
                      budget_bytes=config.torrent_client.storage_budget_bytes).sweep,
                  metrics=metrics, route=router.route, beacon=beacon.beat)
    beacon.running = lambda: len(agent.active_tasks())
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
