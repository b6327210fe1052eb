"""Keep credentials inside URLs (indexer API keys, tracker passkeys) out of what is shown.

Jackett and Prowlarr download links carry the indexer's API key, and private trackers put a
passkey in their announce URLs (also inside magnet links). What the API returns, the audit
log and exports show these values as "***"; the stored work order keeps them for the agent.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qsl, quote, urlencode, urlsplit, urlunsplit

SECRET_PARAMS = frozenset({"apikey", "api_key", "jackett_apikey", "passkey", "key", "token",
                           "auth", "authkey", "secret", "password", "pass", "torrent_pass"})
MASK = "***"


def redact_url(value: str) -> str:
    """The URL (or magnet link) with the values of credential parameters masked."""
    if value.startswith("magnet:?"):
        pairs = parse_qsl(value[len("magnet:?"):], keep_blank_values=True)
        masked = [(k, redact_url(v) if k == "tr" else v) for k, v in pairs]
        return "magnet:?" + "&".join(f"{k}={quote(v, safe=':/')}" for k, v in masked)
    if not value.startswith(("http://", "https://", "udp://")) or "?" not in value:
        return value
    parts = urlsplit(value)
    pairs = parse_qsl(parts.query, keep_blank_values=True)
    if not any(k.lower() in SECRET_PARAMS for k, _ in pairs):
        return value
    query = urlencode([(k, MASK if k.lower() in SECRET_PARAMS else v) for k, v in pairs])
    return urlunsplit(parts._replace(query=query))


def redact_secrets(value: Any) -> Any:
    """A copy of a JSON-like value with every URL's credentials masked."""
    if isinstance(value, str):
        return redact_url(value) if ("://" in value or value.startswith("magnet:")) else value
    if isinstance(value, dict):
        return {k: redact_secrets(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [redact_secrets(v) for v in value]
    return value
