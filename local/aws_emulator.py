"""The embedded AWS: moto's server on loopback, noting every write so snapshots stay current.

With a journal attached, every write to a durable table or bucket is applied, its resulting
images appended to the journal and made durable before moto's answer goes back: whoever got
the answer (the API, then its client) can rely on the write surviving a crash.
"""

from __future__ import annotations

import io
import json
import logging
import os
import threading
import time
import urllib.request
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from typing import Any

from moto.dynamodb.models.utilities import dynamo_json_dump
from moto.moto_server.werkzeug_app import (
    DomainDispatcherApplication,
    MotoRequestHandler,
    create_backend_app,
)
from moto.stepfunctions.parser.asl.parse.asl_parser import AmazonStateLanguageParser
from moto.stepfunctions.parser.asl.parse.preprocessor import Preprocessor
from werkzeug.serving import BaseWSGIServer, make_server
from werkzeug.wsgi import get_input_stream

from local.journal import Journal
from local.query_index import INDEXES, install_sorted_indexes
from local.write_images import (
    dynamodb_images,
    dynamodb_table,
    region_table,
    s3_images,
    touched_items,
)

log = logging.getLogger("quentin.local.aws")

_DYNAMODB_WRITES = ("PutItem", "UpdateItem", "DeleteItem", "BatchWriteItem",
                    "TransactWriteItems", "CreateTable", "DeleteTable")

WsgiApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]


class _Dispatcher(DomainDispatcherApplication):
    """moto's service dispatcher, remembering which backend serves which host.

    moto lists its package directory and tries some hundred URL patterns for every request
    (about a millisecond of CPU each time, under a lock); the answer depends only on the host.
    """

    def __init__(self) -> None:
        super().__init__(create_backend_app)
        self._backends: dict[str | None, Any] = {}

    def get_backend_for_host(self, host: str | None) -> Any:
        if host not in self._backends:
            self._backends[host] = super().get_backend_for_host(host)
        return self._backends[host]


def _parse_state_machines_once() -> None:
    """Parse each Step Functions definition once instead of at every execution start.

    moto parses the ASL with an ANTLR parser written in Python for every StartExecution:
    about 130 ms of CPU for the ticket flow, more than the rest of a ticket creation. The
    parse tree is only read afterwards, so it is kept per definition; the cheap step that turns
    it into evaluation components still runs per execution, which keeps executions apart.
    """
    if getattr(AmazonStateLanguageParser.parse, "caches_trees", False):
        return
    parse = AmazonStateLanguageParser.parse
    trees: dict[str, Any] = {}
    lock = threading.Lock()

    def parse_cached(definition: str) -> tuple[Any, Any]:
        with lock:
            tree = trees.get(definition)
        if tree is None:
            program, tree = parse(definition)
            with lock:
                trees[definition] = tree
            return program, tree
        return Preprocessor().visit(tree), tree

    parse_cached.caches_trees = True  # type: ignore[attr-defined]
    AmazonStateLanguageParser.parse = staticmethod(parse_cached)  # type: ignore[method-assign]


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
    query = environ.get("QUERY_STRING", "")
    return method in ("PUT", "DELETE") or (
        method == "POST" and ("delete" in query or "uploadId" in query)
    )


class EmbeddedAws:
    """moto's server in a thread of this process, bound to 127.0.0.1."""

    def __init__(self, host: str = "127.0.0.1", port: int = 0) -> None:
        self._host = host
        self._port = port
        self._server: BaseWSGIServer | None = None
        self._thread: threading.Thread | None = None
        self.dirty = threading.Event()
        # One write at a time: the journal's order is then the order moto applied them in,
        # and an image read right after a write is what that write left.
        self._write_lock = threading.Lock()
        self._journal: Journal | None = None
        self._tables: set[str] = set()
        self._buckets: set[str] = set()

    def journal_to(self, journal: Journal | None, tables: Iterable[str] = (),
                   buckets: Iterable[str] = ()) -> None:
        """From now on, writes to these tables and buckets are durable before they are answered
        (`None`: no journal)."""
        with self._write_lock:
            self._journal = journal
            self._tables, self._buckets = set(tables), set(buckets)

    def table_items(self, region: str, name: str, chunk: int = 2000) -> list[dict[str, Any]]:
        """Every item of a table in DynamoDB's JSON, read in-process.

        A Scan over HTTP restarts from the first item for every page in moto (minutes at
        100,000 items); this is linear. Each chunk is read between writes, so the result is
        fuzzy like any snapshot taken while writing (the journal makes up for it).
        """
        with self._write_lock:
            table = region_table(region, name)
            items = table.all_items()
        found: list[dict[str, Any]] = []
        for start in range(0, len(items), chunk):
            with self._write_lock:
                found.extend(json.loads(dynamo_json_dump(
                    [i.to_json()["Attributes"] for i in items[start:start + chunk]])))
        return found

    @contextmanager
    def writes_paused(self) -> Iterator[None]:
        """No write is applied while inside (e.g. to start a journal segment at a clean cut)."""
        with self._write_lock:
            yield

    @property
    def endpoint(self) -> str:
        assert self._server is not None, "start() first"
        return f"http://{self._host}:{self._server.server_address[1]}"

    def _app(self) -> WsgiApp:
        inner = _Dispatcher()

        def app(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
            if not is_write(environ):
                result: Iterable[bytes] = inner(environ, start_response)
                return result
            self.dirty.set()
            return self._tracked_write(inner, environ, start_response)

        return app

    def _tracked_write(self, inner: WsgiApp, environ: dict[str, Any],
                       start_response: Callable[..., Any]) -> Iterable[bytes]:
        """Apply a write, bring the sorted indexes up to date, journal what it left and wait
        until that is on disk; only then answer."""
        body = get_input_stream(environ).read()
        environ["wsgi.input"] = io.BytesIO(body)
        environ["CONTENT_LENGTH"] = str(len(body))
        environ.pop("HTTP_TRANSFER_ENCODING", None)
        answer: dict[str, Any] = {}
        chunks: list[bytes] = []

        def keep(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
            answer["status"], answer["headers"] = status, headers
            return chunks.append

        position = 0
        target = environ.get("HTTP_X_AMZ_TARGET", "")
        operation = target.rsplit(".", 1)[-1] if target.startswith("DynamoDB_") else ""
        with self._write_lock, INDEXES.lock:
            journal = self._journal
            result = inner(environ, keep)
            try:
                chunks.extend(result)
            finally:
                close = getattr(result, "close", None)
                if close is not None:
                    close()
            if answer["status"].startswith("2"):
                try:
                    touched = touched_items(operation, body) if operation else []
                    for table_name, attributes in touched:
                        INDEXES.refresh(dynamodb_table(environ, table_name), attributes)
                    if journal is not None:
                        records = (dynamodb_images(environ, touched, self._tables) if target
                                   else s3_images(environ, body, self._buckets))
                        for record in records:
                            position = journal.append(json.dumps(record).encode())
                except Exception:
                    # Applied but not journalled: refuse rather than acknowledge a write a
                    # crash could lose (the next snapshot keeps it; a retry is harmless).
                    log.exception("cannot journal a write")
                    start_response("500 Internal Server Error",
                                   [("Content-Type", "application/json")])
                    return [b'{"__type": "InternalFailure", "message": "journal failed"}']
        if journal is not None and position:
            journal.wait_durable(position)
        start_response(answer["status"], answer["headers"])
        return chunks

    def start(self) -> str:
        _parse_state_machines_once()
        install_sorted_indexes()
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
