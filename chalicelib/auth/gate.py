"""The front door every request and WebSocket connection passes: whose address it is, whether
that address is cooling down after failures, the configured method, and the audit of refusals."""

from __future__ import annotations

import ipaddress
import logging
import math
import threading
import time
from collections import deque
from collections.abc import Callable, Mapping, Sequence

from chalicelib.auth.address import parse_ip
from chalicelib.auth.identity import AuditWriter, Authenticator, ClientCert, Identity, header
from chalicelib.domain.audit import AuditEventType
from chalicelib.domain.errors import TooManyRequests, Unauthorized

log = logging.getLogger("quentin.auth")
UNAUTHENTICATED = "unauthenticated"  # the audit actor of a refused attempt
_MAX_TRACKED = 10_000  # addresses remembered at once; the oldest are forgotten first


def client_ip(peer: str, headers: Mapping[str, str], trusted: Sequence[str]) -> str:
    """The caller's address: the peer's, unless the peer is a trusted proxy, then the last
    X-Forwarded-For hop that is not one (hops a client wrote itself are further left)."""
    networks = [ipaddress.ip_network(n, strict=False) for n in trusted]

    def is_trusted(text: str) -> bool:
        ip = parse_ip(text)
        return ip is not None and any(ip.version == n.version and ip in n for n in networks)

    if not networks or not is_trusted(peer):
        return peer
    hops = [h.strip() for h in (header(headers, "x-forwarded-for") or "").split(",") if h.strip()]
    for hop in reversed(hops):
        if not is_trusted(hop):
            return hop if parse_ip(hop) is not None else peer
    return peer


def throttle_key(ip: str) -> str:
    """What failures are counted by: the address, or for IPv6 its /64 (one subscriber usually
    holds a whole /64 and could otherwise take a fresh address for every attempt)."""
    parsed = parse_ip(ip)
    if isinstance(parsed, ipaddress.IPv6Address):
        return str(ipaddress.ip_network(f"{parsed}/64", strict=False))
    return str(parsed) if parsed is not None else ip


class FailureThrottle:
    """Refuse an address for `window` seconds once it failed `limit` times within it."""

    def __init__(self, limit: int, window: float,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self._limit, self._window, self._clock = limit, window, clock
        self._failures: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def wait_secs(self, ip: str) -> float:
        """0 if the address may try; else how long it must wait."""
        with self._lock:
            times = self._recent(ip)
            if len(times) < self._limit:
                return 0.0
            return times[-self._limit] + self._window - self._clock()

    def failed(self, ip: str) -> None:
        with self._lock:
            times = self._recent(ip)
            times.append(self._clock())
            while len(times) > self._limit:
                times.popleft()
            self._failures[ip] = times
            while len(self._failures) > _MAX_TRACKED:
                self._failures.pop(next(iter(self._failures)))

    def _recent(self, ip: str) -> deque[float]:
        times = self._failures.get(ip, deque())
        cutoff = self._clock() - self._window
        while times and times[0] <= cutoff:
            times.popleft()
        if not times:
            self._failures.pop(ip, None)
        return times


class AuthGate:
    """An Authenticator around the configured one: real client address, slow-down, audit."""

    def __init__(self, inner: Authenticator, recorder: AuditWriter, throttle: FailureThrottle,
                 trusted_proxies: Sequence[str] = ()) -> None:
        self.method = inner.method
        self._inner, self._recorder, self._throttle = inner, recorder, throttle
        self._trusted = tuple(trusted_proxies)

    def authenticate(self, headers: Mapping[str, str], source_ip: str,
                     client_cert: ClientCert | None = None) -> Identity:
        ip = client_ip(source_ip, headers, self._trusted)
        wait = self._throttle.wait_secs(throttle_key(ip))
        if wait > 0:
            # Not audited again: the failures that led here were, and a flood of refusals
            # must not become a flood of audit writes.
            raise TooManyRequests("too many failed authentications from this address",
                                  retry_after_secs=math.ceil(wait))
        try:
            return self._inner.authenticate(headers, ip, client_cert)
        except Unauthorized as e:
            self._throttle.failed(throttle_key(ip))
            log.info("authentication failed", extra={"method": self.method, "source_ip": ip,
                                                      "reason": e.message})
            self._recorder.record(AuditEventType.AUTHENTICATION_FAILED, UNAUTHENTICATED,
                                  method=self.method, source_ip=ip, reason=e.message)
            raise
