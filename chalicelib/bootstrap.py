"""The composition root of the Lambda/API side: adapters wired into services, once per process.

`app.py` (and the local stack, which serves the same app) calls `build_services` and nothing
else from here; the agent has its own root, workers/agent/wiring.py, which reuses
`build_ticket_events`. Nothing heavy happens at import time (Lambda cold starts).
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING

from chalicelib.adapters.aws.agent_control import SqsAgentControl
from chalicelib.adapters.aws.agent_registry import DynamoAgentRegistry
from chalicelib.adapters.aws.audit_log import DynamoAuditLog
from chalicelib.adapters.aws.blob_store import S3BlobStore
from chalicelib.adapters.aws.blocklist import DynamoBlocklist
from chalicelib.adapters.aws.catalog_cache import DynamoCatalogCache
from chalicelib.adapters.aws.clients import aws_client
from chalicelib.adapters.aws.connections import (
    DynamoConnections,
    ManagementApiPoster,
    NoConnections,
    build_connection_model,
    management_client,
)
from chalicelib.adapters.aws.health import aws_health_checks
from chalicelib.adapters.aws.models import build_models
from chalicelib.adapters.aws.rate_limiter import DynamoRateLimiter
from chalicelib.adapters.aws.search_cache import DynamoSearchCache
from chalicelib.adapters.aws.searcher_models import SearcherModels, build_searcher_models
from chalicelib.adapters.aws.step_functions import (
    FlowTimeouts,
    QueueDirectory,
    StepFunctionsWorkflow,
)
from chalicelib.adapters.aws.ticket_store import DynamoTicketStore
from chalicelib.adapters.aws.torrent_catalog import DynamoTorrentCatalog
from chalicelib.adapters.catalogs.wiring import Catalogs, build_catalogs
from chalicelib.adapters.clock import SystemClock
from chalicelib.adapters.observability.emf import EmfMetrics
from chalicelib.adapters.torznab import Backend, TorznabConfig, TorznabSearcher
from chalicelib.auth import Authenticator, build_gate
from chalicelib.config import Config, ConfigError, load_config
from chalicelib.domain.catalog import RetentionPolicy
from chalicelib.domain.errors import ValidationError
from chalicelib.ports import (
    AgentRegistry,
    AuditLog,
    BlobStore,
    Blocklist,
    CandidateSource,
    Clock,
    ConnectionPoster,
    ConnectionStore,
    FlowStatus,
    Metrics,
    MusicCatalog,
    RateLimiter,
    TicketEvents,
    TicketStore,
    TorrentCatalog,
    Workflow,
)
from chalicelib.realtime.broadcaster import Broadcaster
from chalicelib.realtime.service import RealtimeService
from chalicelib.services.acquisition import AcquisitionService
from chalicelib.services.audit import AuditRecorder
from chalicelib.services.candidate_source import IndexerCandidateSource, NoIndexers
from chalicelib.services.catalog_enrichment import CatalogEnrichment
from chalicelib.services.catalog_lookup import CatalogLookup
from chalicelib.services.flow_stages import FlowStages
from chalicelib.services.flow_state import FlowState
from chalicelib.services.health import Check, HealthService
from chalicelib.services.metrics import MeteredAuditLog
from chalicelib.services.searching import SearchService
from chalicelib.services.tickets import NoEvents, TicketService
from chalicelib.textbrain.brain import BrainMode, TextBrain
from chalicelib.textbrain.llm_cost import LlmPrices
from chalicelib.textbrain.llm_port import LlmClient
from chalicelib.textbrain.preferences import RankingPreferences

if TYPE_CHECKING:
    from chalicelib.adapters.llm.config import LlmConfig

log = logging.getLogger("quentin.bootstrap")
CONFIG_ENV = "QT_CONFIG_FILE"


@dataclass(frozen=True)
class Flow:
    """What the flow's Lambda stages and the reconciler need."""

    workflow: Workflow
    status: FlowStatus
    state: FlowState
    acquisition: AcquisitionService
    stages: FlowStages


@dataclass(frozen=True)
class Searching:
    """The searcher's memory (shared by every process), and search when indexers are set."""

    rate_limiter: RateLimiter
    blocklist: Blocklist
    catalog: TorrentCatalog
    search: SearchService | None  # None when no [searcher] url is configured


@dataclass(frozen=True)
class Services:
    config: Config
    clock: Clock
    authenticator: Authenticator
    store: TicketStore
    audit_log: AuditLog
    recorder: AuditRecorder
    blobs: BlobStore
    tickets: TicketService
    health: HealthService
    realtime: RealtimeService
    flow: Flow
    rate_limiter: RateLimiter
    blocklist: Blocklist
    catalog: TorrentCatalog
    searching: SearchService | None  # None when no [searcher] url is configured
    lookup: CatalogLookup  # the catalogs behind /music/album, /video/movie, /video/episode


