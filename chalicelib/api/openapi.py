"""The OpenAPI 3.1 description of the HTTP API, served at /api/v1/openapi.json.

Request bodies and query parameters are the JSON Schema of the pydantic models that validate
them (chalicelib/domain/request_schema.py, chalicelib/api/params.py), so the document cannot
promise anything the validation refuses, or the other way round. Responses are described
here by hand.
"""

from __future__ import annotations

import copy
import functools
import json
from collections.abc import Sequence
from typing import Any

from pydantic import BaseModel

from chalicelib.api import params
from chalicelib.domain.audit import AuditEventType
from chalicelib.domain.request import ContentType, ItemKind
from chalicelib.domain.request_schema import EXAMPLE_ROOT, TicketRequestBody, dest_path_regex
from chalicelib.domain.schema_types import CONTROL, json_schema
from chalicelib.domain.states import TicketState

# Component names for the models (and the models they contain).
REQUEST_SCHEMAS: dict[str, type[BaseModel]] = {
    "TicketRequest": TicketRequestBody,
    "ApproveRequest": params.ApproveBody,
    "RejectRequest": params.RejectBody,
    "ForceSearchRequest": params.ForceSearchBody,
    "ForceMagnetRequest": params.ForceMagnetBody,
    "SearchTestRequest": params.SearchTestBody,
    "AlbumLookupRequest": params.AlbumLookupBody,
    "MovieLookupRequest": params.MovieLookupBody,
    "EpisodeLookupRequest": params.EpisodeLookupBody,
}
NESTED_NAMES = {"QueryContextBody": "QueryContext", "TrackBody": "TrackRequest",
                "ImageBody": "ImageRequest", "ItemBody": "ItemRequest",
                "ConstraintsBody": "Constraints"}
DEST_PATH_HOLDERS = ("TrackRequest", "ImageRequest", "ItemRequest")


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def _json(schema: dict[str, Any], description: str = "OK") -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


ERRORS = {
    "400": _json(_ref("Error"), "Invalid input; `errors` names each offending field"),
    "401": _json(_ref("Error"), "Missing or invalid credentials"),
    "403": _json(_ref("Error"), "Not allowed for this identity"),
    "404": _json(_ref("Error"), "No such ticket (or another user's)"),
    "409": _json(_ref("Error"), "The action does not fit the ticket's current state"),
    "413": _json(_ref("Error"), "The request body is larger than [server] max_body_bytes"),
    "429": _json(_ref("Error"), "Too many failed authentications from this address: wait "
                                "Retry-After seconds"),
}
NOT_CONFIGURED = _json(_ref("Error"), "`NotConfigured`: the service this route needs is not "
                                      "set up in the configuration (`service` names it); or "
                                      "the action does not fit the ticket's state")
# Path parameters never carry control characters (chalicelib/api/request_text.py).
PATH_TEXT = f"^[^{CONTROL}]+$"
TICKET_ID = {"name": "ticket_id", "in": "path", "required": True,
             "schema": {"type": "string", "minLength": 1, "pattern": PATH_TEXT}}


def _rename_refs(node: Any) -> Any:
    if isinstance(node, dict):
        out = {}
        for key, value in node.items():
            if key == "$ref" and isinstance(value, str):
                name = value.rsplit("/", 1)[-1]
                out[key] = f"#/components/schemas/{NESTED_NAMES.get(name, name)}"
            else:
                out[key] = _rename_refs(value)
        return out
    if isinstance(node, list):
        return [_rename_refs(v) for v in node]
    return node


@functools.cache
def _request_components() -> dict[str, Any]:
    components: dict[str, Any] = {}
    for name, model in REQUEST_SCHEMAS.items():
        schema = json_schema(model)
        for nested, nested_schema in schema.pop("$defs", {}).items():
            components[NESTED_NAMES.get(nested, nested)] = _rename_refs(nested_schema)
        schema.pop("title", None)
        components[name] = _rename_refs(schema)
    for schema in components.values():
        schema.pop("title", None)
    return components


def _query_parameters(model: type[BaseModel]) -> list[dict[str, Any]]:
    """A query model's fields as OpenAPI parameters (by their names in the URL)."""
    schema = json_schema(model)
    required = set(schema.get("required", ()))
    out = []
    for name, prop in schema["properties"].items():
        prop = dict(prop)
        prop.pop("title", None)
        param: dict[str, Any] = {"name": name, "in": "query", "schema": prop}
        if "description" in prop:
            param["description"] = prop.pop("description")
        if name in required:
            param["required"] = True
        out.append(param)
    return out


