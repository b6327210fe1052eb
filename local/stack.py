"""The whole service on one machine: embedded AWS, the Chalice app over HTTP, snapshots."""

from __future__ import annotations

import json
import logging
import ssl
import sys
import threading
from dataclasses import replace
from pathlib import Path
from typing import Any

from chalice.local import ChaliceRequestHandler, LocalDevServer

from chalicelib.adapters.aws.clients import aws_client
from chalicelib.adapters.observability.emf import EmfMetrics
from chalicelib.bootstrap import Services, build_services
from chalicelib.config import Config
from chalicelib.domain.audit import AuditEventType
from chalicelib.services.reconciler import reconcile
from chalicelib.version import VERSION, config_hash
from local.aws_emulator import EmbeddedAws
from local.catalog_replay import CatalogReplayServer, pointed_at_replay
from local.dispatcher import Dispatcher
from local.http_server import local_server, tls_context
from local.journal import Journal, replay
from local.provision import provision
from local.snapshot import Snapshotter
from local.write_images import final_images
from local.ws_gateway import WsGateway, resolve_handlers

log = logging.getLogger("quentin.local")
access_log = logging.getLogger("quentin.http")
# The journal is folded into a new snapshot once it is this big and as big as the snapshot
# (and at a clean stop): a snapshot rewrites every table, so rewriting it only when the journal
# has caught up keeps the cost of snapshots proportional to what was written.
COMPACT_AFTER_BYTES = 4 * 1024 * 1024


def _log_request(handler: ChaliceRequestHandler, fmt: str, *args: object) -> None:
    """HTTP access lines go to the structured log (debug), not raw to stderr."""
    access_log.debug(fmt % args, extra={"client": handler.client_address[0]})


ChaliceRequestHandler.log_message = _log_request


