"""The one typed configuration object: loaded from TOML, validated once, secrets from the env.

Each section is a frozen pydantic dataclass whose field descriptions document the keys
(config.example.toml repeats them for people). A string value of the form ``env:NAME`` is
replaced by the environment variable NAME, so secrets need not live in the file. Unknown keys,
wrong types and bad values raise ConfigError naming the dotted key (``auth.keys[0].key``).
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Mapping
from dataclasses import fields, is_dataclass
from functools import cache
from pathlib import Path
from typing import Annotated, Any, ClassVar, Literal

from pydantic import (
    AfterValidator,
    ConfigDict,
    Field,
    ModelWrapValidatorHandler,
    Strict,
    TypeAdapter,
    ValidationInfo,
    field_validator,
    model_validator,
)
from pydantic import ValidationError as PydanticError
from pydantic.dataclasses import dataclass

from chalicelib.domain.errors import FieldError, ValidationError

SECRET_KEYS = frozenset({"key", "api_key", "password", "client_secret", "secret"})
REDACTED = "***"
AUTH_METHODS = ("none", "api_key")
SECTION = ConfigDict(extra="forbid")

# TOML values are typed: "80" is not a port and true is not 1 (lists still become tuples).
Str = Annotated[str, Strict()]
Int = Annotated[int, Strict()]
Float = Annotated[float, Strict()]  # strict still takes an integer for a number
Bool = Annotated[bool, Strict()]
Port = Annotated[int, Strict(), Field(ge=0, le=65535)]


class ConfigError(Exception):
    """The configuration is missing, malformed, or names something that does not exist."""


def dotted(loc: tuple[int | str, ...]) -> str:
    """A pydantic error location as the key a person writes: ``searcher.indexers[0]``."""
    key = ""
    for part in loc:
        key += f"[{part}]" if isinstance(part, int) else f".{part}" if key else part
    return key


def _env_value(value: Any, env: Mapping[str, str], hint: Any) -> Any:
    if not (isinstance(value, str) and value.startswith("env:")):
        return value
    name = value[4:]
    if name not in env:
        raise ValueError(f"refers to environment variable {name}, which is not set")
    if hint not in (int, float, bool):
        return env[name]
    try:  # the environment holds text: read it as the key's type
        return TypeAdapter(hint).validate_python(env[name])
    except PydanticError:
        raise ValueError(f"environment variable {name} is not a valid {hint.__name__}") from None


@dataclass(frozen=True, config=SECTION)
class Section:
    """Base of the file's sections: ``env:NAME`` strings are read from the loader's env."""

    @field_validator("*", mode="before")
    @classmethod
    def _from_environment(cls, value: Any, info: ValidationInfo) -> Any:
        env = (info.context or {}).get("env")
        if env is None:  # built in code, not loaded
            return value
        if isinstance(value, list):
            return [_env_value(item, env, str) for item in value]
        assert info.field_name is not None
        hint = cls.__pydantic_fields__[info.field_name].annotation  # type: ignore[attr-defined]
        return _env_value(value, env, hint)


@dataclass(frozen=True)
class AdapterSettings:
    """Base of an adapter's settings built in code: bad fields raise ValidationError by name."""

    FIELD_PREFIX: ClassVar[str] = ""

    @model_validator(mode="wrap")
    @classmethod
    def _name_the_fields(cls, data: Any, handler: ModelWrapValidatorHandler[Any]) -> Any:
        try:
            return handler(data)
        except PydanticError as e:
            names = [f.name for f in fields(cls)]
            raise ValidationError([
                FieldError(f"{cls.FIELD_PREFIX}.{dotted(_named(err['loc'], names))}",
                           err["msg"].removeprefix("Value error, "))
                for err in e.errors()
            ]) from None


def _named(loc: tuple[int | str, ...], names: list[str]) -> tuple[int | str, ...]:
    """Positional arguments are located by index: name them."""
    if loc and isinstance(loc[0], int) and loc[0] < len(names):
        return (names[loc[0]], *loc[1:])
    return loc


def _absolute(path: str) -> str:
    if not path.startswith("/") or ".." in path.split("/"):
        raise ValueError("must be an absolute path")
    return path


