"""CatalogHttp: the one polite JSON client every catalog adapter sends its requests through.

Each request is spaced by the shared rate limiter (one name per catalog, so every Lambda and
the agent together keep MusicBrainz's one request per second), answered from the cache when
it can be, and retried once after a 503/429 whose Retry-After is short. Errors become
CatalogNotFound (404) or CatalogUnavailable (anything else), never a raw requests exception.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping
from dataclasses import dataclass
from email.utils import parsedate_to_datetime
from typing import Any

import requests

from chalicelib.domain.indexers import RateLimited
from chalicelib.domain.media_catalog import CatalogNotFound, CatalogUnavailable
from chalicelib.ports import CatalogCache, Clock, RateLimiter

log = logging.getLogger(__name__)

_BUSY = frozenset({429, 503})


@dataclass(frozen=True)
class CatalogEndpoint:
    """Where one catalog is and how to talk to it."""

    service: str  # also the rate limiter's and the cache's name for it
    base_url: str
    user_agent: str
    timeout_secs: float = 10.0
    cache_ttl_secs: float = 86400.0
    max_wait_secs: float = 5.0  # a longer Retry-After is reported, not waited for
    headers: tuple[tuple[str, str], ...] = ()
    secret_params: tuple[str, ...] = ()  # left out of cache keys and logs


class CatalogHttp:
    def __init__(self, endpoint: CatalogEndpoint, *, clock: Clock, rate_limiter: RateLimiter,
                 cache: CatalogCache | None = None,
                 session: requests.Session | None = None) -> None:
        self.endpoint = endpoint
        self._clock = clock
        self._limiter = rate_limiter
        self._cache = cache
        self._session = session or requests.Session()

    @property
    def service(self) -> str:
        return self.endpoint.service

    def get_json(self, path: str, params: Mapping[str, str], *, what: str) -> Any:
        """The decoded JSON at base_url + path; `what` names the thing in a NotFound."""
        key = self._cache_key(path, params)
        if self._cache is not None:
            cached = self._cache.get(key)
            if cached is not None:
                return cached
        body = self._fetch(path, params, what)
        if self._cache is not None and self.endpoint.cache_ttl_secs > 0:
            self._cache.put(key, body, self.endpoint.cache_ttl_secs)
        return body

    def get_bytes(self, url: str, *, what: str) -> tuple[bytes, str]:
        """A binary resource (an image) at an absolute URL: (bytes, content type)."""
        response = self._send(url, {}, what)
        return response.content, response.headers.get("Content-Type", "application/octet-stream")

    def post_json(self, path: str, body: Mapping[str, Any], *, what: str) -> Any:
        """POST a JSON body and decode the JSON answer (never cached: it is an action)."""
        url = self.endpoint.base_url.rstrip("/") + "/" + path.lstrip("/")
        response = self._send(url, {}, what, body=body)
        try:
            return response.json()
        except ValueError:
            self._limiter.record_failure(self.service)
            raise CatalogUnavailable(self.service, f"malformed reply to {path}: not JSON") from None

    def _fetch(self, path: str, params: Mapping[str, str], what: str) -> Any:
        url = self.endpoint.base_url.rstrip("/") + "/" + path.lstrip("/")
        response = self._send(url, params, what)
        try:
            return response.json()
        except (ValueError, json.JSONDecodeError):
            self._limiter.record_failure(self.service)
            raise CatalogUnavailable(self.service, f"malformed reply to {path}: not JSON") from None

    def _send(self, url: str, params: Mapping[str, str], what: str,
              body: Mapping[str, Any] | None = None) -> requests.Response:
        e = self.endpoint
        for attempt in (1, 2):
            self._wait_for_slot()
            try:
                response = self._session.request(
                    "GET" if body is None else "POST", url, params=dict(params),
                    json=None if body is None else dict(body), timeout=e.timeout_secs,
                    headers={"User-Agent": e.user_agent, "Accept": "application/json",
                             **dict(e.headers)})
            except requests.RequestException as err:
                self._limiter.record_failure(self.service)
                raise CatalogUnavailable(self.service,
                                         f"unreachable: {type(err).__name__}") from None
            if response.status_code == 404:
                self._limiter.record_success(self.service)
                raise CatalogNotFound(self.service, what)
            if response.status_code in _BUSY:
                wait = retry_after_secs(response.headers.get("Retry-After"), self._clock)
                if attempt == 1 and wait is not None and wait <= e.max_wait_secs:
                    log.info("catalog busy, waiting", extra={"service": self.service,
                                                            "retry_after": wait})
                    self._clock.sleep(wait)
                    continue
                self._limiter.record_failure(self.service)
                raise CatalogUnavailable(self.service,
                                         f"busy (HTTP {response.status_code}), retry later",
                                         retry_after=wait)
            if response.status_code in (401, 403):
                raise CatalogUnavailable(self.service,
                                         f"refused the credentials (HTTP {response.status_code})")
            if response.status_code >= 400:
                self._limiter.record_failure(self.service)
                raise CatalogUnavailable(self.service, f"HTTP {response.status_code}"
                                         f"{_said(response)}")
            self._limiter.record_success(self.service)
            return response
        raise AssertionError("unreachable")  # the loop returns or raises

    def _wait_for_slot(self) -> None:
        try:
            wait = self._limiter.acquire(self.service)
        except RateLimited as err:
            raise CatalogUnavailable(self.service, "backing off after failures",
                                     retry_after=err.retry_after) from None
        if wait > 0:
            self._clock.sleep(wait)

    def _cache_key(self, path: str, params: Mapping[str, str]) -> str:
        kept = sorted((k, v) for k, v in params.items() if k not in self.endpoint.secret_params)
        query = "&".join(f"{k}={v}" for k, v in kept)
        return f"{self.service} {self.endpoint.base_url.rstrip('/')}/{path.lstrip('/')}?{query}"


def retry_after_secs(value: str | None, clock: Clock) -> float | None:
    """Retry-After as seconds: either delta-seconds or an HTTP date; None when absent/bad."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, (when - clock.now()).total_seconds())


def _said(response: requests.Response) -> str:
    """The service's own message, when its error body has one (never the whole body)."""
    try:
        body = response.json()
    except ValueError:
        return ""
    if isinstance(body, dict):
        for key in ("message", "status_message", "error"):
            if isinstance(body.get(key), str):
                return f": {body[key][:200]}"
    return ""
