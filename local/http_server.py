"""Chalice's local HTTP server, made to hand the app what API Gateway would: the caller's real
address (`requestContext.identity.sourceIp`; Chalice reports 127.0.0.1 for everyone) and,
with TLS, the verified client certificate (`identity.clientCert.clientCertPem`)."""

from __future__ import annotations

import json
import logging
import re
import socket
import ssl
import time
from http import HTTPStatus
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
# What a header value may not carry: CR/LF would end the header (response splitting), the
# other control characters have no business there either.
_HEADER_CONTROL = re.compile(r"[\x00-\x08\x0a-\x1f\x7f]")
DEFAULT_MAX_BODY_BYTES = 1_048_576


class _Refused(Exception):
    """A request refused before its body is read: the status and the JSON error it gets."""

    def __init__(self, status: int, error: str, field: str, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.body = {"error": error, "message": f"{field}: {message}",
                     "errors": [{"field": field, "message": message}]}


def _json_bytes(body: dict[str, Any]) -> bytes:
    return json.dumps(body).encode()


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

    def _parse_payload(self) -> tuple[Any, bytes | None]:
        """The body, read only when its declared length is sound and within the limit: a
        hostile length must not make the server buffer gigabytes or read the next request."""
        if self.headers.get("Transfer-Encoding") is not None:
            # Chalice would ignore a chunked body and then parse its chunks as the next request.
            raise _Refused(411, "LengthRequired", "Transfer-Encoding",
                           "chunked bodies are not accepted; send Content-Length")
        lengths = self.headers.get_all("Content-Length") or []
        if len(lengths) > 1:
            raise _Refused(400, "ValidationError", "Content-Length", "is given more than once")
        declared = lengths[0].strip() if lengths else "0"
        if not declared.isdigit() or not declared.isascii():
            raise _Refused(400, "ValidationError", "Content-Length",
                           "must be a non-negative integer")
        length = int(declared)
        limit = int(getattr(self.server, "max_body_bytes", DEFAULT_MAX_BODY_BYTES))
        if length > limit:
            raise _Refused(413, "PayloadTooLarge", "body",
                           f"the request body is larger than {limit} bytes")
        body = self.rfile.read(length) if length else None
        if body is not None and len(body) < length:
            raise _Refused(400, "ValidationError", "body",
                           "ended before Content-Length bytes arrived")
        return dict(self.headers), body

    def _generic_handle(self) -> None:
        try:
            super()._generic_handle()
        except _Refused as refused:
            # The unread body (or the rest of a chunked one) is still on the connection.
            self.close_connection = True
            self._send_json(refused.status, refused.body, {"Connection": "close"})
            self._drain_before_close()

    def _drain_before_close(self, seconds: float = 1.0, most: int = 4 * 1_048_576) -> None:
        """Closing with unread bytes makes the kernel send a reset, which can destroy the
        refusal before the client reads it: say we are done writing, then read (and drop)
        what the client is still sending, for a moment."""
        try:
            self.wfile.flush()
            self.connection.shutdown(socket.SHUT_WR)
            self.connection.settimeout(seconds)
            deadline = time.monotonic() + seconds
            drained = 0
            while drained < most and time.monotonic() < deadline:
                chunk = self.connection.recv(65536)
                if not chunk:
                    break
                drained += len(chunk)
        except OSError:
            pass  # the client went away: nothing left to protect

    do_GET = do_PUT = do_POST = do_HEAD = do_DELETE = do_PATCH = do_OPTIONS = _generic_handle

    def _send_json(self, status: int, body: dict[str, Any],
                   headers: dict[str, str] | None = None) -> None:
        data = _json_bytes(body)
        self.send_response(status)
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(data)

    def send_error(self, code: int, message: str | None = None,
                   explain: str | None = None) -> None:
        """The standard library's own refusals (malformed request line, 414, 431, ...) as
        JSON like every other answer, instead of its HTML page."""
        try:
            phrase = HTTPStatus(code).phrase
        except ValueError:
            phrase = "Error"
        self.log_error("code %d, message %s", code, message)
        self.close_connection = True
        body = {"error": phrase.replace(" ", ""), "message": message or phrase}
        data = _json_bytes(body)
        self.send_response(code, phrase)
        self.send_header("Connection", "close")
        if code >= 200 and code not in (HTTPStatus.NO_CONTENT, HTTPStatus.RESET_CONTENT,
                                         HTTPStatus.NOT_MODIFIED):
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(data)
        else:
            self.end_headers()

    def send_header(self, keyword: str, value: str) -> None:
        # Whatever reaches a header (a route's Location, an echoed value), CR/LF cannot split
        # the response: control characters are percent-encoded.
        def escape(text: str) -> str:
            return _HEADER_CONTROL.sub(lambda m: f"%{ord(m[0]):02X}", text)

        super().send_header(escape(str(keyword)), escape(str(value)))

    # 405 (as API Gateway answers) instead of 501 to the methods no route can have (TRACE,
    # CONNECT, anything invented).
    def __getattr__(self, name: str) -> Any:
        if name.startswith("do_"):
            return self._method_not_allowed
        raise AttributeError(name)

    def _method_not_allowed(self) -> None:
        self._discard_body()
        self._send_json(405, {"error": "MethodNotAllowed",
                              "message": f"method {self.command} is not allowed"},
                        {"Allow": ", ".join(ROUTED_METHODS)})

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
    max_body_bytes = DEFAULT_MAX_BODY_BYTES  # the handler refuses longer bodies unread

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
                 tls: ssl.SSLContext | None = None,
                 max_body_bytes: int = DEFAULT_MAX_BODY_BYTES) -> LocalDevServer:
    """Chalice's local server (as chalice.local.create_local_server builds it), with our
    handler, TLS when given a context, and bodies over `max_body_bytes` refused unread."""
    CustomLocalChalice.__bases__ = (LocalChalice, app.__class__)
    app.__class__ = CustomLocalChalice
    server = LocalDevServer(app, ChaliceConfig.create(app_name="quentin-torrentino"), host, port,
                            handler_cls=PeerRequestHandler, server_cls=_QuietServer)
    server.server.max_body_bytes = max_body_bytes
    if tls is not None:
        # The handshake happens on the handler's thread at its first read, so a slow or
        # hostile client cannot hold up accepting others.
        server.server.socket = tls.wrap_socket(server.server.socket, server_side=True,
                                               do_handshake_on_connect=False)
    return server