def config_from_env() -> Config:
    """The configuration named by QT_CONFIG_FILE (the local stack and Lambda both set it)."""
    path = os.environ.get(CONFIG_ENV)
    if not path:
        raise ConfigError(f"{CONFIG_ENV} is not set: it must name the configuration file")
    return load_config(path)


def build_services(config: Config, metrics: Metrics | None = None) -> Services:
    """Every service wired; `metrics` defaults to EMF lines on stdout."""
    models = build_models(config)
    clock = SystemClock()
    store = DynamoTicketStore(models)
    audit_log = MeteredAuditLog(DynamoAuditLog(models), metrics or EmfMetrics())
    recorder = AuditRecorder(audit_log, clock)
    blobs = S3BlobStore(aws_client(config, "s3"), config.exports_bucket)
    connections, poster, broadcaster = _realtime_parts(config)
    events: TicketEvents = broadcaster if broadcaster is not None else NoEvents()
    workflow = build_workflow(config)
    authenticator = build_gate(config.auth, recorder)
    tickets = TicketService(store, recorder, clock, config.placement.allowed_roots,
                            events=events, workflow=workflow)
    searcher_models = build_searcher_models(config)
    searching = build_searching(config, searcher_models, recorder, clock)
    catalogs = build_catalog_clients(config, searcher_models, clock)
    health = HealthService([*aws_health_checks(config, workflow)], clock=clock,
                           agents=DynamoAgentRegistry(searcher_models),
                           agent_gone_secs=config.agent.gone_after_secs)
    if config.textbrain.mode != "dumb-only":
        from chalicelib.adapters.llm.health import LlmReachabilityProbe

        health.add(LlmReachabilityProbe(llm_config(config)))
    if searching.search is not None:  # an indexer's health is its back-off state, no request
        for indexer in searching.search.indexers:
            health.add(Check(f"indexer_{indexer}",
                             partial(searching.search.check_indexer, indexer)))
    return Services(
        config=config,
        clock=clock,
        authenticator=authenticator,
        store=store,
        audit_log=audit_log,
        recorder=recorder,
        blobs=blobs,
        tickets=tickets,
        health=health,
        realtime=RealtimeService(authenticator, connections, poster, tickets, clock),
        flow=build_flow(config, workflow, store, recorder, events, clock, searching,
                        catalogs.music),
        rate_limiter=searching.rate_limiter,
        blocklist=searching.blocklist,
        catalog=searching.catalog,
        searching=searching.search,
        lookup=CatalogLookup(catalogs.music, catalogs.video, catalogs.templates),
    )


def build_catalog_clients(config: Config, models: SearcherModels, clock: Clock) -> Catalogs:
    """The catalog clients; their rate limits and cache share the searcher's tables."""
    c = config.external_catalogs
    return build_catalogs(
        c, clock, cache=DynamoCatalogCache(models, clock),
        mb_limiter=DynamoRateLimiter(models, clock, c.musicbrainz_min_interval_secs),
        limiter=DynamoRateLimiter(models, clock, 0.0))


def build_ticket_events(config: Config) -> TicketEvents:
    """The WebSocket broadcaster when a WebSocket API is configured, else nobody listens."""
    broadcaster = _realtime_parts(config)[2]
    return broadcaster if broadcaster is not None else NoEvents()


def _realtime_parts(
    config: Config,
) -> tuple[ConnectionStore, ConnectionPoster, Broadcaster | None]:
    """The connection store, the poster, and the Broadcaster (None without a WebSocket API)."""
    connections = DynamoConnections(build_connection_model(config))
    if not config.aws.websocket_management_url:
        return connections, NoConnections(), None
    poster = ManagementApiPoster(management_client(config))
    return connections, poster, Broadcaster(connections, poster)


def torznab_config(config: Config) -> TorznabConfig:
    """The Torznab searcher's settings from [searcher]; ConfigError naming the bad key."""
    s = config.searcher
    try:
        return TorznabConfig(Backend(s.backend), s.url, s.api_key, timeout_secs=s.timeout_secs,
                             indexers=s.indexers, min_interval_secs=s.min_interval_secs,
                             cache_ttl_secs=float(s.cache_ttl_secs))  # fmt: skip
    except ValidationError as e:
        raise ConfigError(e.message.replace("torznab.", "searcher.")) from e


def build_searching(config: Config, models: SearcherModels, recorder: AuditRecorder,
                    clock: Clock) -> Searching:
    limiter = DynamoRateLimiter(models, clock, config.searcher.min_interval_secs)
    blocklist = DynamoBlocklist(models, clock)
    policy = RetentionPolicy(config.torrent_client.seed_ratio, config.torrent_client.seed_time_secs)
    catalog = DynamoTorrentCatalog(models, clock, policy)
    if not config.searcher.url:
        return Searching(limiter, blocklist, catalog, None)
    settings = torznab_config(config)
    cache = DynamoSearchCache(models, clock, config.searcher.cache_ttl_secs)
    searcher = TorznabSearcher(settings, clock=clock, rate_limiter=limiter, cache=cache)
    search = SearchService(searcher, blocklist, recorder, limiter, clock,
                           indexers=settings.indexers, searcher_name=settings.backend.value)
    return Searching(limiter, blocklist, catalog, search)


