"""Send bytes to an HTTP server exactly as given (bad lengths, folded headers, chunked bodies)
and read the answer as the server wrote it, split headers and all."""

from __future__ import annotations

import contextlib
import json
import socket
from dataclasses import dataclass
from typing import Any


@dataclass
class RawAnswer:
    status: int  # 0: the server closed the connection without answering
    headers: list[tuple[str, str]]  # in order, duplicates kept: a split response shows here
    body: bytes
    raw: bytes

    def header(self, name: str) -> str | None:
        return next((v for k, v in self.headers if k.lower() == name.lower()), None)

    def json(self) -> Any:
        return json.loads(self.body)


def request_bytes(method: str, target: str, headers: list[tuple[str, str | bytes]],
                  body: bytes = b"") -> bytes:
    lines = [f"{method} {target} HTTP/1.1".encode()]
    for name, value in headers:
        lines.append(name.encode() + b": " + (value if isinstance(value, bytes)
                                              else value.encode("latin-1")))
    return b"\r\n".join(lines) + b"\r\n\r\n" + body


def send_raw(host: str, port: int, data: bytes, timeout: float = 15) -> RawAnswer:
    """One request on its own connection; the answer ends when the server closes or when
    Content-Length bytes of body have arrived."""
    with socket.create_connection((host, port), timeout=timeout) as sock:
        # The server may refuse before reading everything; its answer still counts.
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):
            sock.sendall(data)
        received = b""
        while b"\r\n\r\n" not in received:
            chunk = sock.recv(65536)
            if not chunk:
                break
            received += chunk
        if not received:
            return RawAnswer(0, [], b"", b"")  # closed without a word
        head, _, body = received.partition(b"\r\n\r\n")
        status_line, *header_lines = head.decode("latin-1").split("\r\n")
        headers = [(k.strip(), v.strip()) for k, _, v in (h.partition(":") for h in header_lines)]
        length = next((int(v) for k, v in headers if k.lower() == "content-length"), None)
        while length is None or len(body) < length:
            try:
                chunk = sock.recv(65536)
            except (ConnectionResetError, TimeoutError):
                break
            if not chunk:
                break
            body += chunk
    return RawAnswer(int(status_line.split()[1]), headers, body, received)