class LocalStack:
    """Start and stop everything `make run` runs, in this process."""

    def __init__(self, config: Config, config_dir: Path) -> None:
        self._config = config
        self._data_dir = (config_dir / config.local.data_dir).resolve()
        self._aws: EmbeddedAws | None = None
        self._http: LocalDevServer | None = None
        self._http_thread: threading.Thread | None = None
        self._snapshot_thread: threading.Thread | None = None
        self._stopping = threading.Event()
        self._snapshotter: Snapshotter | None = None
        self._journal: Journal | None = None
        self._compact_soon = False
        self._ws: WsGateway | None = None
        self._dispatcher: Dispatcher | None = None
        self._config_dir = config_dir
        self._agent: Any = None  # workers.agent.wiring.AgentParts when [local] run_agent
        self._agent_thread: threading.Thread | None = None
        self._replay: CatalogReplayServer | None = None
        self.services: Services | None = None

    def _ws_opened(self, connection_id: str) -> None:
        if self.services is not None:
            self.services.realtime.opened(connection_id)

    @property
    def url(self) -> str:
        assert self._http is not None
        host, port = self._http.server.server_address[:2]
        scheme = "https" if self._config.server.tls_cert_file else "http"
        return f"{scheme}://{host}:{port}"

    def start(self) -> None:
        config = self._config
        self._data_dir.mkdir(parents=True, exist_ok=True)
        if config.local.embedded_aws:
            self._aws = EmbeddedAws(port=config.local.aws_port)
            endpoint = self._aws.start()
            config = replace(config, aws=replace(config.aws, endpoint_url=endpoint))
            self._config = config

        def client(service: str) -> Any:
            return aws_client(config, service)

        provision(client, config.aws.resource_prefix,
                  max_attempts=config.orchestrator.max_attempts,
                  backoff_base_secs=config.orchestrator.backoff_base_secs)
        if self._aws is not None:
            aws, region = self._aws, config.aws.region
            self._snapshotter = Snapshotter(client("dynamodb"), client("s3"),
                                            self._data_dir / "aws-snapshot.json",
                                            read_table=lambda name: aws.table_items(region, name))
            self._restore(self._aws, self._snapshotter)

        if config.local.catalog_replay:
            config = self._start_catalog_replay(config)
            self._config = config

        import app as api  # the Chalice app object; imported here so config is ready first

        # The WebSocket gateway binds first: the services must know where to post.
        self._ws = WsGateway(resolve_handlers(api.app), config.server.host,
                             config.server.ws_port, config.aws.region,
                             on_open=self._ws_opened)
        self._ws.start()
        config = replace(config, aws=replace(
            config.aws, websocket_url=self._ws.url,
            websocket_management_url=self._ws.management_url))
        self._config = config
        # EMF lines join the structured log (stderr), not the console output on stdout.
        self.services = build_services(config, EmfMetrics(stream=sys.stderr))
        api.use_services(self.services)
        flow, store = self.services.flow, self.services.store
        # Before anything is served: a ticket created meanwhile must not look abandoned.
        repairs = reconcile(store, flow.workflow, flow.status)
        self._dispatcher = Dispatcher(client("sqs"), config.aws.resource_prefix,
                                      api.LAMBDA_QUEUES, config.aws.region,
                                      workers=config.orchestrator.dispatcher_workers)
        self._dispatcher.start()
        if config.local.run_agent:
            self._start_agent(config)
        self._http = local_server(api.app, config.server.host, config.server.port,
                                  self._tls_context(config), config.server.max_body_bytes)
        # Recorded while the socket is bound but not yet served: whoever sees the API answer
        # also finds this start (and the flows it restarted) in the audit.
        self.services.recorder.record(AuditEventType.SERVICE_STARTED, "system",
                                      version=VERSION, config_hash=config_hash(self._config),
                                      url=self.url, embedded_aws=bool(self._aws),
                                      flows_restarted=[r.ticket_id for r in repairs])
        self._http_thread = threading.Thread(target=self._http.server.serve_forever,
                                             daemon=True, name="http-api")
        self._http_thread.start()
        if self._snapshotter is not None:
            self._snapshot_thread = threading.Thread(target=self._snapshot_loop, daemon=True,
                                                     name="snapshots")
            self._snapshot_thread.start()

    def _durable_tables(self) -> list[str]:
        c = self._config  # the search cache and WebSocket connections may be lost
        return [c.tickets_table, c.audit_table, c.catalog_table, c.blocklist_table,
                c.rate_limits_table]

    def _restore(self, aws: EmbeddedAws, snapshotter: Snapshotter) -> None:
        """Last snapshot, then the journal written since; from here on writes are journalled."""
        restored = snapshotter.restore()
        journal_dir = self._data_dir / "journal"
        records = [json.loads(r) for r in replay(journal_dir, restored["journal_from"])]
        replayed = snapshotter.apply(*final_images(records))
        log.info("restored snapshot and journal",
                 extra={**restored, "journal_records": len(records),
                        "journal_items": replayed["items"],
                        "journal_objects": replayed["objects"]})
        self._journal = Journal(journal_dir)
        self._journal.discard_before(restored["journal_from"])
        aws.journal_to(self._journal, self._durable_tables(), [self._config.exports_bucket])
        aws.dirty.clear()
        self._compact_soon = bool(records)  # fold what was replayed into a snapshot
    def _tls_context(self, config: Config) -> ssl.SSLContext | None:
        """HTTPS when [server] names a certificate; it asks for client certificates signed
        by [auth.cert] ca_cert when that is the method."""
        if not config.server.tls_cert_file:
            return None
        client_ca = config.auth.cert.ca_cert if config.auth.cert is not None else None
        return tls_context(str(self._config_dir / config.server.tls_cert_file),
                           str(self._config_dir / config.server.tls_key_file),
                           client_ca if config.auth.method == "cert" else None)

    def _start_catalog_replay(self, config: Config) -> Config:
        """Recorded catalog answers for the catalogs left unset (see local/catalog_replay.py)."""
        self._replay = CatalogReplayServer(config.local.catalog_replay_port)
        url = self._replay.start()
        catalogs = pointed_at_replay(config.external_catalogs, url)
        replayed = sorted(k for k, v in vars(catalogs).items()
                          if v != getattr(config.external_catalogs, k) and k.endswith("url"))
        log.info("catalog replay started", extra={"url": url, "replaces": replayed})
        return replace(config, external_catalogs=catalogs)

    def _start_agent(self, config: Config) -> None:
        """The on-prem agent in this process, on the embedded AWS (imported only when asked:
        it needs the agent's own dependencies)."""
        from workers.agent.wiring import build_agent

        self._agent = build_agent(config, self._config_dir)
        self._agent_thread = threading.Thread(target=self._agent.agent.run, name="agent",
                                              daemon=True)
        self._agent_thread.start()
        log.info("agent started", extra={"work_dir": str(self._agent.settings.work_dir)})

    def _snapshot_loop(self) -> None:
        interval = max(0.05, self._config.local.snapshot_interval_secs)
        while not self._stopping.wait(interval):
            self.snapshot_if_dirty()

    def snapshot_if_dirty(self, force: bool = False) -> None:
        """Fold the journal into a new snapshot when it has grown (or when `force`d)."""
        aws, snapshotter, journal = self._aws, self._snapshotter, self._journal
        if aws is None or snapshotter is None or journal is None or not aws.dirty.is_set():
            return
        grown = journal.segment_bytes >= max(COMPACT_AFTER_BYTES, snapshotter.size)
        if not (force or self._compact_soon or grown):
            return
        aws.dirty.clear()
        try:
            # Writes after this cut go to the new segment; the snapshot, read after the cut,
            # holds everything before it (and maybe some after: replaying images is idempotent).
            with aws.writes_paused():
                first = journal.rotate()
            snapshotter.dump(self._durable_tables(), [self._config.exports_bucket],
                             journal_from=first)
            journal.discard_before(first)
            self._compact_soon = False
        except Exception:
            aws.dirty.set()  # try again next time
            log.exception("snapshot failed")

    def stop(self) -> None:
        """Stop serving, record the stop, write the last snapshot, stop the embedded AWS."""
        self._stopping.set()
        if self._http is not None:
            self._http.server.shutdown()
            self._http.server.server_close()
        if self._ws is not None:
            self._ws.stop()
        if self._agent is not None:
            self._agent.agent.stop()
            if self._agent_thread is not None:
                self._agent_thread.join(timeout=60)
            self._agent.close()
        if self._dispatcher is not None:
            self._dispatcher.stop()
        if self.services is not None:
            self.services.recorder.record(AuditEventType.SERVICE_STOPPED, "system")
        if self._snapshot_thread is not None:
            self._snapshot_thread.join(timeout=10)
        self.snapshot_if_dirty(force=True)
        if self._aws is not None:
            self._aws.stop()
        if self._replay is not None:
            self._replay.stop()
        if self._journal is not None:
            self._journal.close()
