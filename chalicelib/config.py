"""The one typed configuration object: loaded from TOML, validated once, secrets from the env.

Each section is a frozen pydantic dataclass whose field descriptions document the keys
(config.example.toml repeats them for people). A string value of the form ``env:NAME`` is
replaced by the environment variable NAME, so secrets need not live in the file. Unknown keys,
wrong types and bad values raise ConfigError naming the dotted key (``auth.keys[0].key``).
"""

from __future__ import annotations

import ipaddress
import logging
import os
import tomllib
from collections.abc import Mapping
from dataclasses import fields
from pathlib import Path
from typing import Annotated, Any, ClassVar, Literal, TypeVar, get_args

from pydantic import (
    AfterValidator,
    ConfigDict,
    Field,
    ModelWrapValidatorHandler,
    PlainSerializer,
    Strict,
    TypeAdapter,
    ValidationInfo,
    field_validator,
    model_validator,
)
from pydantic import ValidationError as PydanticError
from pydantic.dataclasses import dataclass

from chalicelib.domain.errors import FieldError, ValidationError

AuthMethod = Literal["none", "api_key", "oidc", "address", "cert", "plugin"]
AUTH_METHODS: tuple[str, ...] = get_args(AuthMethod)
SECTION = ConfigDict(extra="forbid")
T = TypeVar("T")

# TOML values are typed: "80" is not a port and true is not 1 (lists still become tuples).
Str = Annotated[str, Strict()]
Int = Annotated[int, Strict()]
Float = Annotated[float, Strict()]  # strict still takes an integer for a number
Bool = Annotated[bool, Strict()]
Port = Annotated[int, Strict(), Field(ge=0, le=65535)]
Resolution = Literal["480p", "576p", "720p", "1080p", "2160p"]
VideoCodecName = Literal["h264", "hevc", "av1", "vp9", "xvid", "divx", "mpeg2", "vc1"]
# Shown as *** by redacted(); declare the field repr=False too, or it shows in logs.
Secret = Annotated[str, Strict(), PlainSerializer(lambda value: "***" if value else "")]


class ConfigError(Exception):
    """The configuration is missing, malformed, or names something that does not exist."""


def dotted(loc: tuple[int | str, ...], positional: tuple[str, ...] = ()) -> str:
    """A pydantic error location as the key a person writes: ``searcher.indexers[0]``.

    `positional` names the fields, for errors in positional arguments (located by index).
    """
    text = ""
    for i, part in enumerate(loc):
        if i == 0 and isinstance(part, int) and part < len(positional):
            part = positional[part]
        text += f"[{part}]" if isinstance(part, int) else f".{part}" if text else part
    return text


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
            names = tuple(f.name for f in fields(cls))
            raise ValidationError([
                FieldError(f"{cls.FIELD_PREFIX}.{dotted(err['loc'], names)}",
                           err["msg"].removeprefix("Value error, "))
                for err in e.errors()
            ]) from None


def setting(default: T, doc: str, **rules: Any) -> T:
    """A documented key with its default (and pydantic rules such as ge=0 or repr=False)."""
    return Field(default=default, description=doc, **rules)  # type: ignore[no-any-return]


def _absolute(path: str) -> str:
    if not path.startswith("/") or ".." in path.split("/"):
        raise ValueError("must be an absolute path")
    return path


@dataclass(frozen=True, config=SECTION)
class ApiKey(Section):
    """[[auth.keys]]: one client's key and the identity it stands for."""

    key: Secret = Field(repr=False, min_length=16, description="The secret; 16 characters or more.")
    user_id: Str = Field(description="The identity the key authenticates as.")
    admin: Bool = setting(False, "Admins see every ticket, the audit log and the config.")


def _network(value: str) -> str:
    try:
        ipaddress.ip_network(value, strict=False)
    except ValueError:
        raise ValueError(f"{value!r} is not an IP address or CIDR network") from None
    return value


Network = Annotated[str, Strict(), AfterValidator(_network)]


