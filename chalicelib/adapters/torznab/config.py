"""Settings of the Torznab searcher and the URLs they imply for Jackett and Prowlarr."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated
from urllib.parse import quote, quote_plus, urlencode, urlsplit

from pydantic import AfterValidator, Field, field_validator, model_validator
from pydantic.dataclasses import dataclass

from chalicelib.config import AdapterSettings, setting
from chalicelib.domain.bencode import MAX_TORRENT_BYTES
from chalicelib.domain.errors import FieldError, ValidationError


class Backend(StrEnum):
    """The indexer proxy in front of the trackers."""

    JACKETT = "jackett"
    PROWLARR = "prowlarr"


def _path_safe(indexer: str) -> str:
    if not indexer or "/" in indexer or indexer in (".", ".."):
        raise ValueError(f"bad indexer id {indexer!r}")
    return indexer


IndexerId = Annotated[str, AfterValidator(_path_safe)]  # it becomes a URL path segment


@dataclass(frozen=True)
class TorznabConfig(AdapterSettings):
    """Where the indexer proxy is and how politely to use it; errors name `torznab.<field>`.

    The API key is kept out of repr, logs and error messages.
    """

    FIELD_PREFIX = "torznab"

    backend: Backend = Field(description="The indexer proxy in front of the trackers.")
    url: str = Field(description="Its root URL, e.g. http://127.0.0.1:9117.")
    api_key: str = Field(repr=False, min_length=1, description="Its API key.")
    timeout_secs: float = setting(30.0, "Bound on each request.", gt=0)
    indexers: tuple[IndexerId, ...] = setting((), 'Jackett defaults to ("all",).')
    min_interval_secs: float = setting(2.0, "Minimum spacing per indexer.", ge=0)
    cache_ttl_secs: float = setting(1800.0, "How long search results are reused.", ge=0)
    caps_ttl_secs: float = setting(86400.0, "How long capabilities are reused.", ge=0)
    max_response_bytes: int = setting(20 * 1024 * 1024, "Larger answers are refused.", gt=0)
    max_torrent_bytes: int = setting(MAX_TORRENT_BYTES, "Larger .torrent files too.", gt=0)

    @field_validator("url")
    @classmethod
    def _http_url(cls, url: str) -> str:
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError("must be an http(s) URL with a host")
        return url

    @model_validator(mode="after")
    def _indexers_for_backend(self) -> TorznabConfig:
        if not self.indexers and self.backend == Backend.PROWLARR:
            raise ValidationError(
                FieldError("torznab.indexers", "Prowlarr needs at least one indexer id"))
        if not self.indexers:
            object.__setattr__(self, "indexers", ("all",))
        return self

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
