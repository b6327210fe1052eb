"""The embedded AWS: moto's server on loopback, noting every write so snapshots stay current."""

from __future__ import annotations

import json
import os
import threading
import time
import urllib.request
from collections.abc import Callable, Iterable
from typing import Any

from moto.moto_server.werkzeug_app import (
    DomainDispatcherApplication,
    MotoRequestHandler,
    create_backend_app,
)
from werkzeug.serving import BaseWSGIServer, make_server

_DYNAMODB_WRITES = ("PutItem", "UpdateItem", "DeleteItem", "BatchWriteItem",
                    "TransactWriteItems", "CreateTable", "DeleteTable")

WsgiApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]


def is_write(environ: dict[str, Any]) -> bool:
    """Whether a request changes state that the snapshot keeps (DynamoDB items, S3 objects)."""
    target = environ.get("HTTP_X_AMZ_TARGET", "")
    if target.startswith("DynamoDB_"):
        return target.rsplit(".", 1)[-1] in _DYNAMODB_WRITES
    if target or "amz-sdk" in environ.get("CONTENT_TYPE", ""):
        return False
    # Query-protocol services (SQS, Step Functions) use POST with a form body or JSON target;
    # S3 is the REST service whose writes are PUT/DELETE (and POST for multi-delete).
    method = environ.get("REQUEST_METHOD", "GET")
    return method in ("PUT", "DELETE") or (
        method == "POST" and "delete" in environ.get("QUERY_STRING", "")
    )


class EmbeddedAws:
    """moto's server in a thread of this process, bound to 127.0.0.1."""

    def __init__(self, host: str = "127.0.0.1", port: int = 0) -> None:
        self._host = host
        self._port = port
        self._server: BaseWSGIServer | None = None
        self._thread: threading.Thread | None = None
        self.dirty = threading.Event()

    @property
    def endpoint(self) -> str:
        assert self._server is not None, "start() first"
        return f"http://{self._host}:{self._server.server_address[1]}"

    def _app(self) -> WsgiApp:
        inner = DomainDispatcherApplication(create_backend_app)

        def app(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
            if is_write(environ):
                self.dirty.set()
            result: Iterable[bytes] = inner(environ, start_response)
            return result

        return app

    def start(self) -> str:
        self._server = make_server(self._host, self._port, self._app(), threaded=True,
                                   request_handler=MotoRequestHandler)
        port = self._server.server_address[1]
        # Step Functions' service integrations call back into moto on MOTO_PORT.
        os.environ["MOTO_PORT"] = str(port)
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True,
                                        name="embedded-aws")
        self._thread.start()
        self._configure()
        return self.endpoint

    def _configure(self) -> None:
        body = json.dumps({"stepfunctions": {"execute_state_machine": True}}).encode()
        req = urllib.request.Request(f"{self.endpoint}/moto-api/config", data=body,
                                     method="POST", headers={"Content-Type": "application/json"})
        deadline = time.monotonic() + 10
        while True:
            try:
                urllib.request.urlopen(req, timeout=5).read()
                return
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.05)

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