@dataclass(frozen=True, config=SECTION)
class OidcSettings(Section):
    """[auth.oidc]: JWT bearer tokens from an OpenID Connect issuer, checked against its JWKS."""

    issuer: Str = Field(description="The token's `iss` must equal this.", min_length=1)
    audience: Str = Field(description="The token's `aud` must contain this.", min_length=1)
    jwks_url: Str = Field(description="Where the issuer publishes its signing keys.",
                          pattern=r"^https?://")
    user_id_claim: Str = setting("sub", 'The claim naming the user: "sub", "email"...')
    algorithms: tuple[Literal["RS256", "RS384", "RS512", "PS256", "PS384", "PS512",
                              "ES256", "ES384", "ES512", "EdDSA"], ...] = setting(
        ("RS256",), "Accepted signature algorithms (public-key ones only).", min_length=1)
    leeway_secs: Int = setting(60, "Clock skew tolerated on exp, nbf and iat.", ge=0, le=600)
    admin_claim: Str = setting("", 'A claim (e.g. "groups"); empty: nobody is admin.')
    admin_value: Str = setting("admin", "Admin when admin_claim equals or lists this.")
    jwks_cache_secs: Int = setting(3600, "How long fetched keys are reused.", ge=0)
    jwks_timeout_secs: Float = setting(5.0, "Bound on fetching the JWKS.", gt=0)
    jwks_refresh_min_secs: Float = setting(
        10.0, "An unknown kid refetches the JWKS at most this often.", ge=0)


@dataclass(frozen=True, config=SECTION)
class AddressRule(Section):
    """One [auth.address] rule: callers from `ip` (address or CIDR, v4 or v6) are `user_id`."""

    ip: Network = Field(description='"192.168.1.0/24", "10.0.0.5", "fd00::/8".')
    user_id: Str = Field(description="The identity of callers from there.", min_length=1)
    admin: Bool = setting(False, "Callers from there are administrators.")


@dataclass(frozen=True, config=SECTION)
class AddressSettings(Section):
    """[auth.address]: identity from the caller's address; the first matching rule wins."""

    rules: tuple[AddressRule, ...] = Field(description="Checked in order.", min_length=1)


@dataclass(frozen=True, config=SECTION)
class CertSettings(Section):
    """[auth.cert]: client certificates issued by `ca_cert` (mutual TLS)."""

    ca_cert: Annotated[Str, AfterValidator(_absolute)] = Field(
        description="PEM file of the CA(s) that issue client certificates.")
    user_id_from: Literal["cn", "san_email", "fingerprint"] = setting(
        "cn", "The subject's common name, its e-mail SAN, or the SHA-256 fingerprint.")
    admins: tuple[Str, ...] = setting((), "User ids (as user_id_from yields them) that are admin.")


@dataclass(frozen=True, config=SECTION)
class PluginSettings(Section):
    """[auth.plugin]: a program decides; request JSON on stdin, identity JSON on stdout."""

    command: Annotated[Str, AfterValidator(_absolute)] = Field(
        description="Absolute path of the program (run without a shell).")
    args: tuple[Str, ...] = setting((), "Arguments passed to it.")
    timeout_ms: Int = setting(5000, "The program is killed after this long.", gt=0, le=60_000)
    max_output_bytes: Int = setting(65_536, "Longer answers are refused.", gt=0)


