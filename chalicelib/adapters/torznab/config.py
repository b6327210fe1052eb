"""Settings of the Torznab searcher and the URLs they imply for Jackett and Prowlarr."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from urllib.parse import quote, quote_plus, urlencode, urlsplit

from chalicelib.domain.bencode import MAX_TORRENT_BYTES
from chalicelib.domain.errors import FieldError, ValidationError


class Backend(StrEnum):
    """The indexer proxy in front of the trackers."""

    JACKETT = "jackett"
    PROWLARR = "prowlarr"


@dataclass(frozen=True)
class TorznabConfig:
    """Where the indexer proxy is and how politely to use it.

    Jackett indexers default to ["all"] (its aggregate indexer); Prowlarr needs ids.
    The API key is kept out of repr, logs and error messages.
    """

    backend: Backend
    url: str
    api_key: str = field(repr=False)
    timeout_secs: float = 30.0
    indexers: tuple[str, ...] = ()
    min_interval_secs: float = 2.0
    cache_ttl_secs: float = 1800.0
    caps_ttl_secs: float = 86400.0
    max_response_bytes: int = 20 * 1024 * 1024
    max_torrent_bytes: int = MAX_TORRENT_BYTES

    def __post_init__(self) -> None:
        errors: list[FieldError] = []
        try:
            object.__setattr__(self, "backend", Backend(self.backend))
        except ValueError:
            errors.append(FieldError("torznab.backend", "must be 'jackett' or 'prowlarr'"))
        parts = urlsplit(self.url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            errors.append(FieldError("torznab.url", "must be an http(s) URL with a host"))
        if not self.api_key:
            errors.append(FieldError("torznab.api_key", "must not be empty"))
        indexers = tuple(self.indexers)
        if not indexers and self.backend == Backend.JACKETT:
            indexers = ("all",)
        if not indexers and self.backend == Backend.PROWLARR:
            errors.append(FieldError("torznab.indexers", "Prowlarr needs at least one indexer id"))
        for indexer in indexers:
            if not indexer or "/" in indexer or indexer in (".", ".."):
                errors.append(FieldError("torznab.indexers", f"bad indexer id {indexer!r}"))
        object.__setattr__(self, "indexers", indexers)
        for name in ("timeout_secs", "max_response_bytes", "max_torrent_bytes"):
            if getattr(self, name) <= 0:
                errors.append(FieldError(f"torznab.{name}", "must be positive"))
        for name in ("min_interval_secs", "cache_ttl_secs", "caps_ttl_secs"):
            if getattr(self, name) < 0:
                errors.append(FieldError(f"torznab.{name}", "must not be negative"))
        if errors:
            raise ValidationError(errors)

    def api_url(self, indexer: str, params: dict[str, str]) -> str:
        """The full Torznab API URL for one indexer, API key included (never log it)."""
        base = self.url.rstrip("/")
        path_id = quote(indexer, safe="")
        if self.backend == Backend.JACKETT:
            endpoint = f"{base}/api/v2.0/indexers/{path_id}/results/torznab/api"
        else:
            endpoint = f"{base}/{path_id}/api"
        return f"{endpoint}?{urlencode({'apikey': self.api_key, **params})}"

    def redact(self, text: str) -> str:
        """`text` with every occurrence of the API key masked."""
        for form in (self.api_key, quote_plus(self.api_key), quote(self.api_key, safe="")):
            if form:
                text = text.replace(form, "***")
        return text
