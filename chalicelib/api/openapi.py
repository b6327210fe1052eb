"""The OpenAPI 3 description of the HTTP API, served at /api/v1/openapi.json."""

from __future__ import annotations

from typing import Any

from chalicelib.domain.audit import AuditEventType
from chalicelib.domain.request import ContentType, ItemKind, OutputFormat
from chalicelib.domain.states import TicketState
from chalicelib.domain.validation import IMAGE_TYPES, REQUEST_SCOPES, RESOLUTIONS, VIDEO_CODECS


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
    "429": _json(_ref("Error"), "Too many failed authentications from this address: wait "
                                "Retry-After seconds"),
}

TICKET_ID = {"name": "ticket_id", "in": "path", "required": True, "schema": {"type": "string"}}
LIMIT = {"name": "limit", "in": "query", "schema": {"type": "integer", "minimum": 1,
                                                    "maximum": 200, "default": 50}}
CURSOR = {"name": "cursor", "in": "query", "schema": {"type": "string"},
          "description": "Opaque cursor from the previous page"}


def _action(summary: str, body: dict[str, Any] | None = None) -> dict[str, Any]:
    op: dict[str, Any] = {
        "summary": summary,
        "parameters": [TICKET_ID],
        "responses": {"200": _json(_ref("Ticket")), **ERRORS},
    }
    if body is not None:
        op["requestBody"] = {"required": False,
                             "content": {"application/json": {"schema": body}}}
    return op


