"""The one typed configuration object: loaded from TOML, validated once, secrets from the env.

A string value of the form ``env:NAME`` is replaced by the environment variable NAME, so
secrets need not live in the file. Unknown keys and wrong types are errors naming the key.
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field, fields, is_dataclass
from pathlib import Path
from typing import Any, get_args, get_origin, get_type_hints

SECRET_KEYS = frozenset({"key", "api_key", "password", "client_secret", "secret"})
REDACTED = "***"


class ConfigError(Exception):
    """The configuration is missing, malformed, or names something that does not exist."""


@dataclass(frozen=True)
class ApiKey:
    key: str = field(repr=False)
    user_id: str
    admin: bool = False


@dataclass(frozen=True)
class AuthConfig:
    method: str = ""
    keys: tuple[ApiKey, ...] = ()


@dataclass(frozen=True)
class ServerConfig:
    host: str = "127.0.0.1"
    port: int = 8080
    max_body_bytes: int = 1_048_576
    dashboard_dir: str = "dashboard/dist"
    ws_port: int = 0  # the local WebSocket gateway; 0: any free port


@dataclass(frozen=True)
class AwsConfig:
    region: str = "us-east-1"
    endpoint_url: str = ""
    resource_prefix: str = "qt"
    tickets_table: str = ""
    audit_table: str = ""
    rate_limits_table: str = ""
    search_cache_table: str = ""
    catalog_table: str = ""
    blocklist_table: str = ""
    exports_bucket: str = ""
    connections_table: str = ""
    # The WebSocket API: the wss:// URL dashboards connect to, and the Management API endpoint
    # (https://{api-id}.execute-api.{region}.amazonaws.com/{stage}) used to post to them.
    websocket_url: str = ""
    websocket_management_url: str = ""
    access_key_id: str = "testing"
    secret_access_key: str = field(default="testing", repr=False)

    def name(self, suffix: str, override: str = "") -> str:
        """A resource's name: the explicit override, or the prefix plus the suffix."""
        return override or f"{self.resource_prefix}-{suffix}"


@dataclass(frozen=True)
class LocalConfig:
    data_dir: str = "data"
    embedded_aws: bool = True
    aws_port: int = 0
    snapshot_interval_secs: float = 1.0
    run_agent: bool = False


@dataclass(frozen=True)
class PlacementConfig:
    allowed_roots: tuple[str, ...] = ("/media",)


@dataclass(frozen=True)
class IndexerConfig:
    id: str = "all"
    name: str = ""


@dataclass(frozen=True)
class SearcherConfig:
    backend: str = "jackett"
    url: str = ""
    api_key: str = field(default="", repr=False)
    timeout_secs: float = 20.0
    indexers: tuple[str, ...] = ()
    min_interval_secs: float = 2.0
    cache_ttl_secs: int = 1800


@dataclass(frozen=True)
class TorrentClientConfig:
    kind: str = "libtorrent"
    url: str = ""
    username: str = ""
    password: str = field(default="", repr=False)
    download_dir: str = "data/downloads"
    state_dir: str = "data/torrent-state"
    listen_interface: str = "127.0.0.1:0"
    stall_timeout_secs: int = 1800
    seed_ratio: float = 1.0
    seed_time_secs: int = 0


@dataclass(frozen=True)
class LlmSettings:
    provider: str = ""
    model: str = ""
    base_url: str = ""
    api_key: str = field(default="", repr=False)
    timeout_secs: float = 30.0
    max_retries: int = 2


@dataclass(frozen=True)
class TextbrainConfig:
    mode: str = "dumb-only"
    auto_approve_threshold: float = 0.85
    llm: LlmSettings = field(default_factory=LlmSettings)


@dataclass(frozen=True)
class OrchestratorConfig:
    max_concurrent_downloads: int = 2
    max_concurrent_conversions: int = 0
    max_attempts: int = 3
    backoff_base_secs: float = 2.0
    heartbeat_timeout_secs: int = 300
    stage_timeout_secs: int = 6 * 3600
    approval_timeout_secs: int = 30 * 24 * 3600
    dispatcher_workers: int = 4


