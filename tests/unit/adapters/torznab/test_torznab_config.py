from urllib.parse import parse_qs, urlsplit

import pytest

from chalicelib.adapters.torznab.config import Backend, TorznabConfig
from chalicelib.domain.errors import ValidationError


def test_jackett_defaults_and_url() -> None:
    config = TorznabConfig(Backend.JACKETT, "http://127.0.0.1:9117/", "s3cr3t")
    assert config.indexers == ("all",)
    assert config.min_interval_secs == 2.0
    assert config.cache_ttl_secs == 1800.0
    url = config.api_url("all", {"t": "search", "q": "a b&c"})
    parts = urlsplit(url)
    assert parts.path == "/api/v2.0/indexers/all/results/torznab/api"
    assert parse_qs(parts.query) == {"apikey": ["s3cr3t"], "t": ["search"], "q": ["a b&c"]}


def test_prowlarr_url_and_string_backend() -> None:
    config = TorznabConfig("prowlarr", "http://127.0.0.1:9696/base", "k", indexers=("12",))  # type: ignore[arg-type]
    assert config.backend is Backend.PROWLARR
    assert urlsplit(config.api_url("12", {"t": "caps"})).path == "/base/12/api"


def test_api_key_is_never_in_repr_and_is_redacted() -> None:
    config = TorznabConfig(Backend.JACKETT, "http://127.0.0.1:9117", "s3cr3t/+x")
    assert "s3cr3t" not in repr(config)
    url = config.api_url("all", {"t": "caps"})
    assert "s3cr3t" not in config.redact(f"failed: {url} and s3cr3t/+x")


def test_bad_settings_name_each_field() -> None:
    with pytest.raises(ValidationError) as caught:
        TorznabConfig("sonarr", "ftp://x", "", timeout_secs=0, min_interval_secs=-1)  # type: ignore[arg-type]
    fields = {e.field for e in caught.value.errors}
    assert fields == {
        "torznab.backend", "torznab.url", "torznab.api_key",
        "torznab.timeout_secs", "torznab.min_interval_secs",
    }  # fmt: skip


def test_prowlarr_needs_indexers_and_ids_must_be_path_safe() -> None:
    with pytest.raises(ValidationError, match=r"torznab\.indexers"):
        TorznabConfig(Backend.PROWLARR, "http://127.0.0.1:1", "k")
    with pytest.raises(ValidationError, match="bad indexer id"):
        TorznabConfig(Backend.JACKETT, "http://127.0.0.1:1", "k", indexers=("../admin",))
