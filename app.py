"""Quentin Torrentino's HTTP API: routes parse the request, call a service, and respond."""

from __future__ import annotations

import functools
import logging
import os
from collections.abc import Callable, Mapping
from datetime import timedelta
from pathlib import Path
from typing import Any, TypeVar

import boto3
from chalice.app import Chalice, Rate, Request, Response, WebsocketEvent
from pydantic import BaseModel

from chalicelib.adapters.observability.lambda_logging import (
    begin_invocation,
    configure_lambda_logging,
)
from chalicelib.adapters.observability.tracing import traced
from chalicelib.api import params
from chalicelib.api.openapi import openapi_document
from chalicelib.api.request_text import check_request_text, parse_json_body
from chalicelib.api.responses import error_response, json_response
from chalicelib.api.static_site import BINARY_TYPES, read_static
from chalicelib.auth.identity import ClientCert, Identity
from chalicelib.bootstrap import CONFIG_ENV, Services, build_services, config_from_env
from chalicelib.config import ConfigError, redacted
from chalicelib.domain.audit import AuditEventType
from chalicelib.domain.catalog import RetentionPolicy
from chalicelib.domain.codec import ticket_to_dict
from chalicelib.domain.errors import FieldError, Forbidden, PayloadTooLarge, ValidationError
from chalicelib.domain.schema_types import validate
from chalicelib.domain.states import TicketState
from chalicelib.ports import TicketFilter
from chalicelib.realtime import lambda_events as realtime_events
from chalicelib.realtime.service import RealtimeService
from chalicelib.services.audit import export_jsonl
from chalicelib.services.catalog_view import CatalogView
from chalicelib.services.reconciler import reconcile
from chalicelib.services.search_testing import SearchTester
from chalicelib.services.stats import DEFAULT_WINDOW, ProcessingStats, parse_window
from chalicelib.services.training_export import export_training_jsonl
from chalicelib.stage_handlers import handle_records, sqs_records

# In Lambda, log JSON lines (Powertools' format) with every record's fields, the request id,
# and the ticket id as correlation id; the runtime's own handler would drop the fields.
IN_LAMBDA = bool(os.environ.get("AWS_LAMBDA_FUNCTION_NAME"))
if IN_LAMBDA:
    configure_lambda_logging()
_cold_start = True

app = Chalice(app_name="quentin-torrentino")
app.experimental_feature_flags.update(["WEBSOCKETS"])
app.websocket_api.session = boto3.session.Session()
app.api.binary_types.extend(t for t in BINARY_TYPES if t not in app.api.binary_types)
API = "/api/v1"
# Accept JSON bodies whatever the client labels them (curl -d sends form-urlencoded).
BODY_TYPES = ["application/json", "application/x-www-form-urlencoded", "text/plain"]
BODILESS = ("GET", "HEAD", "DELETE")
_services: Services | None = None
DEFAULT_PAGE = 50
M = TypeVar("M", bound=BaseModel)


def get(path: str) -> Callable[..., Any]:
    return app.route(path, methods=["GET"], cors=True)


def post(path: str) -> Callable[..., Any]:
    return app.route(path, methods=["POST"], cors=True, content_types=BODY_TYPES)


def delete(path: str) -> Callable[..., Any]:
    return app.route(path, methods=["DELETE"], cors=True)


def services() -> Services:
    """The wired services, built on first use (keeps Lambda cold starts light)."""
    global _services
    if _services is None:
        try:
            config = config_from_env()
        except ConfigError as e:
            _config_refused(e)
            raise
        _services = build_services(config)
    return _services


def _config_refused(error: ConfigError) -> None:
    """In Lambda: the refusal is logged, and audited when the file's [aws] reaches the store."""
    path = os.environ.get(CONFIG_ENV)
    stored = False
    if IN_LAMBDA and path:
        from chalicelib.adapters.aws.config_failure import record_config_failure

        stored = record_config_failure(Path(path), str(error), os.environ)
    logging.getLogger("quentin.config").error(
        "ConfigValidationFailed", extra={"error": str(error), "file": path, "stored": stored})


