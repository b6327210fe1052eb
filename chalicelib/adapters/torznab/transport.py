"""HTTP to indexers: bounded bodies, and every failure as a typed IndexerError.

Error messages never carry URLs: Torznab URLs hold the API key and download links often
hold a tracker passkey.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from dataclasses import dataclass

import requests
from urllib3.exceptions import ReadTimeoutError

from chalicelib.adapters.torznab.documents import parse_xml, raise_if_error_document
from chalicelib.domain.indexers import (
    IndexerAuthError,
    IndexerError,
    IndexerResponseError,
    IndexerTimeout,
    IndexerUnavailable,
    RateLimited,
)

_CHUNK = 64 * 1024


class BodyTooLarge(Exception):
    """The response body exceeded the caller's byte limit."""


@dataclass(frozen=True)
class HttpAnswer:
    """Status, headers and (bounded) body of one response."""

    status: int
    headers: dict[str, str]
    body: bytes


class IndexerHttp:
    """GET requests to indexers through one pooled session."""

    def __init__(self, timeout_secs: float, session: requests.Session | None = None) -> None:
        self._timeout = timeout_secs
        self._session = session or requests.Session()

    def get(self, indexer: str, url: str, max_bytes: int, *, follow: bool = True) -> HttpAnswer:
        """GET `url`; raises IndexerTimeout/IndexerUnavailable, or BodyTooLarge past max_bytes."""
        try:
            with self._session.get(
                url, timeout=self._timeout, stream=True, allow_redirects=follow
            ) as response:
                length = response.headers.get("Content-Length", "")
                if length.isdigit() and int(length) > max_bytes:
                    raise BodyTooLarge(f"{length} bytes announced, limit {max_bytes}")
                body = bytearray()
                for chunk in response.iter_content(_CHUNK):
                    body += chunk
                    if len(body) > max_bytes:
                        raise BodyTooLarge(f"more than {max_bytes} bytes")
                return HttpAnswer(response.status_code, dict(response.headers), bytes(body))
        except requests.Timeout:
            raise IndexerTimeout(indexer, f"no answer within {self._timeout:g}s") from None
        except requests.ConnectionError as error:
            # A read timeout while streaming the body surfaces as a ConnectionError.
            if _is_read_timeout(error):
                raise IndexerTimeout(indexer, f"no answer within {self._timeout:g}s") from None
            raise IndexerUnavailable(indexer, "connection failed") from None
        except requests.RequestException as error:
            raise IndexerUnavailable(indexer, f"request failed ({type(error).__name__})") from None

    def get_xml(self, indexer: str, url: str, max_bytes: int) -> ET.Element:
        """GET a Torznab document; error documents and bad statuses become typed errors."""
        try:
            answer = self.get(indexer, url, max_bytes)
        except BodyTooLarge as error:
            raise IndexerResponseError(indexer, f"response too large: {error}") from None
        root: ET.Element | None = None
        try:
            root = parse_xml(answer.body, indexer)
        except IndexerResponseError:
            if answer.status == 200:
                raise
        if root is not None:
            raise_if_error_document(root, indexer)
        if answer.status != 200:
            raise error_for_status(indexer, answer.status, answer.headers)
        assert root is not None
        return root


def error_for_status(indexer: str, status: int, headers: dict[str, str]) -> IndexerError:
    """The typed error for an HTTP status other than 200."""
    if status in (401, 403):
        return IndexerAuthError(indexer, f"HTTP {status}: access refused")
    if status == 429:
        retry = headers.get("Retry-After", "")
        return RateLimited(indexer, float(retry) if retry.isdigit() else 60.0, "HTTP 429")
    if status >= 500:
        return IndexerUnavailable(indexer, f"HTTP {status}")
    return IndexerResponseError(indexer, f"HTTP {status}")


def _is_read_timeout(error: BaseException) -> bool:
    seen: BaseException | None = error
    for _ in range(8):  # the cause chain is short; the bound guards against cycles
        if seen is None:
            break
        if isinstance(seen, ReadTimeoutError | TimeoutError):
            return True
        inner = seen.args[0] if seen.args else None
        seen = inner if isinstance(inner, BaseException) else seen.__cause__ or seen.__context__
    return "timed out" in str(error).lower()