@dataclass(frozen=True, config=SECTION)
class ApiKey(Section):
    """One client's key and the identity it stands for."""

    key: Str = Field(repr=False, min_length=16,
                     description="The secret clients send; at least 16 characters.")
    user_id: Str = Field(description="The identity the key authenticates as.")
    admin: Bool = Field(default=False,
                        description="Admins see every ticket, the audit log and the config.")


@dataclass(frozen=True, config=SECTION)
class AuthConfig(Section):
    """How callers prove who they are; the service refuses to start without it."""

    method: Literal["none", "api_key"] = Field(
        description='"api_key": `X-API-Key` or `Authorization: Bearer`; "none": everyone '
                    'is the admin "anonymous".')
    keys: tuple[ApiKey, ...] = Field(default=(), validate_default=True,
                                     description='The accepted keys (method = "api_key").')

    @field_validator("keys")
    @classmethod
    def _keys_fit_the_method(cls, keys: tuple[ApiKey, ...], info: ValidationInfo) -> Any:
        if info.data.get("method") == "api_key" and not keys:
            raise ValueError('must list at least one key when method = "api_key"')
        seen = [k.key for k in keys]
        for i, key in enumerate(seen):
            if key in seen[:i]:
                raise ValueError(f"keys[{i}].key is listed twice")
        return keys


@dataclass(frozen=True, config=SECTION)
class ServerConfig(Section):
    """The HTTP API and the dashboard it serves."""

    host: Str = Field(default="127.0.0.1", description="Address the HTTP API listens on.")
    port: Port = Field(default=8080, description="Port of the HTTP API.")
    max_body_bytes: Int = Field(default=1_048_576, gt=0,
                                description="Larger request bodies get HTTP 413.")
    dashboard_dir: Str = Field(default="dashboard/dist",
                               description="The built dashboard, served at /.")
    ws_port: Port = Field(default=0, description="The local WebSocket API; 0: any free port.")


@dataclass(frozen=True, config=SECTION)
class AwsConfig(Section):
    """Where the tables, queues, buckets and state machine live; names may be overridden."""

    region: Str = Field(default="us-east-1", description="AWS region.")
    endpoint_url: Str = Field(default="", description="Empty: real AWS or the embedded one.")
    resource_prefix: Str = Field(default="qt", description='Resources are named "<prefix>-...".')
    tickets_table: Str = Field(default="", description="Override of <prefix>-tickets.")
    audit_table: Str = Field(default="", description="Override of <prefix>-audit.")
    rate_limits_table: Str = Field(default="", description="Override of <prefix>-rate-limits.")
    search_cache_table: Str = Field(default="", description="Override of <prefix>-search-cache.")
    catalog_table: Str = Field(default="", description="Override of <prefix>-catalog.")
    blocklist_table: Str = Field(default="", description="Override of <prefix>-blocklist.")
    exports_bucket: Str = Field(default="", description="Override of <prefix>-exports.")
    connections_table: Str = Field(default="", description="Override of <prefix>-connections.")
    websocket_url: Str = Field(default="", description="The wss:// URL dashboards connect to.")
    websocket_management_url: Str = Field(
        default="", description="The WebSocket Management API endpoint (https://...) posted to.")
    access_key_id: Str = Field(default="testing",
                               description="Used only with endpoint_url (an emulator).")
    secret_access_key: Str = Field(default="testing", repr=False,
                                   description="Used only with endpoint_url (an emulator).")

    def name(self, suffix: str, override: str = "") -> str:
        """A resource's name: the explicit override, or the prefix plus the suffix."""
        return override or f"{self.resource_prefix}-{suffix}"


@dataclass(frozen=True, config=SECTION)
class LocalConfig(Section):
    """The local stack (`make run`)."""

    data_dir: Str = Field(default="data", description="Snapshots and downloads; relative "
                                                      "to the config file.")
    embedded_aws: Bool = Field(default=True, description="Run moto's server in-process.")
    aws_port: Port = Field(default=0, description="Port of the embedded AWS; 0: any free port.")
    snapshot_interval_secs: Float = Field(default=1.0, gt=0,
                                          description="How often the embedded AWS is saved.")
    run_agent: Bool = Field(default=False, description="Run the agent inside the stack too.")


