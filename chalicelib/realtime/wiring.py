"""Build the realtime parts for a configuration (called by the composition root)."""

from __future__ import annotations

from chalicelib.adapters.aws.connections import (
    DynamoConnections,
    ManagementApiPoster,
    build_connection_model,
    management_client,
)
from chalicelib.config import Config
from chalicelib.realtime.broadcaster import Broadcaster
from chalicelib.realtime.ports import ConnectionGone


class NoConnections:
    """Where no WebSocket API is configured: every post finds the client gone."""

    def post(self, connection_id: str, data: str) -> None:
        raise ConnectionGone(connection_id)


def build_realtime(
    config: Config,
) -> tuple[DynamoConnections, ManagementApiPoster | NoConnections, Broadcaster | None]:
    """The connection store, the poster, and the Broadcaster (None without a WebSocket API)."""
    connections = DynamoConnections(build_connection_model(config))
    if not config.aws.websocket_management_url:
        return connections, NoConnections(), None
    poster = ManagementApiPoster(management_client(config))
    return connections, poster, Broadcaster(connections, poster)
