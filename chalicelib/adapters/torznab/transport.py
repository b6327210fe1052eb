"""HTTP to indexers: bounded bodies, and every failure as a typed IndexerError.

Error messages never carry URLs: Torznab URLs hold the API key and download links often
hold a tracker passkey.
"""

from __future__ import annotations

import contextlib
import http.client
import socket
import threading
import time
import xml.etree.ElementTree as ET
from dataclasses import dataclass

import requests
from urllib3.exceptions import ReadTimeoutError

from chalicelib.adapters.torznab.documents import parse_xml, raise_if_error_document
from chalicelib.domain.indexers import (
    IndexerAuthError,
    IndexerError,
    IndexerResponseError,
    IndexerTimeout,
    IndexerUnavailable,
    RateLimited,
)

_CHUNK = 64 * 1024


class BodyTooLarge(Exception):
    """The response body exceeded the caller's byte limit."""


@dataclass(frozen=True)
class HttpAnswer:
    """Status, headers and (bounded) body of one response."""

    status: int
    headers: dict[str, str]
    body: bytes


class IndexerHttp:
    """GET requests to indexers through one pooled session."""

    def __init__(self, timeout_secs: float, session: requests.Session | None = None) -> None:
        self._timeout = timeout_secs
        self._session = session or requests.Session()

    def get(self, indexer: str, url: str, max_bytes: int, *, follow: bool = True) -> HttpAnswer:
        """GET `url` within the timeout (in all, not per read); raises IndexerTimeout or
        IndexerUnavailable, or BodyTooLarge past max_bytes."""
        started = time.monotonic()
        deadline: _Deadline | None = None
        try:
            with self._session.get(
                url, timeout=self._timeout, stream=True, allow_redirects=follow
            ) as response:
                deadline = _Deadline(response, self._timeout - (time.monotonic() - started))
                with deadline:
                    length = response.headers.get("Content-Length", "")
                    if length.isdigit() and int(length) > max_bytes:
                        raise BodyTooLarge(f"{length} bytes announced, limit {max_bytes}")
                    body = bytearray()
                    for chunk in response.iter_content(_CHUNK):
                        body += chunk
                        if len(body) > max_bytes:
                            raise BodyTooLarge(f"more than {max_bytes} bytes")
                if deadline.fired:
                    raise IndexerTimeout(indexer, self._late())
                return HttpAnswer(response.status_code, dict(response.headers), bytes(body))
        except requests.Timeout:
            raise IndexerTimeout(indexer, f"no answer within {self._timeout:g}s") from None
        except requests.RequestException as error:
            if deadline is not None and deadline.fired:
                raise IndexerTimeout(indexer, self._late()) from None
            # A read timeout while streaming the body surfaces as a ConnectionError.
            if isinstance(error, requests.ConnectionError) and _is_read_timeout(error):
                raise IndexerTimeout(indexer, f"no answer within {self._timeout:g}s") from None
            raise IndexerUnavailable(indexer, _failure(error)) from None

    def _late(self) -> str:
        return f"no complete answer within {self._timeout:g}s (the indexer sends too slowly)"

    def get_xml(self, indexer: str, url: str, max_bytes: int) -> ET.Element:
        """GET a Torznab document; error documents and bad statuses become typed errors."""
        try:
            answer = self.get(indexer, url, max_bytes)
        except BodyTooLarge as error:
            raise IndexerResponseError(indexer, f"response too large: {error}") from None
        root: ET.Element | None = None
        try:
            root = parse_xml(answer.body, indexer)
        except IndexerResponseError:
            if answer.status == 200:
                raise
        if root is not None:
            raise_if_error_document(root, indexer)
        if answer.status != 200:
            raise error_for_status(indexer, answer.status, answer.headers)
        assert root is not None
        return root


def error_for_status(indexer: str, status: int, headers: dict[str, str]) -> IndexerError:
    """The typed error for an HTTP status other than 200."""
    if status in (401, 403):
        return IndexerAuthError(indexer, f"HTTP {status}: access refused")
    if status == 429:
        retry = headers.get("Retry-After", "")
        return RateLimited(indexer, float(retry) if retry.isdigit() else 60.0, "HTTP 429")
    if status >= 500:
        return IndexerUnavailable(indexer, f"HTTP {status}")
    return IndexerResponseError(indexer, f"HTTP {status}")


class _Deadline:
    """Cuts a response off once the whole request has taken its time: the socket timeout
    only bounds each read, so a server that trickles a byte now and then never trips it."""

    def __init__(self, response: requests.Response, seconds: float) -> None:
        self.fired = False
        self._response = response
        self._timer = threading.Timer(max(0.0, seconds), self._cut)
        self._timer.daemon = True

    def _cut(self) -> None:
        self.fired = True
        sock = _socket_of(self._response)
        if sock is not None:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)  # wakes the blocked read: it sees the end

    def __enter__(self) -> _Deadline:
        self._timer.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._timer.cancel()


def _socket_of(response: requests.Response) -> socket.socket | None:
    sock = getattr(getattr(response.raw, "connection", None), "sock", None)
    if sock is None:
        # A response that closes its connection (HTTP/1.0, "Connection: close") holds the
        # socket itself: http.client's reader over a SocketIO.
        reader = getattr(getattr(response.raw, "_fp", None), "fp", None)
        sock = getattr(getattr(reader, "raw", None), "_sock", None)
    return sock if isinstance(sock, socket.socket) else None


def _failure(error: requests.RequestException) -> str:
    """What went wrong on the wire, in words (never the URL: it holds the API key)."""
    chain: list[BaseException] = []
    seen: BaseException | None = error
    while seen is not None and len(chain) < 8:
        chain.append(seen)
        inner = seen.args[0] if seen.args and isinstance(seen.args[0], BaseException) else None
        nested = [a for a in seen.args if isinstance(a, BaseException)]
        seen = inner or (nested[-1] if nested else None) or seen.__cause__ or seen.__context__
    kinds = {type(e) for e in chain}
    if ConnectionRefusedError in kinds:
        return "connection refused"
    if ConnectionResetError in kinds:
        return "connection reset by the indexer"
    if http.client.BadStatusLine in kinds and http.client.RemoteDisconnected not in kinds:
        return "the answer is not HTTP"
    if http.client.RemoteDisconnected in kinds:
        return "connection closed without an answer"
    if isinstance(error, requests.ConnectionError):
        return "connection failed"
    return f"request failed ({type(error).__name__})"


def _is_read_timeout(error: BaseException) -> bool:
    seen: BaseException | None = error
    for _ in range(8):  # the cause chain is short; the bound guards against cycles
        if seen is None:
            break
        if isinstance(seen, ReadTimeoutError | TimeoutError):
            return True
        inner = seen.args[0] if seen.args else None
        seen = inner if isinstance(inner, BaseException) else seen.__cause__ or seen.__context__
    return "timed out" in str(error).lower()