@dataclass(frozen=True, config=SECTION)
class AuthConfig(Section):
    """[auth], required: how callers prove who they are."""

    method: AuthMethod = Field(description='"none": all are admin "anonymous".')
    api_key: Secret = setting("", 'The short form of api_key: one key, an admin "admin".',
                              repr=False)
    keys: tuple[ApiKey, ...] = setting((), 'The keys (method = "api_key").')
    oidc: OidcSettings | None = setting(None, 'Required when method = "oidc".')
    address: AddressSettings | None = setting(None, 'Required when method = "address".')
    cert: CertSettings | None = setting(None, 'Required when method = "cert".')
    plugin: PluginSettings | None = setting(None, 'Required when method = "plugin".')
    trusted_proxies: tuple[Network, ...] = setting(
        (), "Only requests from these addresses may name the client in X-Forwarded-For.")
    failures_before_slowdown: Int = setting(
        5, "Failed attempts from one address before it must wait.", ge=1)
    slowdown_secs: Float = setting(30.0, "How long such an address is refused.", ge=0)

    @field_validator("api_key")
    @classmethod
    def _short_key(cls, key: str) -> str:
        if key and len(key) < 16:
            raise ValueError("must be 16 characters or more")
        return key

    @field_validator("keys")
    @classmethod
    def _distinct_keys(cls, keys: tuple[ApiKey, ...]) -> Any:
        seen = [k.key for k in keys]
        for i, secret in enumerate(seen):
            if secret in seen[:i]:
                raise ValueError(f"keys[{i}].key is listed twice")
        return keys

    @model_validator(mode="after")
    def _settings_fit_the_method(self) -> AuthConfig:
        method = self.method
        if method == "api_key" and not (self.keys or self.api_key):
            raise ValueError('method = "api_key" needs api_key = "..." or [[auth.keys]]')
        if self.api_key and any(k.key == self.api_key for k in self.keys):
            raise ValueError("api_key is also listed in [[auth.keys]]")
        if method in ("oidc", "address", "cert", "plugin") and getattr(self, method) is None:
            raise ValueError(f'method = "{method}" needs an [auth.{method}] section')
        return self

    @property
    def api_keys(self) -> tuple[ApiKey, ...]:
        """Every configured key; the short form is the admin "admin"."""
        short = (ApiKey(self.api_key, "admin", True),) if self.api_key else ()
        return short + self.keys


@dataclass(frozen=True, config=SECTION)
class ServerConfig(Section):
    """[server]: the HTTP API and the dashboard it serves."""

    host: Str = setting("127.0.0.1", "Address the HTTP API listens on.")
    port: Port = setting(8080, "Port of the HTTP API.")
    max_body_bytes: Int = setting(1_048_576, "Larger request bodies get HTTP 413.", gt=0)
    dashboard_dir: Str = setting("dashboard/dist", "The built dashboard, served at /.")
    ws_port: Port = setting(0, "The local WebSocket API; 0: any free port.")
    tls_cert_file: Str = setting("", "Local stack: serve HTTPS with this PEM certificate.")
    tls_key_file: Str = setting("", "Local stack: the PEM private key of tls_cert_file.")

    @model_validator(mode="after")
    def _tls_pair(self) -> ServerConfig:
        if bool(self.tls_cert_file) != bool(self.tls_key_file):
            raise ValueError("tls_cert_file and tls_key_file go together")
        return self


@dataclass(frozen=True, config=SECTION)
class AwsConfig(Section):
    """[aws]: where the tables, queues, buckets and state machine live."""

    region: Str = setting("us-east-1", "AWS region.")
    endpoint_url: Str = setting("", "Empty: real AWS, or the embedded emulator.")
    resource_prefix: Str = setting("qt", 'Resources are named "<prefix>-...".')
    tickets_table: Str = setting("", "Override of <prefix>-tickets.")
    audit_table: Str = setting("", "Override of <prefix>-audit.")
    rate_limits_table: Str = setting("", "Override of <prefix>-rate-limits.")
    search_cache_table: Str = setting("", "Override of <prefix>-search-cache.")
    catalog_table: Str = setting("", "Override of <prefix>-catalog.")
    blocklist_table: Str = setting("", "Override of <prefix>-blocklist.")
    exports_bucket: Str = setting("", "Override of <prefix>-exports.")
    connections_table: Str = setting("", "Override of <prefix>-connections.")
    websocket_url: Str = setting("", "The wss:// URL dashboards connect to.")
    websocket_management_url: Str = setting("", "The https:// endpoint that posts to them.")
    access_key_id: Str = setting("testing", "Used only with endpoint_url (an emulator).")
    secret_access_key: Secret = setting("testing", "Used only with endpoint_url.", repr=False)


