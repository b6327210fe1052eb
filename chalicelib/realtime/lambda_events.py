"""API Gateway WebSocket events (as Chalice hands them over) → RealtimeService calls."""

from __future__ import annotations

from typing import Any

from chalicelib.realtime.service import RealtimeService


def _context(event: dict[str, Any]) -> dict[str, Any]:
    ctx: dict[str, Any] = event.get("requestContext") or {}
    return ctx


def on_connect(service: RealtimeService, event: dict[str, Any]) -> dict[str, Any]:
    """The $connect answer: statusCode 200 (with the chosen subprotocol) or a refusal."""
    ctx = _context(event)
    answer = service.connect(
        str(ctx["connectionId"]),
        event.get("queryStringParameters") or {},
        event.get("headers") or {},
        str((ctx.get("identity") or {}).get("sourceIp", "")),
    )
    response: dict[str, Any] = {"statusCode": answer.status}
    if answer.headers:
        response["headers"] = answer.headers
    if answer.message:
        response["body"] = answer.message
    return response


def on_message(service: RealtimeService, event: dict[str, Any]) -> dict[str, Any]:
    service.message(str(_context(event)["connectionId"]), str(event.get("body") or ""))
    return {"statusCode": 200}


def on_disconnect(service: RealtimeService, event: dict[str, Any]) -> dict[str, Any]:
    service.disconnect(str(_context(event)["connectionId"]))
    return {"statusCode": 200}
