"""A local HTTP server on 127.0.0.1 that replays catalog answers (MusicBrainz, TMDB, ...).

Routes map a path to a reply; `forced` replies (errors: 503 with Retry-After, 429, 404,
malformed bodies) are served first, one per request. Every request is recorded with its
query, headers and arrival time, so tests check what an adapter sent and how fast.

    with CatalogServer({"/ws/2/release": Reply(200, MB_SEARCH)}) as server:
        ... base_url=server.base_url ...
"""

from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any, Self
from urllib.parse import parse_qs, urlsplit


@dataclass(frozen=True)
class Reply:
    status: int = 200
    body: Any = None  # JSON-encoded unless bytes
    headers: tuple[tuple[str, str], ...] = ()
    content_type: str = "application/json"


@dataclass(frozen=True)
class Seen:
    path: str
    query: dict[str, str]
    headers: dict[str, str]
    at: float
    method: str = "GET"
    body: Any = None  # a POST's decoded JSON body


@dataclass
class CatalogServer:
    routes: dict[str, Reply]
    forced: list[Reply] = field(default_factory=list)
    seen: list[Seen] = field(default_factory=list)

    def __post_init__(self) -> None:
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                self._answer("POST", json.loads(self.rfile.read(length) or b"null"))

            def do_GET(self) -> None:
                self._answer("GET", None)

            def _answer(self, method: str, posted: Any) -> None:
                parts = urlsplit(self.path)
                query = {k: v[0] for k, v in parse_qs(parts.query).items()}
                server.seen.append(Seen(parts.path, query,
                                        {k.lower(): v for k, v in self.headers.items()},
                                        time.monotonic(), method, posted))
                reply = server.forced.pop(0) if server.forced else server.routes.get(
                    parts.path, Reply(404, {"error": "Not Found"}))
                body = reply.body if isinstance(reply.body, bytes) else json.dumps(
                    reply.body).encode()
                self.send_response(reply.status)
                self.send_header("Content-Type", reply.content_type)
                self.send_header("Content-Length", str(len(body)))
                for name, value in reply.headers:
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._thread = threading.Thread(target=self._httpd.serve_forever, daemon=True)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self._httpd.server_address[1]}"

    def __enter__(self) -> Self:
        self._thread.start()
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()