@dataclass(frozen=True, config=SECTION)
class LocalConfig(Section):
    """[local]: the local stack (`make run`)."""

    data_dir: Str = setting("data", "Snapshots and downloads; relative to the config file.")
    embedded_aws: Bool = setting(True, "Run moto's server in-process.")
    aws_port: Port = setting(0, "Port of the embedded AWS; 0: any free port.")
    snapshot_interval_secs: Float = setting(1.0, "How often the embedded AWS is saved.", gt=0)
    run_agent: Bool = setting(False, "Run the agent inside the stack too.")
    catalog_replay: Bool = setting(
        True, "Serve recorded MusicBrainz, Cover Art Archive and TMDB answers on 127.0.0.1 and "
              "point the [external_catalogs] left unset at them.")
    catalog_replay_port: Port = setting(0, "Port of the catalog replay; 0: any free port.")


@dataclass(frozen=True, config=SECTION)
class PlacementConfig(Section):
    """[placement]: where finished media may go."""

    allowed_roots: tuple[Annotated[Str, AfterValidator(_absolute)], ...] = setting(
        ("/media",), "Every dest_path must lie inside one of these.")


@dataclass(frozen=True, config=SECTION)
class SearcherConfig(Section):
    """[searcher]: the Torznab indexer proxy; searching is off while `url` is empty."""

    backend: Literal["jackett", "prowlarr"] = setting("jackett", "The indexer proxy.")
    url: Str = setting("", "Its root URL, e.g. http://127.0.0.1:9117.")
    api_key: Secret = setting("", "Its API key.", repr=False)
    timeout_secs: Float = setting(20.0, "Bound on each request.", gt=0)
    indexers: tuple[Str, ...] = setting((), 'Jackett: ids, default ["all"]; Prowlarr: ids.')
    min_interval_secs: Float = setting(2.0, "Minimum spacing of requests to one indexer.", ge=0)
    cache_ttl_secs: Int = setting(1800, "How long search results are reused.", ge=0)


@dataclass(frozen=True, config=SECTION)
class TorrentClientConfig(Section):
    """[torrent_client]: the agent's torrent client and how long it seeds."""

    kind: Literal["libtorrent", "qbittorrent"] = setting("libtorrent", "Embedded, or qBittorrent.")
    url: Str = setting("", "qBittorrent Web UI, e.g. http://127.0.0.1:8081.")
    username: Str = setting("", "qBittorrent user.")
    password: Secret = setting("", "qBittorrent password.", repr=False)
    download_dir: Str = setting("data/downloads", "Where torrents download.")
    state_dir: Str = setting("data/torrent-state", "libtorrent's resume data.")
    stall_timeout_secs: Int = setting(1800, "A download without progress this long fails.", gt=0)
    seed_ratio: Float = setting(1.0, "Seed until this upload ratio...", ge=0)
    seed_time_secs: Int = setting(0, "...or for this long.", ge=0)
    storage_budget_bytes: Int = setting(
        0, "0: delete each torrent once seeded; else keep seeded torrents for reuse while "
           "they fit, deleting the least recently used first.", ge=0)
    # The network (embedded client; mapped onto qBittorrent's preferences where it has them).
    interface: Str = setting(
        "", "Empty: every interface; an address, or an interface name such as wg0, which is "
        "then a kill switch: while it is down nothing downloads.")
    listen_port: Port = setting(6881, "Incoming peer connections; 0: any free port.")
    dht: Bool = setting(True, "Find peers through the DHT (trackerless magnets need it).")
    dht_bootstrap_nodes: tuple[Str, ...] = setting(
        ("router.bittorrent.com:6881", "dht.transmissionbt.com:6881",
         "router.utorrent.com:6881", "dht.libtorrent.org:25401"),
        "host:port of the DHT routers asked first (qBittorrent 4.5 has no such setting).")
    lsd: Bool = setting(True, "Local service discovery: peers on the same network.")
    pex: Bool = setting(True, "Peer exchange.")
    port_forwarding: Bool = setting(True, "UPnP and NAT-PMP on the router.")
    encryption: Literal["prefer", "require", "disable"] = setting(
        "prefer", "Protocol encryption: require refuses plain peers.")
    proxy_type: Literal["none", "socks5", "http"] = setting("none", "Proxy for the client.")
    proxy_host: Str = setting("", "Proxy address.")
    proxy_port: Port = setting(0, "Proxy port.")
    proxy_username: Str = setting("", "Empty: the proxy takes no credentials.")
    proxy_password: Secret = setting("", "Proxy password.", repr=False)
    proxy_peer_connections: Bool = setting(True, "Peers through the proxy too, not only trackers.")
    download_limit_kib: Int = setting(0, "Global KiB/s; 0: unlimited.", ge=0)
    upload_limit_kib: Int = setting(0, "Global KiB/s; 0: unlimited.", ge=0)
    torrent_download_limit_kib: Int = setting(0, "Per torrent KiB/s; 0: unlimited.", ge=0)
    torrent_upload_limit_kib: Int = setting(0, "Per torrent KiB/s; 0: unlimited.", ge=0)
    max_connections: Int = setting(500, "Peer connections in all.", ge=1)
    max_connections_per_torrent: Int = setting(100, "Peer connections per torrent.", ge=1)
    anonymous_mode: Bool = setting(False, "Send no client name or version, no local address.")

    @model_validator(mode="after")
    def _proxy_is_complete(self) -> TorrentClientConfig:
        if self.proxy_type != "none" and (not self.proxy_host or not self.proxy_port):
            raise ValueError("proxy_type needs proxy_host and proxy_port")
        return self


