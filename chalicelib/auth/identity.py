"""Who is calling: the result of authentication, and the interface every method implements."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

from chalicelib.domain.audit import AuditEventType


@dataclass(frozen=True)
class Identity:
    user_id: str
    is_admin: bool
    method: str
    # What the method learned: JWT claims, certificate subject, the matched rule, plugin claims.
    claims: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class ClientCert:
    """A client certificate the TLS terminator already verified (API Gateway mTLS, or locally
    the stack's TLS server), as API Gateway hands it over: `clientCertPem`."""

    pem: str


class Authenticator(Protocol):
    """Turn request headers, the source address and any client certificate into an Identity,
    or raise Unauthorized."""

    method: str

    def authenticate(self, headers: Mapping[str, str], source_ip: str,
                     client_cert: ClientCert | None = None) -> Identity: ...


class AuditWriter(Protocol):
    """Where refused attempts are recorded (the service's AuditRecorder)."""

    def record(self, event_type: AuditEventType, actor: str, ticket_id: str = ...,
               **data: Any) -> object: ...


def header(headers: Mapping[str, str], name: str) -> str | None:
    """A header's value, whatever the case of its name."""
    wanted = name.lower()
    for key, value in headers.items():
        if key.lower() == wanted:
            return value
    return None


def bearer_token(headers: Mapping[str, str]) -> str | None:
    """The token of an `Authorization: Bearer <token>` header."""
    auth = header(headers, "authorization")
    if auth and auth[:7].lower() == "bearer ":
        return auth[7:].strip() or None
    return None