def _lookup(summary: str, body: dict[str, Any], answer: str) -> dict[str, Any]:
    return {"summary": summary,
            "requestBody": {"required": True, "content": {"application/json": {
                "schema": {"type": "object", "properties": body}}}},
            "responses": {"200": _json(_ref(answer)), **ERRORS,
                          "502": _json(_ref("Error"), "The catalog is not configured, "
                                                      "down, rate limited or malformed")}}


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
    text = {"type": "string", "minLength": 1}
    return {
        "Error": {
            "type": "object",
            "required": ["error", "message"],
            "properties": {
                "error": {"type": "string"},
                "message": {"type": "string"},
                "errors": {"type": "array", "items": _ref("FieldError")},
                "current_state": {"type": "string"},
            },
        },
        "FieldError": {
            "type": "object",
            "required": ["field", "message"],
            "properties": {"field": {"type": "string"}, "message": {"type": "string"}},
        },
        "QueryContext": {
            "type": "object",
            "description": "What to look for. `search` (music shape) is accepted as an alias.",
            "properties": {
                "expected": {"type": "string", "enum": [c.value for c in ContentType]},
                "artist": text, "album": text, "title": text,
                "year": {"type": "integer", "minimum": 1000, "maximum": 3000},
                "season": {"type": "integer", "minimum": 0},
                "episode": {"type": "integer", "minimum": 0},
                "author": text, "version": text, "label": text,
                "genres": {"type": "array", "items": {"type": "string"}},
                "description": text,
                "tags": {"type": "array", "items": {"type": "string"}},
                "imdb_id": text, "musicbrainz_release_id": text,
            },
        },
        "TrackRequest": {
            "type": "object",
            "required": ["catalog_track_id", "track_number", "name", "dest_path"],
            "properties": {
                "catalog_track_id": text,
                "disc_number": {"type": "integer", "minimum": 1, "default": 1},
                "track_number": {"type": "integer", "minimum": 1},
                "name": text,
                "duration_secs": {"type": "number", "minimum": 0},
                "dest_path": {"type": "string", "description": "Absolute, inside allowed_roots"},
                "requested": {"type": "boolean", "default": True},
            },
        },
        "ImageRequest": {
            "type": "object",
            "required": ["catalog_image_id", "dest_path"],
            "properties": {
                "catalog_image_id": text,
                "type": {"type": "string", "enum": sorted(IMAGE_TYPES)},
                "dest_path": {"type": "string"},
                "requested": {"type": "boolean", "default": True},
            },
        },
        "ItemRequest": {
            "type": "object",
            "required": ["item_id", "dest_path"],
            "properties": {
                "item_id": text,
                "kind": {"type": "string", "enum": [k.value for k in ItemKind]},
                "dest_path": {"type": "string"},
                "name": text,
                "season": {"type": "integer"}, "episode": {"type": "integer"},
                "disc_number": {"type": "integer"}, "track_number": {"type": "integer"},
                "duration_secs": {"type": "number", "minimum": 0},
                "requested": {"type": "boolean", "default": True},
            },
        },
        "Constraints": {
            "type": "object",
            "properties": {
                "format": {"type": "string", "enum": [f.value for f in OutputFormat]},
                "bitrate_kbps": {"type": "integer", "minimum": 8, "maximum": 5000},
                "sample_rate_hz": {"type": "integer"},
                "bit_depth": {"type": "integer", "enum": [16, 24, 32]},
                "video_codec": {"type": "string", "enum": sorted(VIDEO_CODECS)},
                "min_resolution": {"type": "string", "enum": sorted(RESOLUTIONS)},
                "embed_metadata": {"type": "boolean", "default": True},
                "embed_cover": {"type": "boolean", "default": False},
            },
        },
        "TicketRequest": {
            "type": "object",
            "description": "Give `search` or `query_context`, and `tracks` or `items`.",
            "properties": {
                "priority": {"type": "integer", "minimum": 0, "maximum": 65535, "default": 100},
                "dry_run": {"type": "boolean", "default": False},
                "request_scope": {"type": "string", "enum": sorted(REQUEST_SCOPES)},
                "search": _ref("QueryContext"),
                "query_context": _ref("QueryContext"),
                "tracks": {"type": "array", "items": _ref("TrackRequest")},
                "images": {"type": "array", "items": _ref("ImageRequest")},
                "items": {"type": "array", "items": _ref("ItemRequest")},
                "constraints": _ref("Constraints"),
                "metadata_to_embed": {"type": "object",
                                      "additionalProperties": {"type": ["string", "number"]}},
            },
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


def openapi_document() -> dict[str, Any]:
    """The whole OpenAPI 3.1 document."""
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Quentin Torrentino",
            "version": "1.0.0",
            "description": "Media acquisition service: tickets in, placed files out.",
        },
        "servers": [{"url": "/"}],
        "security": [{"apiKey": []}, {"bearer": []}],
        "components": {
            "securitySchemes": {
                "apiKey": {"type": "apiKey", "in": "header", "name": "X-API-Key"},
                "bearer": {"type": "http", "scheme": "bearer",
                           "description": "An API key, or a JWT with [auth] method = oidc"},
            },
            "schemas": {**_schemas(), **_lookup_schemas()},
        },
        "paths": {
            "/api/v1/ticket": {
                "post": {
                    "summary": "Create a ticket",
                    "requestBody": {"required": True, "content": {
                        "application/json": {"schema": _ref("TicketRequest")}}},
                    "responses": {"201": _json(_ref("Ticket"), "Created"), **ERRORS,
                                  "413": _json(_ref("Error"), "Body too large")},
                }
            },
            "/api/v1/ticket/{ticket_id}": {
                "get": {"summary": "A ticket with its state and history",
                        "parameters": [TICKET_ID],
                        "responses": {"200": _json(_ref("Ticket")), **ERRORS}},
                "delete": {"summary": "Cancel a ticket",
                           "parameters": [TICKET_ID,
                                          {"name": "reason", "in": "query",
                                           "schema": {"type": "string"}}],
                           "responses": {"200": _json(_ref("Ticket")), **ERRORS}},
            },
            "/api/v1/tickets": {
                "get": {
                    "summary": "List tickets (by state: priority then age; else newest first)",
                    "parameters": [
                        {"name": "state", "in": "query", "schema": _ref("TicketState")},
                        {"name": "requested_by", "in": "query", "schema": {"type": "string"}},
                        LIMIT, CURSOR,
                    ],
                    "responses": {"200": _json(_ref("TicketPage")), **ERRORS},
                }
            },
            "/api/v1/ticket/{ticket_id}/flow": {"get": {
                "summary": "The Step Functions execution history of the ticket's flow",
                "parameters": [TICKET_ID],
                "responses": {"200": _json(_ref("Flow")), **ERRORS}}},
            "/api/v1/ticket/{ticket_id}/approve": {"post": _action(
                "Approve a ticket awaiting approval",
                {"type": "object", "properties": {"candidate_idx": {"type": "integer",
                                                                    "minimum": 0}}})},
            "/api/v1/ticket/{ticket_id}/reject": {"post": _action(
                "Reject a ticket awaiting approval",
                {"type": "object", "properties": {"reason": {"type": "string"}}})},
            "/api/v1/ticket/{ticket_id}/retry": {"post": _action(
                "Retry a failed ticket (admin only)")},
            "/api/v1/ticket/{ticket_id}/force-search": {"post": _action(
                "Search again with the given query (admin only)",
                {"type": "object", "required": ["query"],
                 "properties": {"query": {"type": "string", "minLength": 1}}})},
            "/api/v1/ticket/{ticket_id}/force-magnet": {"post": _action(
                "Download this magnet link instead of searching (admin only)",
                {"type": "object", "required": ["magnet_uri"],
                 "properties": {"magnet_uri": {"type": "string",
                                               "pattern": "^magnet:\\?"}}})},
            "/api/v1/search/test": {"post": {
                "summary": "Run a query through the indexers and score the results "
                           "(no ticket is created)",
                "requestBody": {"required": True, "content": {"application/json": {"schema": {
                    "type": "object", "required": ["query"],
                    "properties": {
                        "query": {"type": "string", "minLength": 1},
                        "expected": {"type": "string",
                                     "enum": [c.value for c in ContentType]},
                        "artist": {"type": "string"}, "album": {"type": "string"},
                        "title": {"type": "string"}, "year": {"type": "integer"},
                        "season": {"type": "integer"}, "episode": {"type": "integer"}}}}}},
                "responses": {"200": _json(_ref("SearchTest")), **ERRORS,
                              "502": _json(_ref("Error"), "No indexer, or it failed")}}},
            "/api/v1/music/album": {"post": _lookup(
                "MusicBrainz: releases matching artist + album (+ year); with "
                "musicbrainz_release_id a ticket skeleton; with release_group_id its editions",
                {"artist": {"type": "string"}, "album": {"type": "string"},
                 "year": {"type": "integer"},
                 "musicbrainz_release_id": {"type": "string", "format": "uuid"},
                 "release_group_id": {"type": "string", "format": "uuid"},
                 "format": {"type": "string", "enum": [f.value for f in OutputFormat]}},
                "AlbumLookup")},
            "/api/v1/video/movie": {"post": _lookup(
                "TMDB: movies matching title (+ year); with tmdb_id a ticket skeleton",
                {"title": {"type": "string"}, "year": {"type": "integer"},
                 "tmdb_id": {"type": "integer"},
                 "format": {"type": "string", "enum": [f.value for f in OutputFormat]}},
                "MovieLookup")},
            "/api/v1/video/episode": {"post": _lookup(
                "TMDB: series matching a name (+ year); with tmdb_id + season its episodes "
                "and a ticket skeleton (one episode, or the whole season)",
                {"series": {"type": "string"}, "year": {"type": "integer"},
                 "tmdb_id": {"type": "integer"}, "season": {"type": "integer", "minimum": 0},
                 "episode": {"type": "integer", "minimum": 1},
                 "format": {"type": "string", "enum": [f.value for f in OutputFormat]}},
                "EpisodeLookup")},
            "/api/v1/audit": {
                "get": {
                    "summary": "Audit events, newest first",
                    "parameters": [
                        {"name": "ticket_id", "in": "query", "schema": {"type": "string"}},
                        {"name": "event_type", "in": "query",
                         "schema": {"type": "string",
                                    "enum": [t.value for t in AuditEventType]}},
                        {"name": "from", "in": "query", "description": "A date-time with "
                         "its zone, or a date (YYYY-MM-DD: UTC midnight)",
                         "schema": {"type": "string"}},
                        {"name": "to", "in": "query", "description": "As from",
                         "schema": {"type": "string"}},
                        LIMIT, CURSOR,
                    ],
                    "responses": {"200": _json(_ref("AuditPage")), **ERRORS},
                }
            },
            "/api/v1/audit/export": {
                "get": {
                    "summary": "Export the audit log as JSON Lines (also written to S3; the "
                               "location is in X-Export-Location)",
                    "parameters": [
                        {"name": "format", "in": "query",
                         "schema": {"type": "string", "enum": ["jsonl"]}},
                        {"name": "from", "in": "query",
                         "schema": {"type": "string", "format": "date-time"}},
                        {"name": "to", "in": "query",
                         "schema": {"type": "string", "format": "date-time"}},
                    ],
                    "responses": {"200": {"description": "JSON Lines",
                                          "content": {"application/x-ndjson": {
                                              "schema": {"type": "string"}}}}, **ERRORS},
                }
            },
            "/api/v1/training/export": {
                "get": {
                    "summary": "Every acquisition decision with its inputs, candidates, outcome "
                               "and human corrections, as JSON Lines (admin; also written to "
                               "S3, see X-Export-Location)",
                    "parameters": [{"name": "format", "in": "query",
                                    "schema": {"type": "string", "enum": ["jsonl"]}}],
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
                "parameters": [{"name": "window", "in": "query",
                                "description": "90m, 24h (default), 7d; at most 31d",
                                "schema": {"type": "string", "pattern": "^[0-9]+[mhd]$"}}],
                "responses": {"200": _json(_ref("Stats")), **ERRORS}}},
            "/api/v1/catalog": {"get": {
                "summary": "Kept torrents (status, ratio, size, last used), the storage "
                           "budget and the cleanup candidates",
                "responses": {"200": _json(_ref("Catalog")), **ERRORS}}},
            "/api/v1/catalog/coverage": {"get": {
                "summary": "An artist's albums found in kept torrents",
                "parameters": [{"name": "artist", "in": "query", "required": True,
                                "schema": {"type": "string"}}],
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
                                                  "schema": {"type": "string"}}],
                                  "responses": {"200": {"description": "The file"},
                                                "404": _json(_ref("Error"), "No such file")}}},
        },
    }