@dataclass(frozen=True, config=SECTION)
class LlmSettings(Section):
    """[textbrain.llm]: the model TextBrain asks when its mode involves one."""

    provider: Literal["", "anthropic", "openai", "ollama", "custom"] = setting(
        "", "The wire format; openai: any OpenAI-compatible server.")
    model: Str = setting("", "Model name sent with each request.")
    base_url: Str = setting("", "Empty: the provider's public endpoint.")
    api_key: Secret = setting("", "The provider's API key.", repr=False)
    timeout_secs: Float = setting(30.0, "Bound on each attempt.", gt=0)
    max_retries: Int = setting(2, "Retries after 429, 5xx and connection failures.", ge=0)
    prompt_usd_per_mtok: Float = setting(
        0.0, "Price of a million prompt tokens (USD), for the audited cost.", ge=0)
    completion_usd_per_mtok: Float = setting(
        0.0, "Price of a million completion tokens (USD).", ge=0)


@dataclass(frozen=True, config=SECTION)
class TextbrainConfig(Section):
    """[textbrain]: how releases are matched to requests."""

    mode: Literal["dumb-only", "dumb-first", "llm-first", "llm-only"] = setting(
        "dumb-only", "Which matcher decides, and which one is asked first.")
    auto_approve_threshold: Float = setting(0.85, "No person is asked above it.", ge=0, le=1)
    preferred_resolutions: tuple[Resolution, ...] = setting(
        (), "Video resolutions, best first (480p 576p 720p 1080p 2160p).")
    preferred_video_codecs: tuple[VideoCodecName, ...] = setting(
        (), "Video codecs, best first; a ticket's constraints.video_codec comes before them.")
    preferred_release_groups: tuple[Str, ...] = setting((), "Video groups ranked a little higher.")
    avoided_release_groups: tuple[Str, ...] = setting(
        (), "Video groups ranked lower and never auto-approved.")
    llm: LlmSettings = LlmSettings()