def build_workflow(config: Config) -> StepFunctionsWorkflow:
    prefix = config.aws.resource_prefix
    o = config.orchestrator
    timeouts = FlowTimeouts(stage_secs=o.stage_timeout_secs,
                            heartbeat_secs=o.heartbeat_timeout_secs,
                            approval_secs=o.approval_timeout_secs)
    sqs = aws_client(config, "sqs")
    registry = DynamoAgentRegistry(build_searcher_models(config))
    clock = SystemClock()
    gone_after = config.agent.gone_after_secs

    def alive_agents() -> list[str]:
        return [b.agent_id for b in registry.agents()
                if not b.is_gone(clock.now(), gone_after)]

    return StepFunctionsWorkflow(aws_client(config, "stepfunctions"), sqs,
                                 f"{prefix}-ticket-flow", QueueDirectory(sqs, prefix), timeouts,
                                 SqsAgentControl(sqs, prefix, alive_agents))


def llm_config(config: Config) -> LlmConfig:
    """The LLM client's settings from [textbrain.llm]."""
    from chalicelib.adapters.llm.config import LlmConfig

    s = config.textbrain.llm
    return LlmConfig(provider=s.provider, model=s.model, base_url=s.base_url or None,
                     api_key=s.api_key or None, timeout_secs=s.timeout_secs,
                     max_retries=s.max_retries)


def build_brain(config: Config) -> TextBrain:
    settings = config.textbrain
    llm: LlmClient | None = None
    if settings.mode != "dumb-only":
        # Imported only when an LLM is configured: the HTTP clients are not needed otherwise.
        from chalicelib.adapters.llm.factory import build_llm_client

        llm = build_llm_client(llm_config(config))
    preferences = RankingPreferences.from_mapping({
        "preferred_resolutions": settings.preferred_resolutions,
        "preferred_video_codecs": settings.preferred_video_codecs,
        "preferred_release_groups": settings.preferred_release_groups,
        "avoided_release_groups": settings.avoided_release_groups,
    })
    return TextBrain(BrainMode(settings.mode), llm,
                     auto_approve_threshold=settings.auto_approve_threshold,
                     preferences=preferences)


def agent_alive(registry: AgentRegistry, clock: Clock,
                gone_after_secs: float) -> Callable[[str], bool]:
    """Whether an agent has been heard of lately (the registry unreachable: assume so, never
    give up kept files on a guess)."""
    def alive(agent_id: str) -> bool:
        try:
            beat = registry.get(agent_id)
        except Exception:
            log.warning("agent registry unreachable", exc_info=True)
            return True
        return beat is not None and not beat.is_gone(clock.now(), gone_after_secs)
    return alive


def agent_silence(registry: AgentRegistry, clock: Clock,
                  gone_after_secs: float) -> Callable[[str], str | None]:
    """How long a gone agent has been silent, as a phrase; None while it reports."""
    def silence(agent_id: str) -> str | None:
        beat = registry.get(agent_id)
        if beat is None:
            return "has never reported"
        if not beat.is_gone(clock.now(), gone_after_secs):
            return None
        return (f"has been silent for {int(beat.silent_for(clock.now()).total_seconds())} s "
                f"(limit {gone_after_secs:g} s)")
    return silence


def build_flow(config: Config, workflow: StepFunctionsWorkflow, store: TicketStore,
               recorder: AuditRecorder, events: TicketEvents, clock: Clock,
               searching: Searching, music: MusicCatalog | None = None) -> Flow:
    source: CandidateSource = (IndexerCandidateSource(searching.search)
                               if searching.search is not None else NoIndexers())
    acquisition = AcquisitionService(
        FlowState(store, recorder, events, clock, actor="acquisition"), store,
        build_brain(config), source, recorder, searching.blocklist,
        config.textbrain.auto_approve_threshold, searching.catalog,
        CatalogEnrichment(music),
        LlmPrices(config.textbrain.llm.prompt_usd_per_mtok,
                  config.textbrain.llm.completion_usd_per_mtok),
        keeper_alive=agent_alive(DynamoAgentRegistry(build_searcher_models(config)), clock,
                                 config.agent.gone_after_secs),
    )
    state = FlowState(store, recorder, events, clock)
    gone = agent_silence(DynamoAgentRegistry(build_searcher_models(config)), clock,
                         config.agent.gone_after_secs)
    return Flow(workflow, workflow, state, acquisition, FlowStages(store, state, workflow, gone))