@dataclass(frozen=True, config=SECTION)
class PlacementConfig(Section):
    """Where finished media may be placed."""

    allowed_roots: tuple[Annotated[str, Strict(), AfterValidator(_absolute)], ...] = Field(
        default=("/media",), description="Every dest_path must lie inside one of these.")


@dataclass(frozen=True, config=SECTION)
class SearcherConfig(Section):
    """The Torznab indexer proxy; searching is off while `url` is empty."""

    backend: Literal["jackett", "prowlarr"] = Field(default="jackett",
                                                   description="The indexer proxy.")
    url: Str = Field(default="", description="Its root URL, e.g. http://127.0.0.1:9117.")
    api_key: Str = Field(default="", repr=False, description="Its API key.")
    timeout_secs: Float = Field(default=20.0, gt=0, description="Bound on each request.")
    indexers: tuple[Str, ...] = Field(default=(), description="Jackett: ids or ['all'] (the "
                                                              "default); Prowlarr: indexer ids.")
    min_interval_secs: Float = Field(default=2.0, ge=0,
                                     description="Minimum spacing of requests to one indexer.")
    cache_ttl_secs: Int = Field(default=1800, ge=0,
                                description="How long search results are reused.")


@dataclass(frozen=True, config=SECTION)
class TorrentClientConfig(Section):
    """The agent's torrent client and how long it seeds."""

    kind: Literal["libtorrent", "qbittorrent"] = Field(
        default="libtorrent", description="Embedded libtorrent, or a qBittorrent Web UI.")
    url: Str = Field(default="", description="qBittorrent Web UI, e.g. http://127.0.0.1:8081.")
    username: Str = Field(default="", description="qBittorrent user.")
    password: Str = Field(default="", repr=False, description="qBittorrent password.")
    download_dir: Str = Field(default="data/downloads", description="Where torrents download.")
    state_dir: Str = Field(default="data/torrent-state",
                           description="libtorrent's resume data.")
    listen_interface: Str = Field(default="127.0.0.1:0",
                                  description="libtorrent's listen address.")
    stall_timeout_secs: Int = Field(default=1800, gt=0,
                                    description="A download without progress this long fails.")
    seed_ratio: Float = Field(default=1.0, ge=0, description="Seed until this upload ratio...")
    seed_time_secs: Int = Field(default=0, ge=0, description="...or for this long.")


@dataclass(frozen=True, config=SECTION)
class LlmSettings(Section):
    """The model TextBrain asks when its mode involves an LLM."""

    provider: Literal["", "anthropic", "openai", "ollama", "custom"] = Field(
        default="", description="Wire format; openai means any OpenAI-compatible server.")
    model: Str = Field(default="", description="Model name sent with each request.")
    base_url: Str = Field(default="", description="Empty: the provider's public endpoint.")
    api_key: Str = Field(default="", repr=False, description="The provider's API key.")
    timeout_secs: Float = Field(default=30.0, gt=0, description="Bound on each attempt.")
    max_retries: Int = Field(default=2, ge=0,
                             description="Retries after 429, 5xx and connection failures.")


@dataclass(frozen=True, config=SECTION)
class TextbrainConfig(Section):
    """How releases are matched to requests."""

    mode: Literal["dumb-only", "dumb-first", "llm-first", "llm-only"] = Field(
        default="dumb-only", description="Which matcher decides, and which one is asked first.")
    auto_approve_threshold: Float = Field(
        default=0.85, ge=0, le=1, description="Confidence above which no person is asked.")
    llm: LlmSettings = Field(default_factory=LlmSettings, description="[textbrain.llm]")


@dataclass(frozen=True, config=SECTION)
class OrchestratorConfig(Section):
    """Limits, retries and timeouts of the ticket flow."""

    max_concurrent_downloads: Int = Field(default=2, ge=1, description="Torrents at once.")
    max_concurrent_conversions: Int = Field(default=0, ge=0,
                                            description="ffmpeg processes; 0: number of cores.")
    max_attempts: Int = Field(default=3, ge=1, description="Attempts of a failing stage.")
    backoff_base_secs: Float = Field(default=2.0, ge=0,
                                     description="First wait before a retry.")
    heartbeat_timeout_secs: Int = Field(
        default=300, gt=0, description="An agent silent this long is presumed gone.")
    stage_timeout_secs: Int = Field(default=6 * 3600, gt=0,
                                    description="The longest one stage may take.")
    approval_timeout_secs: Int = Field(default=30 * 24 * 3600, gt=0,
                                       description="How long a ticket waits for approval.")
    dispatcher_workers: Int = Field(default=4, ge=1,
                                    description="Local stack: stage messages handled at once.")


