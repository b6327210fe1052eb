"""Chalice's local HTTP server, made to hand the app what API Gateway would: the caller's real
address (`requestContext.identity.sourceIp`; Chalice reports 127.0.0.1 for everyone) and,
with TLS, the verified client certificate (`identity.clientCert.clientCertPem`)."""

from __future__ import annotations

import json
import logging
import ssl
from http.server import HTTPServer
from typing import Any

from chalice.app import Chalice
from chalice.config import Config as ChaliceConfig
from chalice.local import (
    ChaliceRequestHandler,
    CustomLocalChalice,
    LocalChalice,
    LocalDevServer,
    LocalGateway,
    ThreadedHTTPServer,
)

log = logging.getLogger("quentin.http")


class _PeerGateway(LocalGateway):
    def __init__(self, app: Chalice, config: ChaliceConfig, handler: PeerRequestHandler) -> None:
        super().__init__(app, config)
        self._handler = handler

    def _generate_lambda_event(self, method: str, path: str, headers: Any,
                               body: bytes | None) -> Any:
        event = super()._generate_lambda_event(method, path, headers, body)
        identity = event["requestContext"]["identity"]
        identity["sourceIp"] = str(self._handler.client_address[0])
        pem = self._handler.peer_certificate_pem()
        if pem:
            identity["clientCert"] = {"clientCertPem": pem}
        return event


_MAX_DISCARD = 1 << 20
ROUTED_METHODS = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS")


class PeerRequestHandler(ChaliceRequestHandler):
    def __init__(self, request: Any, client_address: Any, server: HTTPServer,
                 app_object: Chalice, config: ChaliceConfig) -> None:
        # The gateway must exist before the base class starts handling the request.
        self.local_gateway = _PeerGateway(app_object, config, self)
        super(ChaliceRequestHandler, self).__init__(request, client_address, server)

    def peer_certificate_pem(self) -> str | None:
        """The client's certificate, which the TLS handshake verified against the CA."""
        if not isinstance(self.connection, ssl.SSLSocket):
            return None
        der = self.connection.getpeercert(binary_form=True)
        return ssl.DER_cert_to_PEM_cert(der) if der else None

    # 405 (as API Gateway answers) instead of 501 to the methods no route can have (TRACE,
    # CONNECT, anything invented).
    def __getattr__(self, name: str) -> Any:
        if name.startswith("do_"):
            return self._method_not_allowed
        raise AttributeError(name)

    def _method_not_allowed(self) -> None:
        self._discard_body()
        body = json.dumps({"error": "MethodNotAllowed",
                           "message": f"method {self.command} is not allowed"}).encode()
        self.send_response(405)
        self.send_header("Allow", ", ".join(ROUTED_METHODS))
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def _discard_body(self) -> None:
        """Read the refused request's body, so the next request on this keep-alive
        connection starts where it should (unread, it was parsed as a request line: 400)."""
        try:
            length = int(self.headers.get("Content-Length") or 0)
        except ValueError:
            length = -1
        if 0 <= length <= _MAX_DISCARD and "Transfer-Encoding" not in self.headers:
            self.rfile.read(length)
        else:  # unknown or huge: do not read it, end the connection after answering
            self.close_connection = True


class _QuietServer(ThreadedHTTPServer):
    # socketserver's default backlog of 5 resets connections when a handful of clients connect
    # at once on a busy machine (16 concurrent clients did).
    request_queue_size = 128

    def handle_error(self, request: Any, client_address: Any) -> None:
        # A refused TLS handshake (unknown CA, expired certificate) is the client's problem.
        log.info("connection failed", extra={"client": client_address[0]}, exc_info=True)


def tls_context(cert_file: str, key_file: str, client_ca: str | None) -> ssl.SSLContext:
    """A server context; with `client_ca`, client certificates are asked for and verified
    (optional, so that /health and unauthenticated pages still answer without one)."""
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    context.load_cert_chain(cert_file, key_file)
    if client_ca:
        context.load_verify_locations(client_ca)
        context.verify_mode = ssl.CERT_OPTIONAL
    return context


def local_server(app: Chalice, host: str, port: int,
                 tls: ssl.SSLContext | None = None) -> LocalDevServer:
    """Chalice's local server (as chalice.local.create_local_server builds it), with our
    handler, and TLS when given a context."""
    CustomLocalChalice.__bases__ = (LocalChalice, app.__class__)
    app.__class__ = CustomLocalChalice
    server = LocalDevServer(app, ChaliceConfig.create(app_name="quentin-torrentino"), host, port,
                            handler_cls=PeerRequestHandler, server_cls=_QuietServer)
    if tls is not None:
        # The handshake happens on the handler's thread at its first read, so a slow or
        # hostile client cannot hold up accepting others.
        server.server.socket = tls.wrap_socket(server.server.socket, server_side=True,
                                               do_handshake_on_connect=False)
    return server
