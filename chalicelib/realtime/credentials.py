"""Where a WebSocket client puts its API key: browsers cannot set headers on a WebSocket.

Either the query parameter ``api_key`` or, preferred because URLs end up in access logs,
the ``Sec-WebSocket-Protocol`` header offering ``quentin.v1`` and ``quentin.key.<key as
base64url without padding>`` (subprotocol names must be HTTP tokens, a raw key need not be).
The server answers with ``quentin.v1``, never with the key.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Mapping
from dataclasses import dataclass

PROTOCOL = "quentin.v1"
KEY_PREFIX = "quentin.key."


@dataclass(frozen=True)
class WsCredentials:
    api_key: str | None
    subprotocol: str | None  # what the server must echo, if the client offered any


def _header(headers: Mapping[str, str], name: str) -> str | None:
    for key, value in headers.items():
        if key.lower() == name:
            return value
    return None


def key_subprotocol(api_key: str) -> str:
    """The subprotocol a client offers to carry `api_key` (the dashboard does the same)."""
    return KEY_PREFIX + base64.urlsafe_b64encode(api_key.encode()).decode().rstrip("=")


def ws_credentials(query: Mapping[str, str], headers: Mapping[str, str]) -> WsCredentials:
    """The key a connecting client presents, and the subprotocol to answer with."""
    offered = [p.strip() for p in (_header(headers, "sec-websocket-protocol") or "").split(",")
               if p.strip()]
    key: str | None = None
    for proto in offered:
        if proto.startswith(KEY_PREFIX):
            encoded = proto[len(KEY_PREFIX):]
            try:
                key = base64.urlsafe_b64decode(encoded + "=" * (-len(encoded) % 4)).decode()
            except (binascii.Error, UnicodeDecodeError):
                key = None
    if key is None and query.get("api_key"):
        key = query["api_key"]
    chosen = PROTOCOL if PROTOCOL in offered else None
    return WsCredentials(key, chosen)