@dataclass(frozen=True, config=SECTION)
class AgentConfig(Section):
    """The on-prem agent (workers/agent); 0 means "derive it" where noted."""

    work_dir: Str = Field(default="data/agent",
                          description="Per-ticket state, converted files, placement journals.")
    poll_wait_secs: Int = Field(default=2, ge=0, le=20,
                                description="SQS long-poll wait once every band was empty.")
    heartbeat_interval_secs: Float = Field(
        default=0.0, ge=0, description="0: a fifth of orchestrator.heartbeat_timeout_secs.")
    visibility_timeout_secs: Int = Field(
        default=120, ge=1, description="How long a message being worked on stays hidden.")
    progress_interval_secs: Float = Field(default=2.0, ge=0,
                                          description="Minimum spacing of progress writes.")
    stall_timeout_secs: Float = Field(default=0.0, ge=0,
                                      description="0: torrent_client.stall_timeout_secs.")
    seeding_check_secs: Float = Field(default=60.0, gt=0,
                                      description="How often seeding torrents are checked.")


@dataclass(frozen=True, config=SECTION)
class ExternalCatalogsConfig(Section):
    """Public catalogs consulted for metadata."""

    musicbrainz_url: Str = Field(default="", description="Empty: MusicBrainz is not asked.")
    tmdb_api_key: Str = Field(default="", repr=False, description="TMDB API key.")
    user_agent: Str = Field(default="QuentinTorrentino/0.1",
                            description="Sent to the catalogs, as they ask.")


@dataclass(frozen=True, config=SECTION)
class Config(Section):
    """The whole file; every section but [auth] may be left out."""

    auth: AuthConfig = Field(description="[auth]")
    server: ServerConfig = Field(default_factory=ServerConfig, description="[server]")
    aws: AwsConfig = Field(default_factory=AwsConfig, description="[aws]")
    local: LocalConfig = Field(default_factory=LocalConfig, description="[local]")
    placement: PlacementConfig = Field(default_factory=PlacementConfig,
                                       description="[placement]")
    searcher: SearcherConfig = Field(default_factory=SearcherConfig, description="[searcher]")
    torrent_client: TorrentClientConfig = Field(default_factory=TorrentClientConfig,
                                                description="[torrent_client]")
    textbrain: TextbrainConfig = Field(default_factory=TextbrainConfig,
                                       description="[textbrain]")
    orchestrator: OrchestratorConfig = Field(default_factory=OrchestratorConfig,
                                             description="[orchestrator]")
    external_catalogs: ExternalCatalogsConfig = Field(default_factory=ExternalCatalogsConfig,
                                                      description="[external_catalogs]")
    agent: AgentConfig = Field(default_factory=AgentConfig, description="[agent]")

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


@cache
def _config_adapter() -> TypeAdapter[Config]:
    return TypeAdapter(Config)  # built on first use, not at import (Lambda cold starts)


def parse_config(raw: Mapping[str, Any], env: Mapping[str, str]) -> Config:
    """Build the Config from parsed TOML; every problem names its dotted key."""
    if "auth" not in raw:
        raise ConfigError(
            "[auth] section is required: set method = \"api_key\" (with [[auth.keys]]) "
            "or method = \"none\""
        )
    try:
        return _config_adapter().validate_python(raw, context={"env": env})
    except PydanticError as e:
        raise ConfigError("; ".join(_problem(err) for err in e.errors())) from None


def _problem(error: Any) -> str:
    key = dotted(error["loc"]) or "configuration"
    kind = error["type"]
    if kind in ("unexpected_keyword_argument", "extra_forbidden"):
        return f"unknown key '{key}'"
    if kind == "missing":
        return f"'{key}' is required"
    if kind in ("dataclass_type", "dataclass_args_type"):
        return f"'{key}' must be a table"
    if kind == "tuple_type":  # TOML has arrays, not tuples
        return f"'{key}' must be a list"
    return f"'{key}': {error['msg'].removeprefix('Value error, ')}"


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