@dataclass(frozen=True)
class AgentConfig:
    """The on-prem agent (workers/agent); 0 means "derive it" where noted."""

    work_dir: str = "data/agent"  # per-ticket state, converted files, placement journals
    poll_wait_secs: int = 2  # SQS long-poll wait when every band was empty (max 20)
    heartbeat_interval_secs: float = 0.0  # 0: a fifth of orchestrator.heartbeat_timeout_secs
    visibility_timeout_secs: int = 120  # how long a received message stays hidden per extension
    progress_interval_secs: float = 2.0  # minimum spacing of progress writes to the ticket
    stall_timeout_secs: float = 0.0  # 0: torrent_client.stall_timeout_secs
    seeding_check_secs: float = 60.0  # how often finished torrents are checked for cleanup


@dataclass(frozen=True)
class ExternalCatalogsConfig:
    musicbrainz_url: str = ""
    tmdb_api_key: str = field(default="", repr=False)
    user_agent: str = "QuentinTorrentino/0.1"


@dataclass(frozen=True)
class Config:
    auth: AuthConfig
    server: ServerConfig = field(default_factory=ServerConfig)
    aws: AwsConfig = field(default_factory=AwsConfig)
    local: LocalConfig = field(default_factory=LocalConfig)
    placement: PlacementConfig = field(default_factory=PlacementConfig)
    searcher: SearcherConfig = field(default_factory=SearcherConfig)
    torrent_client: TorrentClientConfig = field(default_factory=TorrentClientConfig)
    textbrain: TextbrainConfig = field(default_factory=TextbrainConfig)
    orchestrator: OrchestratorConfig = field(default_factory=OrchestratorConfig)
    external_catalogs: ExternalCatalogsConfig = field(default_factory=ExternalCatalogsConfig)
    agent: AgentConfig = field(default_factory=AgentConfig)

    @property
    def tickets_table(self) -> str:
        return self.aws.name("tickets", self.aws.tickets_table)

    @property
    def audit_table(self) -> str:
        return self.aws.name("audit", self.aws.audit_table)

    @property
    def rate_limits_table(self) -> str:
        return self.aws.name("rate-limits", self.aws.rate_limits_table)

    @property
    def search_cache_table(self) -> str:
        return self.aws.name("search-cache", self.aws.search_cache_table)

    @property
    def catalog_table(self) -> str:
        return self.aws.name("catalog", self.aws.catalog_table)

    @property
    def blocklist_table(self) -> str:
        return self.aws.name("blocklist", self.aws.blocklist_table)

    @property
    def exports_bucket(self) -> str:
        return self.aws.name("exports", self.aws.exports_bucket)

    @property
    def connections_table(self) -> str:
        return self.aws.name("connections", self.aws.connections_table)


AUTH_METHODS = ("none", "api_key")
ENUMS: dict[str, tuple[str, ...]] = {
    "auth.method": AUTH_METHODS,
    "searcher.backend": ("jackett", "prowlarr"),
    "torrent_client.kind": ("libtorrent", "qbittorrent"),
    "textbrain.mode": ("dumb-only", "dumb-first", "llm-first", "llm-only"),
    "textbrain.llm.provider": ("", "anthropic", "openai", "ollama", "custom"),
}


def load_config(path: str | Path, env: Mapping[str, str] | None = None) -> Config:
    """Read and validate a TOML file; raise ConfigError naming the offending key."""
    p = Path(path)
    try:
        raw = tomllib.loads(p.read_text(encoding="utf-8"))
    except FileNotFoundError as e:
        raise ConfigError(f"configuration file not found: {p}") from e
    except tomllib.TOMLDecodeError as e:
        raise ConfigError(f"{p}: not valid TOML: {e}") from e
    return parse_config(raw, os.environ if env is None else env)


def parse_config(raw: Mapping[str, Any], env: Mapping[str, str]) -> Config:
    """Build the Config from parsed TOML; every problem names its dotted key."""
    if "auth" not in raw:
        raise ConfigError(
            "[auth] section is required: set method = \"api_key\" (with [[auth.keys]]) "
            "or method = \"none\""
        )
    config: Config = _build(Config, raw, "", env)
    _check(config)
    return config


