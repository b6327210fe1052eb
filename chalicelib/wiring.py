"""The composition root: build the services from the configuration, once per process."""

from __future__ import annotations

import os
from dataclasses import dataclass
from functools import partial
from typing import Any

from chalicelib.adapters.aws.audit_log import DynamoAuditLog
from chalicelib.adapters.aws.blob_store import S3BlobStore
from chalicelib.adapters.aws.blocklist import DynamoBlocklist
from chalicelib.adapters.aws.clients import aws_client
from chalicelib.adapters.aws.connections import (
    DynamoConnections,
    ManagementApiPoster,
    NoConnections,
    build_connection_model,
    management_client,
)
from chalicelib.adapters.aws.models import build_models
from chalicelib.adapters.aws.rate_limiter import DynamoRateLimiter
from chalicelib.adapters.aws.search_cache import DynamoSearchCache
from chalicelib.adapters.aws.searcher_models import build_searcher_models
from chalicelib.adapters.aws.ticket_store import DynamoTicketStore
from chalicelib.adapters.aws.torrent_catalog import DynamoTorrentCatalog
from chalicelib.adapters.clock import SystemClock
from chalicelib.adapters.torznab import Backend, TorznabConfig, TorznabSearcher
from chalicelib.auth import Authenticator, build_authenticator
from chalicelib.config import Config, ConfigError, load_config
from chalicelib.domain.catalog import RetentionPolicy
from chalicelib.domain.errors import ValidationError
from chalicelib.flow_wiring import Flow, build_flow, build_workflow
from chalicelib.realtime.broadcaster import Broadcaster
from chalicelib.realtime.service import RealtimeService
from chalicelib.services.audit import AuditRecorder
from chalicelib.services.health import Check, HealthService
from chalicelib.services.searching import SearchService
from chalicelib.services.tickets import NoEvents, TicketService

CONFIG_ENV = "QT_CONFIG_FILE"


@dataclass
class Services:
    config: Config
    authenticator: Authenticator
    tickets: TicketService
    audit_log: DynamoAuditLog
    recorder: AuditRecorder
    blobs: S3BlobStore
    health: HealthService
    clock: SystemClock
    realtime: RealtimeService | None = None
    rate_limiter: DynamoRateLimiter | None = None
    blocklist: DynamoBlocklist | None = None
    catalog: DynamoTorrentCatalog | None = None
    searching: SearchService | None = None  # None when no [searcher] url is configured
    flow: Flow | None = None
    store: DynamoTicketStore | None = None


def config_from_env() -> Config:
    """The configuration named by QT_CONFIG_FILE (the local stack and Lambda both set it)."""
    path = os.environ.get(CONFIG_ENV)
    if not path:
        raise ConfigError(f"{CONFIG_ENV} is not set: it must name the configuration file")
    return load_config(path)


def build_realtime(
    config: Config,
) -> tuple[DynamoConnections, ManagementApiPoster | NoConnections, Broadcaster | None]:
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


def build_searching(
    config: Config, recorder: AuditRecorder, clock: SystemClock
) -> tuple[DynamoRateLimiter, DynamoBlocklist, DynamoTorrentCatalog, SearchService | None]:
    """The searcher's memory (limiter, cache, blocklist, catalog) and, if configured, search."""
    models = build_searcher_models(config)
    limiter = DynamoRateLimiter(models, clock, config.searcher.min_interval_secs)
    blocklist = DynamoBlocklist(models, clock)
    policy = RetentionPolicy(config.torrent_client.seed_ratio, config.torrent_client.seed_time_secs)
    catalog = DynamoTorrentCatalog(models, clock, policy)
    if not config.searcher.url:
        return limiter, blocklist, catalog, None
    settings = torznab_config(config)
    cache = DynamoSearchCache(models, clock, config.searcher.cache_ttl_secs)
    searcher = TorznabSearcher(settings, clock=clock, rate_limiter=limiter, cache=cache)
    search = SearchService(searcher, blocklist, recorder, limiter, clock,
                           indexers=settings.indexers, searcher_name=settings.backend.value)
    return limiter, blocklist, catalog, search


def build_services(config: Config) -> Services:
    models = build_models(config)
    clock = SystemClock()
    store = DynamoTicketStore(models)
    audit_log = DynamoAuditLog(models)
    recorder = AuditRecorder(audit_log, clock)
    s3 = aws_client(config, "s3")
    dynamodb = aws_client(config, "dynamodb")
    blobs = S3BlobStore(s3, config.exports_bucket)
    connections, poster, broadcaster = build_realtime(config)
    workflow = build_workflow(config)
    tickets = TicketService(store, recorder, clock, config.placement.allowed_roots,
                            events=broadcaster, workflow=workflow)

    def table_status(name: str) -> Any:
        return lambda: {"table": name,
                        "status": dynamodb.describe_table(TableName=name)["Table"]["TableStatus"]}

    health = HealthService(
        [
            Check("dynamodb_tickets", table_status(config.tickets_table)),
            Check("dynamodb_audit", table_status(config.audit_table)),
            Check("s3_exports", lambda: s3.head_bucket(Bucket=config.exports_bucket) and None),
            Check("sqs_stage_queues", workflow.queue_depths),
            Check("stepfunctions_flow", workflow.describe_machine),
        ]
    )
    limiter, blocklist, catalog, searching = build_searching(config, recorder, clock)
    if searching is not None:  # an indexer's health is its back-off state, no request sent
        for indexer in searching.indexers:
            health.add(Check(f"indexer_{indexer}", partial(searching.check_indexer, indexer)))
    flow = build_flow(config, workflow, store, recorder, broadcaster or NoEvents(), clock,
                      searching, blocklist, catalog)
    return Services(
        flow=flow,
        store=store,
        config=config,
        authenticator=build_authenticator(config.auth),
        tickets=tickets,
        audit_log=audit_log,
        recorder=recorder,
        blobs=blobs,
        health=health,
        clock=clock,
        realtime=RealtimeService(build_authenticator(config.auth), connections, poster,
                                 tickets, clock),
        rate_limiter=limiter,
        blocklist=blocklist,
        catalog=catalog,
        searching=searching,
    )
