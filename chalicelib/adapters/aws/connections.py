"""WebSocket connections in DynamoDB (PynamoDB), and posting to them via the Management API."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import boto3
from botocore.config import Config as BotoConfig
from botocore.exceptions import ClientError
from pynamodb.attributes import (
    BooleanAttribute,
    NumberAttribute,
    TTLAttribute,
    UnicodeAttribute,
)
from pynamodb.exceptions import DoesNotExist, UpdateError
from pynamodb.indexes import AllProjection, GlobalSecondaryIndex
from pynamodb.models import Model

from chalicelib.config import Config
from chalicelib.domain.connections import Connection, Subscription, Viewer
from chalicelib.ports import ConnectionGone

# API Gateway closes a WebSocket after 2 hours at most; the TTL sweeps what $disconnect missed.
CONNECTION_TTL_SECS = 3 * 3600
_KIND = "connection"


def build_connection_model(config: Config) -> type[Any]:
    """The PynamoDB model of the connections table for this configuration's endpoint."""
    meta: dict[str, Any] = {"table_name": config.connections_table, "region": config.aws.region}
    if config.aws.endpoint_url:
        meta.update(host=config.aws.endpoint_url, aws_access_key_id=config.aws.access_key_id,
                    aws_secret_access_key=config.aws.secret_access_key)

    # PynamoDB's index classes are untyped and its Meta is a protocol built dynamically here.
    class ConnectionsByKind(GlobalSecondaryIndex[Any]):  # type: ignore[no-untyped-call]
        Meta = type("Meta", (), {"index_name": "by_kind", "projection": AllProjection()})
        kind = UnicodeAttribute(hash_key=True)
        connected_at = UnicodeAttribute(range_key=True)

    class ConnectionModel(Model):
        Meta = type("Meta", (), meta)  # type: ignore[assignment]
        connection_id = UnicodeAttribute(hash_key=True)
        kind = UnicodeAttribute(default=_KIND)
        connected_at = UnicodeAttribute()
        user_id = UnicodeAttribute()
        is_admin = BooleanAttribute(default=False)
        subscription = UnicodeAttribute(default="{}")
        seq = NumberAttribute(default=0)
        expires_at = TTLAttribute(null=True)
        by_kind = ConnectionsByKind()

    return ConnectionModel


class DynamoConnections:
    """The ConnectionStore on DynamoDB; `next_seq` is an atomic ADD on the connection's item."""

    def __init__(self, model: type[Any]) -> None:
        self._model = model

    def add(self, conn: Connection) -> None:
        self._model(
            connection_id=conn.connection_id, kind=_KIND, connected_at=conn.connected_at,
            user_id=conn.viewer.user_id, is_admin=conn.viewer.is_admin,
            subscription=json.dumps(conn.subscription.to_dict()), seq=0,
            expires_at=timedelta(seconds=CONNECTION_TTL_SECS),
        ).save()

    def _to_connection(self, item: Any) -> Connection:
        return Connection(item.connection_id, Viewer(item.user_id, bool(item.is_admin)),
                          Subscription.from_dict(json.loads(item.subscription or "{}")),
                          item.connected_at)

    def get(self, connection_id: str) -> Connection | None:
        try:
            return self._to_connection(self._model.get(connection_id, consistent_read=True))
        except DoesNotExist:
            return None

    def set_subscription(self, connection_id: str, sub: Subscription) -> None:
        item = self._model(connection_id)
        try:
            item.update(actions=[self._model.subscription.set(json.dumps(sub.to_dict()))],
                        condition=self._model.connection_id.exists())
        except UpdateError as e:
            if not _condition_failed(e):
                raise

    def remove(self, connection_id: str) -> None:
        self._model(connection_id).delete()

    def all(self) -> Iterator[Connection]:
        for item in self._model.by_kind.query(_KIND):
            yield self._to_connection(item)

    def next_seq(self, connection_id: str) -> int | None:
        item = self._model(connection_id)
        try:
            item.update(actions=[self._model.seq.add(1)],
                        condition=self._model.connection_id.exists())
        except UpdateError as e:
            if _condition_failed(e):
                return None
            raise
        return int(item.seq)


def _condition_failed(error: UpdateError) -> bool:
    return error.cause_response_code == "ConditionalCheckFailedException"


class ManagementApiPoster:
    """`post_to_connection` through API Gateway's Management API (or the local gateway)."""

    def __init__(self, client: Any) -> None:
        self._client = client

    def post(self, connection_id: str, data: str) -> None:
        try:
            self._client.post_to_connection(ConnectionId=connection_id, Data=data.encode())
        except ClientError as e:
            if e.response.get("Error", {}).get("Code") == "GoneException":
                raise ConnectionGone(connection_id) from e
            raise


def management_client(config: Config) -> Any:
    """A Management API client for the configured endpoint (https://{api}/{stage} in AWS)."""
    kwargs: dict[str, Any] = {
        "region_name": config.aws.region,
        "endpoint_url": config.aws.websocket_management_url,
        "config": BotoConfig(connect_timeout=2, read_timeout=5,
                             retries={"max_attempts": 2, "mode": "standard"}),
    }
    if config.aws.endpoint_url:  # local or LocalStack: the same fake credentials
        kwargs.update(aws_access_key_id=config.aws.access_key_id,
                      aws_secret_access_key=config.aws.secret_access_key)
    return boto3.client("apigatewaymanagementapi", **kwargs)


class NoConnections:
    """The ConnectionPoster where no WebSocket API is configured: every client is gone."""

    def post(self, connection_id: str, data: str) -> None:
        raise ConnectionGone(connection_id)