def _build(cls: type[Any], raw: Any, prefix: str, env: Mapping[str, str]) -> Any:
    where = prefix.rstrip(".") or "configuration"
    if not isinstance(raw, Mapping):
        raise ConfigError(f"{where}: must be a table")
    hints = get_type_hints(cls)
    names = {f.name for f in fields(cls)}
    for key in raw:
        if key not in names:
            raise ConfigError(f"unknown key '{prefix}{key}'")
    values: dict[str, Any] = {}
    for f in fields(cls):
        if f.name in raw:
            values[f.name] = _convert(hints[f.name], raw[f.name], f"{prefix}{f.name}", env)
    try:
        return cls(**values)
    except TypeError as e:
        raise ConfigError(f"{where}: {e}") from e


def _convert(hint: Any, value: Any, key: str, env: Mapping[str, str]) -> Any:
    if isinstance(value, str) and value.startswith("env:"):
        name = value[4:]
        if name not in env:
            raise ConfigError(f"'{key}' refers to environment variable {name}, which is not set")
        value = env[name]
        if hint in (int, float, bool):
            return _convert(hint, _coerce_env(value, hint, key), key, env)
    if isinstance(hint, type) and is_dataclass(hint):
        return _build(hint, value, f"{key}.", env)
    origin = get_origin(hint)
    if origin is tuple:
        inner = get_args(hint)[0]
        if not isinstance(value, list):
            raise ConfigError(f"'{key}' must be a list")
        return tuple(_convert(inner, v, f"{key}[{i}]", env) for i, v in enumerate(value))
    if hint is bool:
        if not isinstance(value, bool):
            raise ConfigError(f"'{key}' must be true or false")
        return value
    if hint is int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise ConfigError(f"'{key}' must be an integer")
        return value
    if hint is float:
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise ConfigError(f"'{key}' must be a number")
        return float(value)
    if hint is str:
        if not isinstance(value, str):
            raise ConfigError(f"'{key}' must be a string")
        return value
    raise ConfigError(f"'{key}': unsupported setting type")  # pragma: no cover


def _coerce_env(value: str, hint: type[Any], key: str) -> Any:
    try:
        if hint is bool:
            if value.lower() not in ("true", "false", "1", "0"):
                raise ValueError(value)
            return value.lower() in ("true", "1")
        return hint(value)
    except ValueError as e:
        raise ConfigError(f"'{key}': environment value is not a valid {hint.__name__}") from e


def _check(config: Config) -> None:
    for key, allowed in ENUMS.items():
        value: Any = config
        for part in key.split("."):
            value = getattr(value, part)
        if value not in allowed:
            shown = ", ".join(repr(a) for a in allowed if a)
            raise ConfigError(f"'{key}' must be one of {shown}, not {value!r}")
    if config.auth.method == "api_key":
        if not config.auth.keys:
            raise ConfigError("'auth.keys' must list at least one key when method = \"api_key\"")
        seen: set[str] = set()
        for i, k in enumerate(config.auth.keys):
            if len(k.key) < 16:
                raise ConfigError(f"'auth.keys[{i}].key' must be at least 16 characters")
            if k.key in seen:
                raise ConfigError(f"'auth.keys[{i}].key' is listed twice")
            seen.add(k.key)
    if not 0 <= config.server.port <= 65535:
        raise ConfigError("'server.port' must be between 0 and 65535")
    if not 0 <= config.server.ws_port <= 65535:
        raise ConfigError("'server.ws_port' must be between 0 and 65535")
    if not 0.0 <= config.textbrain.auto_approve_threshold <= 1.0:
        raise ConfigError("'textbrain.auto_approve_threshold' must be between 0 and 1")
    for i, root in enumerate(config.placement.allowed_roots):
        if not root.startswith("/") or ".." in root.split("/"):
            raise ConfigError(f"'placement.allowed_roots[{i}]' must be an absolute path")


def redacted(obj: Any) -> Any:
    """A JSON-ready copy of the config (or part of it) with every secret replaced."""
    if is_dataclass(obj) and not isinstance(obj, type):
        out: dict[str, Any] = {}
        for f in fields(obj):
            value = getattr(obj, f.name)
            if f.name in SECRET_KEYS or f.name.endswith(("_key", "_secret", "password")):
                out[f.name] = REDACTED if value else ""
            else:
                out[f.name] = redacted(value)
        return out
    if isinstance(obj, tuple):
        return [redacted(v) for v in obj]
    return obj