@dataclass(frozen=True, config=SECTION)
class OrchestratorConfig(Section):
    """[orchestrator]: limits, retries and timeouts of the ticket flow."""

    max_concurrent_downloads: Int = setting(2, "Torrents at once.", ge=1)
    max_concurrent_conversions: Int = setting(0, "ffmpeg processes; 0: number of cores.", ge=0)
    max_attempts: Int = setting(3, "Attempts of a failing stage.", ge=1)
    backoff_base_secs: Float = setting(2.0, "First wait before a retry.", ge=0)
    heartbeat_timeout_secs: Int = setting(300, "An agent silent this long is presumed gone.", gt=0)
    stage_timeout_secs: Int = setting(6 * 3600, "The longest one stage may take.", gt=0)
    approval_timeout_secs: Int = setting(30 * 24 * 3600, "How long approval is awaited.", gt=0)
    dispatcher_workers: Int = setting(4, "Local stack: stage messages handled at once.", ge=1)


@dataclass(frozen=True, config=SECTION)
class AgentConfig(Section):
    """[agent]: the on-prem agent (workers/agent); 0 means "derive it" where noted."""

    work_dir: Str = setting("data/agent", "Per-ticket state, converted files, journals.")
    poll_wait_secs: Int = setting(2, "SQS long-poll wait once every band was empty.", ge=0, le=20)
    heartbeat_interval_secs: Float = setting(0.0, "0: orchestrator.heartbeat_timeout_secs/5.", ge=0)
    visibility_timeout_secs: Int = setting(120, "A message being worked on stays hidden.", ge=1)
    progress_interval_secs: Float = setting(2.0, "Minimum spacing of progress writes.", ge=0)
    stall_timeout_secs: Float = setting(0.0, "0: torrent_client.stall_timeout_secs.", ge=0)
    seeding_check_secs: Float = setting(60.0, "How often seeding torrents are checked.", gt=0)
    metrics_address: Str = setting(
        "", "host:port of the Prometheus /metrics endpoint (port 0: any); empty: none.")
    id: Str = setting("", "This media host's name among several; empty: the host name.")
    status_interval_secs: Float = setting(30.0, "How often the agent reports itself.", gt=0)
    gone_after_secs: Float = setting(
        900.0, "An agent silent this long is gone: its tickets' download, convert and "
        "place fail retryably (a retry downloads again elsewhere).", gt=0)
    conversion_headroom_pct: Int = setting(
        100, "Free space kept in work_dir for converting, in % of the download.", ge=0)


@dataclass(frozen=True, config=SECTION)
class ExternalCatalogsConfig(Section):
    """[external_catalogs]: public catalogs consulted for metadata."""

    musicbrainz_url: Str = setting("", "Empty: MusicBrainz is not asked "
                                       "(https://musicbrainz.org, or a mirror).")
    musicbrainz_min_interval_secs: Float = setting(
        1.0, "Spacing between MusicBrainz requests (it asks for one per second).", ge=0)
    tmdb_url: Str = setting("https://api.themoviedb.org/3", "TMDB's v3 API.")
    tmdb_api_key: Secret = setting("", "TMDB API key; empty: TMDB is not asked.", repr=False)
    coverartarchive_url: Str = setting("", "Empty: the Cover Art Archive is not asked "
                                           "(https://coverartarchive.org).")
    cover_size: Literal["250", "500", "1200", "original"] = setting(
        "500", "Cover Art Archive size to embed (pixels, or the original upload).")
    discogs_url: Str = setting("https://api.discogs.com", "Discogs' API (cover fallback).")
    discogs_token: Secret = setting("", "Discogs personal token; empty: Discogs is not asked.",
                                    repr=False)
    opensubtitles_url: Str = setting("https://api.opensubtitles.com/api/v1",
                                     "OpenSubtitles' REST API.")
    opensubtitles_api_key: Secret = setting("", "Empty: subtitles come from the video's own "
                                                "streams (ffmpeg).", repr=False)
    user_agent: Str = setting("QuentinTorrentino/0.1", "Sent to the catalogs, as they ask.")
    timeout_secs: Float = setting(10.0, "Per request.", gt=0)
    cache_ttl_secs: Int = setting(86400, "How long catalog answers are kept (DynamoDB TTL).",
                                  ge=0)
    music_path_template: Str = setting(
        "/media/music/{artist}/{album} ({year})/{disc}-{track:02d} {title}.{ext}",
        "Skeleton dest_path of a track: {artist} {album} {year} {disc} {track} {title} {ext}.")
    movie_path_template: Str = setting(
        "/media/movies/{title} ({year})/{title} ({year}).{ext}",
        "Skeleton dest_path of a movie: {title} {year} {ext}.")
    episode_path_template: Str = setting(
        "/media/tv/{series}/Season {season:02d}/{series} S{season:02d}E{episode:02d}.{ext}",
        "Skeleton dest_path of an episode: {series} {season} {episode} {title} {year} {ext}.")


