"""The composition root: build the services from the configuration, once per process."""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any

from chalicelib.adapters.aws.audit_log import DynamoAuditLog
from chalicelib.adapters.aws.blob_store import S3BlobStore
from chalicelib.adapters.aws.clients import aws_client
from chalicelib.adapters.aws.models import build_models
from chalicelib.adapters.aws.ticket_store import DynamoTicketStore
from chalicelib.auth import Authenticator, build_authenticator
from chalicelib.config import Config, ConfigError, load_config
from chalicelib.services.audit import AuditRecorder
from chalicelib.services.clock import SystemClock
from chalicelib.services.health import Check, HealthService
from chalicelib.services.tickets import TicketService

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


def config_from_env() -> Config:
    """The configuration named by QT_CONFIG_FILE (the local stack and Lambda both set it)."""
    path = os.environ.get(CONFIG_ENV)
    if not path:
        raise ConfigError(f"{CONFIG_ENV} is not set: it must name the configuration file")
    return load_config(path)


def build_services(config: Config) -> Services:
    models = build_models(config)
    clock = SystemClock()
    store = DynamoTicketStore(models)
    audit_log = DynamoAuditLog(models)
    recorder = AuditRecorder(audit_log, clock)
    s3 = aws_client(config, "s3")
    dynamodb = aws_client(config, "dynamodb")
    blobs = S3BlobStore(s3, config.exports_bucket)
    tickets = TicketService(store, recorder, clock, config.placement.allowed_roots)

    def table_status(name: str) -> Any:
        return lambda: {"table": name,
                        "status": dynamodb.describe_table(TableName=name)["Table"]["TableStatus"]}

    health = HealthService(
        [
            Check("dynamodb_tickets", table_status(config.tickets_table)),
            Check("dynamodb_audit", table_status(config.audit_table)),
            Check("s3_exports", lambda: s3.head_bucket(Bucket=config.exports_bucket) and None),
        ]
    )
    return Services(
        config=config,
        authenticator=build_authenticator(config.auth),
        tickets=tickets,
        audit_log=audit_log,
        recorder=recorder,
        blobs=blobs,
        health=health,
        clock=clock,
    )