def _body(name: str, required: bool = True) -> dict[str, Any]:
    return {"required": required, "content": {"application/json": {"schema": _ref(name)}}}


def _action(op_id: str, summary: str, body: str | None = None) -> dict[str, Any]:
    op: dict[str, Any] = {
        "operationId": op_id,
        "summary": summary,
        "parameters": [TICKET_ID],
        "responses": {"200": _json(_ref("Ticket")), **ERRORS},
    }
    if body is not None:
        required = bool(REQUEST_SCHEMAS[body].model_json_schema().get("required"))
        op["requestBody"] = _body(body, required)
    return op


def _lookup(op_id: str, summary: str, body: str, answer: str) -> dict[str, Any]:
    return {"operationId": op_id, "summary": summary, "requestBody": _body(body),
            "responses": {"200": _json(_ref(answer)), **ERRORS, "409": NOT_CONFIGURED,
                          "502": _json(_ref("Error"), "The catalog is down, rate limited "
                                                      "or malformed")}}


# Where a created ticket leads: the stateful tests (and readers) follow these.
TICKET_LINKS = {
    name: {"operationId": op_id, "parameters": {"ticket_id": "$response.body#/ticket_id"}}
    for name, op_id in (("GetTicket", "getTicket"), ("CancelTicket", "cancelTicket"),
                        ("TicketFlow", "ticketFlow"), ("ApproveTicket", "approveTicket"),
                        ("RejectTicket", "rejectTicket"), ("RetryTicket", "retryTicket"),
                        ("ForceSearch", "forceSearch"), ("ForceMagnet", "forceMagnet"))
}


def _lookup_schemas() -> dict[str, Any]:
    text, year = {"type": ["string", "null"]}, {"type": ["integer", "null"]}
    release = {"type": "object", "required": ["musicbrainz_release_id", "title", "artist",
                                              "track_count"],
               "properties": {"musicbrainz_release_id": {"type": "string"},
                              "title": {"type": "string"}, "artist": {"type": "string"},
                              "date": text, "country": text,
                              "track_count": {"type": "integer"},
                              "formats": {"type": "array", "items": {"type": "string"}},
                              "release_group_id": text,
                              "disambiguation": {"type": "string"}}}
    movie = {"type": "object", "required": ["tmdb_id", "title"],
             "properties": {"tmdb_id": {"type": "integer"}, "title": {"type": "string"},
                            "original_title": {"type": "string"}, "release_date": text,
                            "year": year, "overview": {"type": "string"},
                            "runtime_mins": year, "imdb_id": text}}
    series = {"type": "object", "required": ["tmdb_id", "name"],
              "properties": {"tmdb_id": {"type": "integer"}, "name": {"type": "string"},
                             "first_air_date": text, "year": year,
                             "overview": {"type": "string"}}}
    episode = {"type": "object", "required": ["season", "episode", "name"],
               "properties": {"season": {"type": "integer"}, "episode": {"type": "integer"},
                              "name": {"type": "string"}, "air_date": text,
                              "runtime_mins": year}}
    return {
        "CatalogRelease": release, "CatalogMovie": movie, "CatalogSeries": series,
        "CatalogEpisode": episode,
        "AlbumLookup": {"type": "object", "description": "`candidates`, or a picked "
                        "`release` with its `ticket` skeleton (a POST /api/v1/ticket body)",
                        "properties": {
                            "candidates": {"type": "array", "items": _ref("CatalogRelease")},
                            "release": _ref("CatalogRelease"),
                            "ticket": _ref("TicketRequest")}},
        "MovieLookup": {"type": "object", "properties": {
            "candidates": {"type": "array", "items": _ref("CatalogMovie")},
            "movie": _ref("CatalogMovie"), "ticket": _ref("TicketRequest")}},
        "EpisodeLookup": {"type": "object", "properties": {
            "candidates": {"type": "array", "items": _ref("CatalogSeries")},
            "series": _ref("CatalogSeries"),
            "episodes": {"type": "array", "items": _ref("CatalogEpisode")},
            "ticket": _ref("TicketRequest")}},
    }