class _Resource:
    """A resource's name on Config: the [aws] key of the same name, or "<prefix>-<suffix>"."""

    def __init__(self, suffix: str) -> None:
        self.suffix = suffix

    def __set_name__(self, owner: type, name: str) -> None:
        self.name = name

    def __get__(self, config: Config, owner: type) -> str:
        return getattr(config.aws, self.name) or f"{config.aws.resource_prefix}-{self.suffix}"


@dataclass(frozen=True, config=SECTION)
class Config(Section):
    """The whole file; every section but [auth] may be left out (sections document themselves)."""

    auth: AuthConfig
    server: ServerConfig = ServerConfig()
    aws: AwsConfig = AwsConfig()
    local: LocalConfig = LocalConfig()
    placement: PlacementConfig = PlacementConfig()
    searcher: SearcherConfig = SearcherConfig()
    torrent_client: TorrentClientConfig = TorrentClientConfig()
    textbrain: TextbrainConfig = TextbrainConfig()
    orchestrator: OrchestratorConfig = OrchestratorConfig()
    external_catalogs: ExternalCatalogsConfig = ExternalCatalogsConfig()
    agent: AgentConfig = AgentConfig()

    tickets_table = _Resource("tickets")
    audit_table = _Resource("audit")
    rate_limits_table = _Resource("rate-limits")
    search_cache_table = _Resource("search-cache")
    catalog_table = _Resource("catalog")
    blocklist_table = _Resource("blocklist")
    exports_bucket = _Resource("exports")
    connections_table = _Resource("connections")


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


_CONFIG = TypeAdapter(Config)  # cheap: pydantic built each section's validator with its class

# pydantic's words for TOML's: tables, arrays, keys.
_WORDING = {"unexpected_keyword_argument": "unknown key '{}'", "missing": "'{}' is required",
            "dataclass_type": "'{}' must be a table", "tuple_type": "'{}' must be a list"}


def parse_config(raw: Mapping[str, Any], env: Mapping[str, str]) -> Config:
    """Build the Config from parsed TOML; every problem names its dotted key."""
    if "auth" not in raw:
        raise ConfigError(
            "[auth] section is required: set method = \"api_key\" (with api_key or "
            "[[auth.keys]]), \"oidc\", \"address\", \"cert\", \"plugin\" or \"none\""
        )
    from chalicelib.config_compat import CompatError, normalise

    try:
        raw, warnings = normalise(raw)
    except CompatError as e:
        raise ConfigError(str(e)) from None
    for warning in warnings:
        logging.getLogger("quentin.config").warning(warning)
    try:
        return _CONFIG.validate_python(raw, context={"env": env})
    except PydanticError as e:
        raise ConfigError("; ".join(_problem(err) for err in e.errors())) from None


def _problem(error: Any) -> str:
    key = dotted(error["loc"]) or "configuration"
    if error["type"] in _WORDING:
        return _WORDING[error["type"]].format(key)
    return f"'{key}': {error['msg'].removeprefix('Value error, ')}"


def redacted(section: Any) -> Any:
    """A JSON-ready copy of the config (or one section) with every Secret shown as ***."""
    return TypeAdapter(type(section)).dump_python(section, mode="json")
