"""API Gateway's WebSocket API on loopback, for the local stack (`chalice local` has none).

It calls the very same Chalice handlers (`app.on_ws_connect/on_ws_message/on_ws_disconnect`)
with API Gateway-shaped events, and serves the Management API's connection operations
(`POST/GET/DELETE /@connections/{id}`) over HTTP on a second port, so the Broadcaster posts
through the same boto3 `apigatewaymanagementapi` client it uses in AWS.

Like API Gateway, a connection can be posted to only once `$connect` has accepted it.
Query strings (which may carry an API key) are never logged.
"""

from __future__ import annotations

import asyncio
import importlib
import json
import logging
import os
import secrets
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, unquote, urlsplit

from chalice.app import Chalice
from websockets.asyncio.server import Server, ServerConnection, serve
from websockets.exceptions import ConnectionClosed
from websockets.http11 import Request, Response

log = logging.getLogger("quentin.ws_gateway")
Handler = Callable[[dict[str, Any], Any], Any]
_CONNECTIONS = "/@connections/"
WS_PATH = "/api/v1/ws"


@dataclass
class _Open:
    websocket: ServerConnection
    connected_at: float
    source_ip: str
    last_active: float


def resolve_handlers(app: Chalice) -> dict[str, Handler]:
    """The app's WebSocket handler functions by route key ($connect, $default, $disconnect)."""
    found: dict[str, Handler] = {}
    for route_key, config in app.websocket_handlers.items():
        module_name, _, attr = config.handler_string.rpartition(".")
        found[route_key] = getattr(importlib.import_module(module_name), attr)
    missing = {"$connect", "$default", "$disconnect"} - set(found)
    if missing:
        raise ValueError(f"the Chalice app has no WebSocket handler for {sorted(missing)}")
    return found


