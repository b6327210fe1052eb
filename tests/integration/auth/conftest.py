"""A real stack per authentication method, and requests from a chosen loopback address."""

from __future__ import annotations

import http.client
import json
import ssl
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from tests.support.local_stack import ApiAnswer, RunningStack, free_port, start_stack, write_config


@contextmanager
def running(directory: Path, auth: str, server: str = "",
            tls: ssl.SSLContext | None = None) -> Iterator[RunningStack]:
    port = free_port()
    stack = start_stack(write_config(directory, port, auth=auth, server=server), port, tls=tls)
    try:
        yield stack
    finally:
        stack.stop()


def call_from(stack: RunningStack, source_ip: str, method: str, path: str, body: Any = None,
              headers: dict[str, str] | None = None) -> ApiAnswer:
    """A request whose socket is bound to `source_ip` (127.0.0.2 is loopback too on Linux)."""
    port = int(stack.url.rsplit(":", 1)[1])
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30,
                                      source_address=(source_ip, 0))
    try:
        data = None if body is None else json.dumps(body).encode()
        conn.request(method, path, body=data,
                     headers={"Content-Type": "application/json", **(headers or {})})
        resp = conn.getresponse()
        text = resp.read().decode()
        return ApiAnswer(resp.status, json.loads(text) if text else None, dict(resp.headers),
                         text)
    finally:
        conn.close()


def audit_failures(stack: RunningStack, key: str | None = None,
                   headers: dict[str, str] | None = None) -> list[dict[str, Any]]:
    """The AuthenticationFailed events, as an admin reads them over HTTP."""
    answer = stack.call("GET", "/api/v1/audit?event_type=AuthenticationFailed&limit=100",
                        key=key, headers=headers)
    assert answer.status == 200, answer.text
    events: list[dict[str, Any]] = answer.body["events"]
    return events