def _schemas() -> dict[str, Any]:
    return {
        "Error": {
            "type": "object",
            "required": ["error", "message"],
            "properties": {
                "error": {"type": "string"},
                "message": {"type": "string"},
                "errors": {"type": "array", "items": _ref("FieldError")},
                "current_state": {"type": "string"},
                "service": {"type": "string", "description": "NotConfigured (409) and "
                            "ExternalServiceError (502): which service"},
            },
        },
        "FieldError": {
            "type": "object",
            "required": ["field", "message"],
            "properties": {"field": {"type": "string"}, "message": {"type": "string"}},
        },
        "TicketItem": {
            "type": "object",
            "required": ["item_id", "kind", "dest_path", "requested"],
            "properties": {
                "item_id": {"type": "string"},
                "kind": {"type": "string", "enum": [k.value for k in ItemKind]},
                "dest_path": {"type": "string"},
                "name": {"type": "string"},
                "disc_number": {"type": "integer"}, "track_number": {"type": "integer"},
                "duration_secs": {"type": "number"},
                "season": {"type": "integer"}, "episode": {"type": "integer"},
                "image_type": {"type": "string"},
                "requested": {"type": "boolean"},
            },
        },
        "NormalisedRequest": {
            "type": "object",
            "required": ["priority", "dry_run", "request_scope", "query_context", "items",
                         "constraints", "metadata_to_embed"],
            "properties": {
                "priority": {"type": "integer"},
                "dry_run": {"type": "boolean"},
                "request_scope": {"type": "string"},
                "query_context": _ref("QueryContext"),
                "items": {"type": "array", "items": _ref("TicketItem")},
                "constraints": _ref("Constraints"),
                "metadata_to_embed": {"type": "object", "additionalProperties": True},
            },
        },
        "TicketState": {"type": "string", "enum": [s.value for s in TicketState]},
        "Transition": {
            "type": "object",
            "required": ["from_state", "to_state", "actor", "reason", "at"],
            "properties": {
                "from_state": {"oneOf": [_ref("TicketState"), {"type": "null"}]},
                "to_state": _ref("TicketState"),
                "actor": {"type": "string"},
                "reason": {"type": "string"},
                "at": {"type": "string", "format": "date-time"},
            },
        },
        "Ticket": {
            "type": "object",
            "required": ["ticket_id", "state", "state_payload", "priority", "dry_run",
                         "requested_by", "created_at", "updated_at", "linked_tickets",
                         "version", "request", "history"],
            "properties": {
                "ticket_id": {"type": "string"},
                "state": _ref("TicketState"),
                "state_payload": {"type": "object", "additionalProperties": True,
                                  "description": "State-specific data: candidates, progress, "
                                                 "retry_count, error..."},
                "priority": {"type": "integer"},
                "dry_run": {"type": "boolean"},
                "requested_by": {"type": "string"},
                "created_at": {"type": "string", "format": "date-time"},
                "updated_at": {"type": "string", "format": "date-time"},
                "linked_tickets": {"type": "array", "items": {"type": "string"}},
                "version": {"type": "integer"},
                "request": _ref("NormalisedRequest"),
                "history": {"type": "array", "items": _ref("Transition")},
            },
        },
        "TicketPage": {
            "type": "object",
            "required": ["tickets", "cursor"],
            "properties": {
                "tickets": {"type": "array", "items": _ref("Ticket")},
                "cursor": {"type": ["string", "null"]},
            },
        },
        "AuditEvent": {
            "type": "object",
            "required": ["event_id", "event_type", "ticket_id", "actor", "at", "data"],
            "properties": {
                "event_id": {"type": "string"},
                "event_type": {"type": "string", "enum": [t.value for t in AuditEventType]},
                "ticket_id": {"type": "string", "description": "'-' for service-wide events"},
                "actor": {"type": "string"},
                "at": {"type": "string", "format": "date-time"},
                "data": {"type": "object", "additionalProperties": True},
            },
        },
        "AuditPage": {
            "type": "object",
            "required": ["events", "cursor"],
            "properties": {
                "events": {"type": "array", "items": _ref("AuditEvent")},
                "cursor": {"type": ["string", "null"]},
            },
        },
        "Health": {
            "type": "object",
            "required": ["status", "checks"],
            "properties": {
                "status": {"type": "string", "enum": ["ok", "degraded"]},
                "checks": {"type": "object", "additionalProperties": {
                    "type": "object",
                    "required": ["ok", "latency_ms"],
                    "properties": {"ok": {"type": "boolean"}, "latency_ms": {"type": "number"},
                                   "status": {"type": "string", "enum": ["ok", "down"]},
                                   "error": {"type": "string"}},
                    "additionalProperties": True}},
                "agents": {"type": "object", "description": "Each agent by its last heartbeat",
                           "additionalProperties": {
                               "type": "object", "required": ["ok", "status"],
                               "properties": {
                                   "ok": {"type": "boolean"},
                                   "status": {"type": "string",
                                              "enum": ["ok", "down", "unknown"]},
                                   "last_heartbeat": {"type": "string",
                                                      "format": "date-time"},
                                   "age_secs": {"type": ["number", "null"]},
                                   "error": {"type": "string"}},
                               "additionalProperties": True}},
            },
        },
        "Stats": {
            "type": "object",
            "required": ["by_state", "total", "window", "window_secs", "since", "until",
                         "outcomes", "tickets_per_hour", "hourly", "median_secs_by_stage",
                         "success_ratio"],
            "properties": {
                "by_state": {"type": "object", "additionalProperties": {"type": "integer"}},
                "total": {"type": "integer"},
                "window": {"type": "string"},
                "window_secs": {"type": "integer"},
                "since": {"type": "string", "format": "date-time"},
                "until": {"type": "string", "format": "date-time"},
                "outcomes": {"type": "object", "description": "Tickets that ended in the "
                             "window, by terminal state",
                             "additionalProperties": {"type": "integer"}},
                "tickets_per_hour": {"type": "object",
                                     "additionalProperties": {"type": "number"}},
                "hourly": {"type": "array", "items": {
                    "type": "object", "required": ["hour", "outcomes"],
                    "properties": {"hour": {"type": "string", "format": "date-time"},
                                   "outcomes": {"type": "object", "additionalProperties": {
                                       "type": "integer"}}}}},
                "median_secs_by_stage": {"type": "object", "description": "Median time "
                                         "spent in each state left during the window",
                                         "additionalProperties": {"type": "number"}},
                "success_ratio": {"type": ["number", "null"], "description": "completed / "
                                  "(completed + failed + acquisition_failed + rejected)"},
            },
        },
        "CatalogTorrent": {
            "type": "object",
            "required": ["info_hash", "name", "size", "ratio", "seeding_secs", "registered_at",
                         "last_used_at", "status", "files"],
            "properties": {
                "info_hash": {"type": "string"}, "name": {"type": "string"},
                "size": {"type": "integer"}, "ratio": {"type": "number"},
                "seeding_secs": {"type": "integer"},
                "registered_at": {"type": "string", "format": "date-time"},
                "last_used_at": {"type": "string", "format": "date-time"},
                "status": {"type": "string", "enum": ["seeding", "seeding_goal_met"]},
                "files": {"type": "integer"},
            },
        },
        "Catalog": {
            "type": "object",
            "required": ["torrents", "storage"],
            "properties": {
                "torrents": {"type": "array", "items": _ref("CatalogTorrent")},
                "storage": {"type": "object",
                            "required": ["used_bytes", "budget_bytes", "cleanup_candidates"],
                            "properties": {
                                "used_bytes": {"type": "integer"},
                                "budget_bytes": {"type": ["integer", "null"]},
                                "cleanup_candidates": {"type": "array",
                                                       "items": {"type": "string"}}}},
            },
        },
        "CatalogCoverage": {
            "type": "object",
            "required": ["artist", "albums"],
            "properties": {
                "artist": {"type": "string"},
                "albums": {"type": "array", "items": {
                    "type": "object", "required": ["album", "tracks", "torrents"],
                    "properties": {"album": {"type": "string"},
                                   "tracks": {"type": "integer"},
                                   "torrents": {"type": "array",
                                                "items": {"type": "string"}}}}},
            },
        },
        "TicketSummary": {
            "type": "object",
            "description": "The small form of a ticket that WebSocket messages carry",
            "required": ["ticket_id", "state", "priority", "requested_by", "created_at",
                         "updated_at", "version", "dry_run", "expected", "label"],
            "properties": {
                "ticket_id": {"type": "string"}, "state": _ref("TicketState"),
                "priority": {"type": "integer"}, "requested_by": {"type": "string"},
                "created_at": {"type": "string", "format": "date-time"},
                "updated_at": {"type": "string", "format": "date-time"},
                "version": {"type": "integer"}, "dry_run": {"type": "boolean"},
                "expected": {"type": "string", "enum": [c.value for c in ContentType]},
                "label": {"type": "string"},
                "progress": {"type": "object", "additionalProperties": True},
                "error": {"type": "string"},
            },
        },
        "RealtimeMessage": {
            "type": "object",
            "description": "A message on the WebSocket API (see chalicelib/realtime/protocol.py)",
            "required": ["type"],
            "properties": {
                "type": {"type": "string", "enum": ["snapshot", "created", "state_change",
                                                    "progress", "needs_approval", "subscribed",
                                                    "unsubscribed", "error"]},
                "seq": {"type": "integer", "description": "Per connection, +1 per message"},
                "tickets": {"type": "array", "items": _ref("TicketSummary")},
                "truncated": {"type": "boolean"},
                "ticket_id": {"type": "string"},
                "ticket": _ref("TicketSummary"),
                "data": {"type": "object", "additionalProperties": True},
                "message": {"type": "string"},
                "filter": {"type": "object", "description": "subscribed/unsubscribed: the "
                           "filter asked for", "properties": {"requested_by": {
                               "type": "string"}}},
                "subscription": {"type": "object", "description": "subscribed/unsubscribed: "
                                 "what the connection now receives",
                                 "additionalProperties": True},
            },
        },
        "RealtimeInfo": {
            "type": "object",
            "required": ["url", "available", "subprotocol"],
            "properties": {"url": {"type": ["string", "null"]},
                           "available": {"type": "boolean"},
                           "subprotocol": {"type": "string"}},
        },
        "Flow": {
            "type": "object",
            "required": ["ticket_id", "executions"],
            "properties": {
                "ticket_id": {"type": "string"},
                "executions": {"type": "array", "items": {
                    "type": "object",
                    "required": ["attempt", "execution_name", "status", "events"],
                    "properties": {
                        "attempt": {"type": "integer"},
                        "execution_name": {"type": "string"},
                        "status": {"type": "string"},
                        "started_at": {"type": ["string", "null"]},
                        "stopped_at": {"type": ["string", "null"]},
                        "events": {"type": "array", "items": {
                            "type": "object",
                            "properties": {"id": {"type": "integer"}, "type": {"type": "string"},
                                           "at": {"type": ["string", "null"]},
                                           "details": {"type": "object",
                                                       "additionalProperties": True}}}},
                    }}},
            },
        },
        "SearchTest": {
            "type": "object",
            "required": ["query", "expected", "candidates", "total_found", "duration_ms"],
            "properties": {
                "query": {"type": "string"},
                "expected": {"type": "string"},
                "scored_against": {"type": "object",
                                   "additionalProperties": {"type": "string"}},
                "candidates": {"type": "array",
                               "items": {"type": "object", "additionalProperties": True}},
                "total_found": {"type": "integer"},
                "duration_ms": {"type": "integer"},
                "audit_event_id": {"type": "string"},
            },
        },
        "Identity": {
            "type": "object",
            "required": ["user_id", "is_admin", "method"],
            "properties": {"user_id": {"type": "string"}, "is_admin": {"type": "boolean"},
                           "method": {"type": "string"},
                           "claims": {"type": "object", "description":
                                      "What the method learned: JWT claims, certificate "
                                      "subject, the matched address rule, plugin claims"}},
        },
    }