def use_services(built: Services) -> None:
    """Install already-built services (the local stack builds them before serving)."""
    global _services
    _services = built


def endpoint(*, admin: bool = False, auth: bool = True) -> Callable[..., Any]:
    """Authenticate, run the view with the caller's identity, and map errors to HTTP."""

    def wrap(view: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(view)
        def handler(**params: Any) -> Response:
            context = _request().context or {}
            _begin(context.get("requestId"))
            with traced(view.__name__, route=str(context.get("resourcePath", ""))):
                return _answer(view, admin, auth, params)

        return handler

    return wrap


def _begin(request_id: str | None) -> None:
    """Per invocation: the request id (and cold start) on every Lambda log line."""
    global _cold_start
    if IN_LAMBDA:
        begin_invocation(request_id, _cold_start)
    _cold_start = False


def _answer(view: Callable[..., Any], admin: bool, auth: bool, params: dict[str, Any]
            ) -> Response:
    try:
        request = _request()
        # uri_params, not params: the dashboard's greedy {proxy+} is not passed to its view.
        check_request_text(request.uri_params or {}, request.query_params or {})
        # A body the route would ignore must not pass silently (or smuggle anything); an
        # empty object is tolerated, some clients send one with every request.
        raw = request.raw_body or b""
        if request.method in BODILESS and raw.strip() and parse_json_body(raw) != {}:
            raise ValidationError(FieldError("body", f"{request.method} takes no body"))
        who = _identity() if auth else None
        if admin and who is not None and not who.is_admin:
            raise Forbidden("this route is for administrators")
        result = view(who, **params) if auth else view(**params)
        return result if isinstance(result, Response) else json_response(result)
    except Exception as e:  # every error leaves as a JSON answer
        return error_response(e)


def _request() -> Request:
    request = app.current_request
    assert request is not None, "only called while handling a request"
    return request


def _identity() -> Identity:
    # API Gateway fills requestContext.identity: sourceIp, and clientCert with mutual TLS
    # (the local stack's server does the same).
    context = _request().context.get("identity") or {}
    pem = (context.get("clientCert") or {}).get("clientCertPem")
    return services().authenticator.authenticate(dict(_request().headers),
                                                 str(context.get("sourceIp", "")),
                                                 ClientCert(pem) if pem else None)


def _query(name: str) -> str | None:
    params: Mapping[str, str] = _request().query_params or {}
    value = params.get(name)
    return value if value is None else str(value)


def _params(model: type[M]) -> M:
    """The query string as `model`, or ValidationError naming each bad parameter."""
    raw: Mapping[str, str] = _request().query_params or {}
    return validate(model, {k: str(v) for k, v in raw.items()})


def _body_as(model: type[M], required: bool = True) -> M:
    """The JSON body as `model` (the same model the OpenAPI document publishes)."""
    return validate(model, _body(required))


def _body(required: bool = True) -> dict[str, Any]:
    raw = _request().raw_body or b""
    limit = services().config.server.max_body_bytes
    if len(raw) > limit:
        raise PayloadTooLarge(f"the request body is larger than {limit} bytes", limit=limit)
    if not raw.strip():
        if required:
            raise ValidationError(FieldError("body", "a JSON object is required"))
        return {}
    body = parse_json_body(raw)
    if not isinstance(body, dict):
        raise ValidationError(FieldError("body", "must be a JSON object"))
    return body


# --- tickets ------------------------------------------------------------------------------
@post(f"{API}/ticket")
@endpoint()
def create_ticket(who: Identity) -> Response:
    ticket = services().tickets.create(_body(), who)
    return json_response(ticket_to_dict(ticket), 201,
                         {"Location": f"{API}/ticket/{ticket.ticket_id}"})


@get(f"{API}/ticket/{{ticket_id}}")
@endpoint()
def get_ticket(who: Identity, ticket_id: str) -> dict[str, Any]:
    return ticket_to_dict(services().tickets.get(ticket_id, who))


@get(f"{API}/tickets")
@endpoint()
def list_tickets(who: Identity) -> dict[str, Any]:
    if _query("offset") is not None:
        raise ValidationError(FieldError("offset", "is not supported: page with 'cursor' "
                                                   "(each page's answer gives the next one)"))
    q = _params(params.TicketListQuery)
    filt = TicketFilter(state=TicketState(q.state) if q.state else None,
                        requested_by=q.requested_by)
    page = services().tickets.list_tickets(filt, who, q.limit or DEFAULT_PAGE, q.cursor)
    return {"tickets": [ticket_to_dict(t) for t in page.items], "cursor": page.cursor}


@delete(f"{API}/ticket/{{ticket_id}}")
@endpoint()
def cancel_ticket(who: Identity, ticket_id: str) -> dict[str, Any]:
    reason = _params(params.CancelQuery).reason or ""
    return ticket_to_dict(services().tickets.cancel(ticket_id, who, reason))


@get(f"{API}/ticket/{{ticket_id}}/flow")
@endpoint()
def ticket_flow(who: Identity, ticket_id: str) -> dict[str, Any]:
    return {"ticket_id": ticket_id, "executions": services().tickets.flow(ticket_id, who)}


@post(f"{API}/ticket/{{ticket_id}}/approve")
@endpoint()
def approve_ticket(who: Identity, ticket_id: str) -> dict[str, Any]:
    body = _body_as(params.ApproveBody, required=False)
    return ticket_to_dict(services().tickets.approve(ticket_id, who, body.candidate_idx))


@post(f"{API}/ticket/{{ticket_id}}/reject")
@endpoint()
def reject_ticket(who: Identity, ticket_id: str) -> dict[str, Any]:
    body = _body_as(params.RejectBody, required=False)
    return ticket_to_dict(services().tickets.reject(ticket_id, who, body.reason))


@post(f"{API}/ticket/{{ticket_id}}/retry")
@endpoint(admin=True)  # an admin action (audited as Admin*); owners may cancel, not steer
def retry_ticket(who: Identity, ticket_id: str) -> dict[str, Any]:
    _body(required=False)  # takes none, but a malformed one is refused like anywhere else
    return ticket_to_dict(services().tickets.retry(ticket_id, who))


@post(f"{API}/ticket/{{ticket_id}}/force-search")
@endpoint(admin=True)
def force_search(who: Identity, ticket_id: str) -> dict[str, Any]:
    body = _body_as(params.ForceSearchBody)
    return ticket_to_dict(services().tickets.force_search(ticket_id, who, body.query))


@post(f"{API}/ticket/{{ticket_id}}/force-magnet")
@endpoint(admin=True)
def force_magnet(who: Identity, ticket_id: str) -> dict[str, Any]:
    body = _body_as(params.ForceMagnetBody)
    return ticket_to_dict(services().tickets.force_magnet(ticket_id, who, body.magnet_uri))


@post(f"{API}/search/test")
@endpoint()
def search_test(who: Identity) -> dict[str, Any]:
    body = _body_as(params.SearchTestBody)
    return SearchTester(services().searching).run(body.model_dump(exclude_none=True), who)


# --- catalog lookups: candidates, or a ticket skeleton for a picked entry --------------------
@post(f"{API}/music/album")
@endpoint()
def music_album(who: Identity) -> dict[str, Any]:
    body = _body_as(params.AlbumLookupBody)
    return services().lookup.album(body.model_dump(exclude_none=True))


@post(f"{API}/video/movie")
@endpoint()
def video_movie(who: Identity) -> dict[str, Any]:
    body = _body_as(params.MovieLookupBody)
    return services().lookup.movie(body.model_dump(exclude_none=True))


@post(f"{API}/video/episode")
@endpoint()
def video_episode(who: Identity) -> dict[str, Any]:
    body = _body_as(params.EpisodeLookupBody)
    return services().lookup.episode(body.model_dump(exclude_none=True))


# --- audit --------------------------------------------------------------------------------
@get(f"{API}/audit")
@endpoint()
def list_audit(who: Identity) -> dict[str, Any]:
    q = _params(params.AuditQuery)
    ticket_id = q.ticket_id
    if not who.is_admin:
        if not ticket_id:
            raise Forbidden("only administrators may read the whole audit log; give ticket_id")
        services().tickets.get(ticket_id, who)  # checks ownership
    event_type = AuditEventType(q.event_type) if q.event_type else None
    if q.since and q.until and q.since > q.until:
        raise ValidationError(FieldError("from", "must not be after 'to'"))
    page = services().audit_log.query(
        ticket_id=ticket_id, event_type=event_type, start=q.since, end=q.until,
        limit=q.limit or DEFAULT_PAGE, cursor=q.cursor,
    )
    return {"events": [e.to_dict() for e in page.items], "cursor": page.cursor}


@get(f"{API}/audit/export")
@endpoint(admin=True)
def export_audit(who: Identity) -> Response:
    q = _params(params.ExportQuery)  # format: jsonl is the only one
    s = services()
    export = export_jsonl(s.audit_log, s.blobs, s.recorder, who.user_id, s.clock.now(),
                          q.since, q.until)
    return Response(
        body=export.body.decode(),
        status_code=200,
        headers={
            "Content-Type": "application/x-ndjson",
            "X-Export-Location": export.location,
            "X-Export-Count": str(export.count),
        },
    )


@get(f"{API}/training/export")
@endpoint(admin=True)
def export_training(who: Identity) -> Response:
    _params(params.TrainingExportQuery)  # format: jsonl is the only one
    s = services()
    export = export_training_jsonl(s.store, s.audit_log, s.blobs, s.recorder, who.user_id,
                                   s.clock.now())
    return Response(body=export.body.decode(), status_code=200, headers={
        "Content-Type": "application/x-ndjson", "X-Export-Location": export.location,
        "X-Export-Count": str(export.count)})


# --- service ------------------------------------------------------------------------------
@get(f"{API}/health")
@endpoint(auth=False)
def health() -> Response:
    report = services().health.report()
    return json_response(report, 200 if report["status"] == "ok" else 503)


@get(f"{API}/stats")
@endpoint()
def stats(who: Identity) -> dict[str, Any]:
    window = parse_window(_params(params.StatsQuery).window)
    counts = services().tickets.stats()
    rates = ProcessingStats(services().audit_log, services().clock).report(window)
    return {"by_state": counts, "total": services().tickets.total(),
            "window": _query("window") or DEFAULT_WINDOW, **rates}


@get(f"{API}/catalog")
@endpoint()
def catalog(who: Identity) -> dict[str, Any]:
    return _catalog_view().listing()


@get(f"{API}/catalog/coverage")
@endpoint()
def catalog_coverage(who: Identity) -> dict[str, Any]:
    return _catalog_view().coverage(_params(params.CoverageQuery).artist)


def _catalog_view() -> CatalogView:
    s = services()
    tc = s.config.torrent_client
    return CatalogView(s.catalog, RetentionPolicy(tc.seed_ratio, tc.seed_time_secs),
                       tc.storage_budget_bytes)


@get(f"{API}/config")
@endpoint(admin=True)
def get_config(who: Identity) -> dict[str, Any]:
    result: dict[str, Any] = redacted(services().config)
    return result


@get(f"{API}/openapi.json")
@endpoint(auth=False)
def openapi() -> dict[str, Any]:
    return openapi_document(services().config.placement.allowed_roots)


@get(f"{API}/whoami")
@endpoint()
def whoami(who: Identity) -> dict[str, Any]:
    return {"user_id": who.user_id, "is_admin": who.is_admin, "method": who.method,
            "claims": dict(who.claims)}


@get(f"{API}/realtime")
@endpoint()
def realtime_info(who: Identity) -> dict[str, Any]:
    url = services().config.aws.websocket_url
    return {"url": url or None, "available": bool(url), "subprotocol": "quentin.v1"}


# --- WebSocket API (API Gateway in AWS; local/ws_gateway.py calls the same handlers) -------
def _realtime() -> RealtimeService:
    return services().realtime


@app.on_ws_connect()
def ws_connect(event: WebsocketEvent) -> dict[str, Any]:
    with traced("ws_connect"):
        return realtime_events.on_connect(_realtime(), event.to_dict())


@app.on_ws_message()
def ws_message(event: WebsocketEvent) -> dict[str, Any]:
    with traced("ws_message"):
        return realtime_events.on_message(_realtime(), event.to_dict())


@app.on_ws_disconnect()
def ws_disconnect(event: WebsocketEvent) -> dict[str, Any]:
    with traced("ws_disconnect"):
        return realtime_events.on_disconnect(_realtime(), event.to_dict())


# --- the dashboard (locally; deployed, it is on S3 static hosting) --------------------------
def _dashboard(requested: str) -> Response:
    root = Path(services().config.server.dashboard_dir)
    if not root.is_absolute():
        root = Path(__file__).resolve().parent / root
    page = read_static(root, requested)
    return Response(body=page.body, status_code=200,
                    headers={"Content-Type": page.content_type,
                             "Cache-Control": page.cache_control})


@app.route("/", methods=["GET"])
@endpoint(auth=False)
def dashboard_index() -> Response:
    return _dashboard("")


@app.route("/{proxy+}", methods=["GET"])
@endpoint(auth=False)
def dashboard_file() -> Response:
    # API Gateway names the greedy parameter "proxy"; chalice local keeps the "+".
    params = _request().uri_params or {}
    return _dashboard(params.get("proxy") or params.get("proxy+") or "")


# --- flow stages (Lambda functions fed by SQS) ---------------------------------------------
# Queue names are fixed when Chalice packages the app, from the deployment's prefix.
PREFIX = os.environ.get("QT_RESOURCE_PREFIX", "qt")


def _run_stage(event: Any) -> dict[str, Any]:
    lambda_context = getattr(app, "lambda_context", None)
    _begin(getattr(lambda_context, "aws_request_id", None))
    with traced("stage_batch"):
        return handle_records(sqs_records(event), services().flow)


@app.on_sqs_message(queue=f"{PREFIX}-acquire-high", batch_size=10)
def on_acquire_high(event: Any) -> dict[str, Any]:
    return _run_stage(event)


@app.on_sqs_message(queue=f"{PREFIX}-acquire-normal", batch_size=10)
def on_acquire_normal(event: Any) -> dict[str, Any]:
    return _run_stage(event)


@app.on_sqs_message(queue=f"{PREFIX}-acquire-low", batch_size=10)
def on_acquire_low(event: Any) -> dict[str, Any]:
    return _run_stage(event)


@app.on_sqs_message(queue=f"{PREFIX}-approval", batch_size=10)
def on_approval(event: Any) -> dict[str, Any]:
    return _run_stage(event)


@app.on_sqs_message(queue=f"{PREFIX}-flow", batch_size=10)
def on_flow(event: Any) -> dict[str, Any]:
    return _run_stage(event)


@app.schedule(Rate(15, unit=Rate.MINUTES))
def reconcile_flows(event: Any) -> dict[str, Any]:
    """In AWS: restart the flow of active tickets that nothing drives (quiet for 15 min)."""
    s = services()
    quiet_since = s.clock.now() - timedelta(minutes=15)
    repairs = reconcile(s.store, s.flow.workflow, s.flow.status, quiet_since)
    return {"restarted": [r.ticket_id for r in repairs]}


# Which handler serves which queue (name without the prefix); the local dispatcher polls
# them in this order, so higher priority bands are always drained first.
LAMBDA_QUEUES: list[tuple[str, Any]] = [
    ("flow", on_flow),
    ("approval", on_approval),
    ("acquire-high", on_acquire_high),
    ("acquire-normal", on_acquire_normal),
    ("acquire-low", on_acquire_low),
]