class WsGateway:
    """Serve WebSocket clients on `host:port` and the Management API on 127.0.0.1."""

    def __init__(self, handlers: dict[str, Handler], host: str = "127.0.0.1", port: int = 0,
                 region: str = "us-east-1",
                 on_open: Callable[[str], object] | None = None) -> None:
        self._handlers = handlers
        # Called once a connection may be posted to (API Gateway has no such hook): the local
        # stack sends the connection's first snapshot from it.
        self._on_open = on_open
        self._host = host
        self._port = port
        self._loop = asyncio.new_event_loop()
        self._thread: threading.Thread | None = None
        self._server: Server | None = None
        self._pending: dict[int, tuple[str, str | None]] = {}
        self._open: dict[str, _Open] = {}
        self._lock = threading.Lock()
        self._management: ThreadingHTTPServer | None = None
        self._management_thread: threading.Thread | None = None
        # Chalice's WebsocketAPI wants a region even though we never use its client.
        os.environ.setdefault("AWS_DEFAULT_REGION", region)

    # --- addresses -------------------------------------------------------------------------
    @property
    def port(self) -> int:
        assert self._server is not None, "start() first"
        return int(next(iter(self._server.sockets)).getsockname()[1])

    @property
    def url(self) -> str:
        """The design's path; the gateway answers on any path (API Gateway's stage URL)."""
        return f"ws://{self._host}:{self.port}{WS_PATH}"

    @property
    def management_url(self) -> str:
        assert self._management is not None, "start() first"
        return f"http://127.0.0.1:{self._management.server_address[1]}"

    # --- life cycle ------------------------------------------------------------------------
    def start(self) -> None:
        self._thread = threading.Thread(target=self._loop.run_forever, daemon=True,
                                        name="ws-gateway")
        self._thread.start()
        self._server = asyncio.run_coroutine_threadsafe(self._serve(), self._loop).result(10)
        self._management = ThreadingHTTPServer(("127.0.0.1", 0), self._management_handler())
        self._management.daemon_threads = True
        self._management_thread = threading.Thread(target=self._management.serve_forever,
                                                   daemon=True, name="ws-management-api")
        self._management_thread.start()
        log.info("websocket gateway serving", extra={"url": self.url,
                                                     "management_url": self.management_url})

    async def _serve(self) -> Server:
        return await serve(self._session, self._host, self._port,
                           process_request=self._on_handshake,
                           select_subprotocol=self._select_subprotocol)

    def stop(self) -> None:
        """Close every connection (each gets its $disconnect), then stop serving."""
        if self._management is not None:
            self._management.shutdown()
            self._management.server_close()
        if self._server is not None and self._loop.is_running():
            server = self._server

            async def close() -> None:
                server.close()
                await server.wait_closed()

            try:
                asyncio.run_coroutine_threadsafe(close(), self._loop).result(15)
            except TimeoutError:
                log.warning("websocket gateway did not close in time")
        if self._loop.is_running():
            self._loop.call_soon_threadsafe(self._loop.stop)
        if self._thread is not None:
            self._thread.join(timeout=5)

    # --- the WebSocket side ----------------------------------------------------------------
    def _event(self, route: str, event_type: str, connection_id: str, source_ip: str,
               **extra: Any) -> dict[str, Any]:
        return {
            "requestContext": {
                "routeKey": route, "eventType": event_type, "connectionId": connection_id,
                "domainName": f"{self._host}:{self._port}", "stage": "local", "apiId": "local",
                "identity": {"sourceIp": source_ip},
                "requestTimeEpoch": int(time.time() * 1000),
            },
            "isBase64Encoded": False,
            **extra,
        }

    async def _call(self, route: str, event: dict[str, Any]) -> dict[str, Any]:
        # Handlers block on DynamoDB and may post back to this very connection, which needs
        # this loop free: run them on a worker thread.
        result = await self._loop.run_in_executor(None, self._handlers[route], event, None)
        return result if isinstance(result, dict) else {"statusCode": 200}

    async def _on_handshake(self, connection: ServerConnection, request: Request
                            ) -> Response | None:
        connection_id = secrets.token_urlsafe(12)
        split = urlsplit(request.path)
        headers = {k.lower(): v for k, v in request.headers.raw_items()}
        source_ip = str(connection.remote_address[0]) if connection.remote_address else ""
        event = self._event("$connect", "CONNECT", connection_id, source_ip, headers=headers,
                            queryStringParameters=dict(parse_qsl(split.query)) or None)
        try:
            answer = await self._call("$connect", event)
        except Exception:
            log.exception("$connect handler failed")
            return connection.respond(500, "Internal server error\n")
        status = int(answer.get("statusCode", 200))
        if status != 200:
            return connection.respond(status, str(answer.get("body") or "Forbidden") + "\n")
        chosen = (answer.get("headers") or {}).get("Sec-WebSocket-Protocol")
        self._pending[id(connection)] = (connection_id, chosen)
        return None

    def _select_subprotocol(self, connection: ServerConnection, offered: Any) -> Any:
        chosen = self._pending.get(id(connection), ("", None))[1]
        return chosen if chosen in offered else None

    async def _session(self, websocket: ServerConnection) -> None:
        connection_id, _ = self._pending.pop(id(websocket))
        source_ip = str(websocket.remote_address[0]) if websocket.remote_address else ""
        now = time.time()
        with self._lock:
            self._open[connection_id] = _Open(websocket, now, source_ip, now)
        if self._on_open is not None:
            try:
                await self._loop.run_in_executor(None, self._on_open, connection_id)
            except Exception:
                log.exception("on_open failed", extra={"connection_id": connection_id})
        try:
            async for message in websocket:
                with self._lock:
                    self._open[connection_id].last_active = time.time()
                body = message if isinstance(message, str) else message.decode("utf-8", "replace")
                try:
                    await self._call("$default", self._event(
                        "$default", "MESSAGE", connection_id, source_ip, body=body))
                except Exception:
                    log.exception("$default handler failed",
                                  extra={"connection_id": connection_id})
        except ConnectionClosed:
            pass
        finally:
            with self._lock:
                self._open.pop(connection_id, None)
            try:
                await self._call("$disconnect", self._event(
                    "$disconnect", "DISCONNECT", connection_id, source_ip))
            except Exception:
                log.exception("$disconnect handler failed",
                              extra={"connection_id": connection_id})

    # --- the Management API side -----------------------------------------------------------
    def post_to_connection(self, connection_id: str, data: bytes) -> bool:
        """Send one message; False if there is no such open connection (GoneException)."""
        with self._lock:
            entry = self._open.get(connection_id)
        if entry is None:
            return False
        try:
            text = data.decode("utf-8")
            payload: str | bytes = text
        except UnicodeDecodeError:
            payload = data
        try:
            asyncio.run_coroutine_threadsafe(entry.websocket.send(payload), self._loop).result(10)
        except ConnectionClosed:
            return False
        return True

    def delete_connection(self, connection_id: str) -> bool:
        with self._lock:
            entry = self._open.get(connection_id)
        if entry is None:
            return False
        asyncio.run_coroutine_threadsafe(entry.websocket.close(), self._loop).result(10)
        return True

    def connection_info(self, connection_id: str) -> dict[str, Any] | None:
        with self._lock:
            entry = self._open.get(connection_id)
        if entry is None:
            return None
        return {
            "ConnectedAt": datetime.fromtimestamp(entry.connected_at, UTC).isoformat(),
            "LastActiveAt": datetime.fromtimestamp(entry.last_active, UTC).isoformat(),
            "Identity": {"SourceIp": entry.source_ip, "UserAgent": ""},
        }

    def _management_handler(self) -> type[BaseHTTPRequestHandler]:
        gateway = self

        class ManagementApi(BaseHTTPRequestHandler):
            def _connection_id(self) -> str | None:
                path = urlsplit(self.path).path
                if not path.startswith(_CONNECTIONS):
                    self._answer(404, {"message": "Not Found"})
                    return None
                return unquote(path[len(_CONNECTIONS):])

            def _answer(self, status: int, body: dict[str, Any] | None,
                        error: str | None = None) -> None:
                raw = json.dumps(body).encode() if body is not None else b""
                self.send_response(status)
                if error:
                    self.send_header("x-amzn-ErrorType", error)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(raw)))
                self.end_headers()
                self.wfile.write(raw)

            def _gone(self) -> None:
                self._answer(410, {"message": "Gone"}, "GoneException")

            def do_POST(self) -> None:
                connection_id = self._connection_id()
                if connection_id is None:
                    return
                data = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                if gateway.post_to_connection(connection_id, data):
                    self._answer(200, None)
                else:
                    self._gone()

            def do_DELETE(self) -> None:
                connection_id = self._connection_id()
                if connection_id is None:
                    return
                if gateway.delete_connection(connection_id):
                    self._answer(204, None)
                else:
                    self._gone()

            def do_GET(self) -> None:
                connection_id = self._connection_id()
                if connection_id is None:
                    return
                info = gateway.connection_info(connection_id)
                if info is None:
                    self._gone()
                else:
                    self._answer(200, info)

            def log_message(self, format: str, *args: Any) -> None:
                return None  # the access log would only repeat connection ids

        return ManagementApi