def openapi_document(allowed_roots: Sequence[str] | None = None) -> dict[str, Any]:
    """The whole OpenAPI 3.1 document; with `allowed_roots` (the service's configuration),
    the dest_path patterns say which roots this deployment accepts."""
    request_schemas = copy.deepcopy(_request_components())
    if allowed_roots is not None:
        pattern = f"^{dest_path_regex(tuple(allowed_roots))}$"
        for name in DEST_PATH_HOLDERS:
            request_schemas[name]["properties"]["dest_path"]["pattern"] = pattern
        # The example's paths under this deployment's first root, so that it is valid here.
        root = "/" + allowed_roots[0].strip("/") if allowed_roots else EXAMPLE_ROOT
        example = json.dumps(request_schemas["TicketRequest"]["examples"])
        request_schemas["TicketRequest"]["examples"] = json.loads(
            example.replace(f'"{EXAMPLE_ROOT}/', f'"{root.rstrip("/")}/'))
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Quentin Torrentino",
            "version": "1.0.0",
            "description": (
                "Media acquisition service: tickets in, placed files out.\n\n"
                "Every JSON body must be UTF-8, at most 32 levels deep, with no duplicate "
                "keys, no NaN or Infinity, no number longer than 40 characters, no NUL or "
                "unpaired surrogate in any string, and no control character in any key "
                "(400 naming the field); bodies over the configured size answer 413. "
                "Query and path parameters never contain control characters."),
        },
        "servers": [{"url": "/"}],
        "security": [{"apiKey": []}, {"bearer": []}],
        "components": {
            "securitySchemes": {
                "apiKey": {"type": "apiKey", "in": "header", "name": "X-API-Key"},
                "bearer": {"type": "http", "scheme": "bearer",
                           "description": "An API key, or a JWT with [auth] method = oidc"},
            },
            "schemas": {**_schemas(), **_lookup_schemas(), **request_schemas},
        },
        "paths": {
            "/api/v1/ticket": {
                "post": {
                    "operationId": "createTicket",
                    "summary": "Create a ticket",
                    "requestBody": _body("TicketRequest"),
                    "responses": {"201": {**_json(_ref("Ticket"), "Created"),
                                          "links": TICKET_LINKS}, **ERRORS},
                }
            },
            "/api/v1/ticket/{ticket_id}": {
                "get": {"operationId": "getTicket",
                        "summary": "A ticket with its state and history",
                        "parameters": [TICKET_ID],
                        "responses": {"200": _json(_ref("Ticket")), **ERRORS}},
                "delete": {"operationId": "cancelTicket", "summary": "Cancel a ticket",
                           "parameters": [TICKET_ID, *_query_parameters(params.CancelQuery)],
                           "responses": {"200": _json(_ref("Ticket")), **ERRORS}},
            },
            "/api/v1/tickets": {
                "get": {
                    "operationId": "listTickets",
                    "summary": "List tickets (by state: priority then age; else newest first)",
                    "parameters": _query_parameters(params.TicketListQuery),
                    "responses": {"200": _json(_ref("TicketPage")), **ERRORS},
                }
            },
            "/api/v1/ticket/{ticket_id}/flow": {"get": {
                "operationId": "ticketFlow",
                "summary": "The Step Functions execution history of the ticket's flow",
                "parameters": [TICKET_ID],
                "responses": {"200": _json(_ref("Flow")), **ERRORS}}},
            "/api/v1/ticket/{ticket_id}/approve": {"post": _action(
                "approveTicket", "Approve a ticket awaiting approval", "ApproveRequest")},
            "/api/v1/ticket/{ticket_id}/reject": {"post": _action(
                "rejectTicket", "Reject a ticket awaiting approval", "RejectRequest")},
            "/api/v1/ticket/{ticket_id}/retry": {"post": _action(
                "retryTicket", "Retry a failed ticket (admin only)")},
            "/api/v1/ticket/{ticket_id}/force-search": {"post": _action(
                "forceSearch", "Search again with the given query (admin only)",
                "ForceSearchRequest")},
            "/api/v1/ticket/{ticket_id}/force-magnet": {"post": _action(
                "forceMagnet", "Download this magnet link instead of searching (admin only)",
                "ForceMagnetRequest")},
            "/api/v1/search/test": {"post": {
                "operationId": "searchTest",
                "summary": "Run a query through the indexers and score the results "
                           "(no ticket is created)",
                "requestBody": _body("SearchTestRequest"),
                "responses": {"200": _json(_ref("SearchTest")), **ERRORS,
                              "409": NOT_CONFIGURED,
                              "502": _json(_ref("Error"), "The indexer failed")}}},
            "/api/v1/music/album": {"post": _lookup(
                "musicAlbum",
                "MusicBrainz: releases matching artist + album (+ year); with "
                "musicbrainz_release_id a ticket skeleton; with release_group_id its editions",
                "AlbumLookupRequest", "AlbumLookup")},
            "/api/v1/video/movie": {"post": _lookup(
                "videoMovie",
                "TMDB: movies matching title (+ year); with tmdb_id a ticket skeleton",
                "MovieLookupRequest", "MovieLookup")},
            "/api/v1/video/episode": {"post": _lookup(
                "videoEpisode",
                "TMDB: series matching a name (+ year); with tmdb_id + season its episodes "
                "and a ticket skeleton (one episode, or the whole season)",
                "EpisodeLookupRequest", "EpisodeLookup")},
            "/api/v1/audit": {
                "get": {
                    "operationId": "listAudit",
                    "summary": "Audit events, newest first",
                    "parameters": _query_parameters(params.AuditQuery),
                    "responses": {"200": _json(_ref("AuditPage")), **ERRORS},
                }
            },
            "/api/v1/audit/export": {
                "get": {
                    "operationId": "exportAudit",
                    "summary": "Export the audit log as JSON Lines (also written to S3; the "
                               "location is in X-Export-Location)",
                    "parameters": _query_parameters(params.ExportQuery),
                    "responses": {"200": {"description": "JSON Lines",
                                          "content": {"application/x-ndjson": {
                                              "schema": {"type": "string"}}}}, **ERRORS},
                }
            },
            "/api/v1/training/export": {
                "get": {
                    "operationId": "exportTraining",
                    "summary": "Every acquisition decision with its inputs, candidates, outcome "
                               "and human corrections, as JSON Lines (admin; also written to "
                               "S3, see X-Export-Location)",
                    "parameters": _query_parameters(params.TrainingExportQuery),
                    "responses": {"200": {"description": "JSON Lines",
                                          "content": {"application/x-ndjson": {
                                              "schema": {"type": "string"}}}}, **ERRORS},
                }
            },
            "/api/v1/health": {"get": {"summary": "Dependency health", "security": [],
                                       "responses": {"200": _json(_ref("Health")),
                                                     "503": _json(_ref("Health"),
                                                                  "Degraded")}}},
            "/api/v1/stats": {"get": {
                "summary": "Ticket counts per state, and processing rates over a window",
                "parameters": _query_parameters(params.StatsQuery),
                "responses": {"200": _json(_ref("Stats")), **ERRORS}}},
            "/api/v1/catalog": {"get": {
                "summary": "Kept torrents (status, ratio, size, last used), the storage "
                           "budget and the cleanup candidates",
                "responses": {"200": _json(_ref("Catalog")), **ERRORS}}},
            "/api/v1/catalog/coverage": {"get": {
                "summary": "An artist's albums found in kept torrents",
                "parameters": _query_parameters(params.CoverageQuery),
                "responses": {"200": _json(_ref("CatalogCoverage")), **ERRORS}}},
            "/api/v1/config": {"get": {"summary": "The configuration, secrets redacted "
                                                  "(admin only)",
                                       "responses": {"200": _json({"type": "object"}),
                                                     **ERRORS}}},
            "/api/v1/openapi.json": {"get": {"summary": "This document", "security": [],
                                             "responses": {"200": _json({"type": "object"})}}},
            "/api/v1/whoami": {"get": {"summary": "The caller's identity",
                                       "responses": {"200": _json(_ref("Identity")),
                                                     **ERRORS}}},
            "/api/v1/realtime": {"get": {
                "summary": "Where the WebSocket API is (send the key as subprotocol "
                           "quentin.key.<base64url> beside quentin.v1, or ?api_key=)",
                "responses": {"200": _json(_ref("RealtimeInfo")), **ERRORS}}},
            "/": {"get": {"summary": "The dashboard (local stack only)", "security": [],
                          "responses": {"200": {"description": "index.html"},
                                        "404": _json(_ref("Error"), "Not built")}}},
            "/{proxy+}": {"get": {"summary": "A dashboard file (local stack only)",
                                  "security": [],
                                  "parameters": [{"name": "proxy+", "in": "path",
                                                  "required": True,
                                                  "schema": {"type": "string",
                                                             "pattern": PATH_TEXT}}],
                                  "responses": {"200": {"description": "The file"},
                                                "400": ERRORS["400"],
                                                "404": _json(_ref("Error"), "No such file")}}},
        },
    }
