"""Configuration: typed, validated once, secrets from the environment, redacted when shown."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any, get_args

import pytest

from chalicelib.config import ConfigError, load_config, parse_config, redacted

KEY = "k" * 20


def test_example_config_is_valid(tmp_path: Path) -> None:
    example = Path(__file__).resolve().parents[2] / "config.example.toml"
    text = example.read_text().replace("CHANGE-ME-generated-on-first-run", KEY)
    (tmp_path / "c.toml").write_text(text)
    config = load_config(tmp_path / "c.toml")
    assert config.server.port == 8080 and config.auth.keys[0].admin
    assert config.tickets_table == "qt-tickets"


def test_example_config_loads_with_every_commented_key_switched_on(tmp_path: Path) -> None:
    example = Path(__file__).resolve().parents[2] / "config.example.toml"
    text = example.read_text().replace("CHANGE-ME-generated-on-first-run", KEY)
    text, switched = re.subn(r"^# ?(\[\[?[\w.]+\]\]?|\w+ = .*)$", r"\1", text, flags=re.M)
    assert switched > 10
    (tmp_path / "c.toml").write_text(text)
    config = load_config(tmp_path / "c.toml", {"QT_MUSIC_SERVER_KEY": "m" * 20})
    assert config.auth.keys[1].user_id == "music-server" and config.aws.access_key_id == "testing"


def test_auth_is_required() -> None:
    with pytest.raises(ConfigError, match=r"\[auth\] section is required"):
        parse_config({}, {})


@pytest.mark.parametrize(("raw", "named"), [
    ({"auth": {"method": "none"}, "server": {"hots": "x"}}, "server.hots"),
    ({"auth": {"method": "none"}, "nonsense": {}}, "nonsense"),
    ({"auth": {"method": "none"}, "server": {"port": "80"}}, "server.port"),
    ({"auth": {"method": "none"}, "server": {"port": True}}, "server.port"),
    ({"auth": {"method": "none"}, "placement": {"allowed_roots": "/media"}},
     "placement.allowed_roots"),
    ({"auth": {"method": "none"}, "placement": {"allowed_roots": ["media"]}},
     "placement.allowed_roots[0]"),
    ({"auth": {"method": "magic"}}, "auth.method"),
    ({"auth": {"method": "api_key"}}, "auth.keys"),
    ({"auth": {"method": "api_key", "keys": [{"key": "short", "user_id": "u"}]}},
     "auth.keys[0].key"),
    ({"auth": {"method": "none"}, "textbrain": {"mode": "smart"}}, "textbrain.mode"),
    ({"auth": {"method": "none"}, "textbrain": {"llm": {"provider": "x"}}},
     "textbrain.llm.provider"),
])
def test_errors_name_the_key(raw: dict[str, object], named: str) -> None:
    with pytest.raises(ConfigError) as err:
        parse_config(raw, {})
    assert named in str(err.value)


def test_secrets_from_environment_and_redaction() -> None:
    raw = {"auth": {"method": "api_key", "keys": [{"key": "env:QT_K", "user_id": "a"}]},
           "searcher": {"api_key": "env:JACKETT", "timeout_secs": "env:TIMEOUT"}}
    config = parse_config(raw, {"QT_K": KEY, "JACKETT": "secret-jackett", "TIMEOUT": "7"})
    assert config.auth.keys[0].key == KEY
    assert config.searcher.timeout_secs == 7.0
    shown = redacted(config)
    assert shown["auth"]["keys"][0]["key"] == "***"
    assert shown["searcher"]["api_key"] == "***"
    assert KEY not in str(shown) and "secret-jackett" not in str(shown)
    assert KEY not in repr(config) and "secret-jackett" not in repr(config)
    with pytest.raises(ConfigError) as err:  # a rejected secret is not echoed either
        parse_config({"auth": {"method": "api_key",
                               "keys": [{"key": "short-secret", "user_id": "a"}]}}, {})
    assert "auth.keys[0].key" in str(err.value) and "short-secret" not in str(err.value)
    with pytest.raises(ConfigError, match="QT_MISSING"):
        parse_config({"auth": {"method": "api_key",
                               "keys": [{"key": "env:QT_MISSING", "user_id": "a"}]}}, {})


def test_invalid_toml_and_missing_file(tmp_path: Path) -> None:
    (tmp_path / "bad.toml").write_text("[auth\n")
    with pytest.raises(ConfigError, match="not valid TOML"):
        load_config(tmp_path / "bad.toml")
    with pytest.raises(ConfigError, match="not found"):
        load_config(tmp_path / "none.toml")


NONE = {"method": "none"}


@pytest.mark.parametrize(("raw", "message"), [
    ({"auth": NONE, "sever": {}}, "unknown key 'sever'"),
    ({"auth": NONE, "server": {"hots": "x"}}, "unknown key 'server.hots'"),
    ({"auth": NONE, "textbrain": {"llm": {"modle": "m"}}}, "unknown key 'textbrain.llm.modle'"),
    ({"auth": {"method": "api_key", "keys": [{"key": KEY, "user_id": "a", "admn": True}]}},
     "unknown key 'auth.keys[0].admn'"),
])
def test_unknown_keys_are_named_at_every_level(raw: dict[str, object], message: str) -> None:
    with pytest.raises(ConfigError) as err:
        parse_config(raw, {})
    assert str(err.value) == message


@pytest.mark.parametrize(("section", "value", "message"), [
    ({"server": {"port": "8080"}}, "", "'server.port': Input should be a valid integer"),
    ({"local": {"embedded_aws": 1}}, "", "'local.embedded_aws': Input should be a valid boolean"),
    ({"searcher": {"timeout_secs": True}}, "", "'searcher.timeout_secs': Input should be a "
                                                "valid number"),
    ({"aws": {"region": 1}}, "", "'aws.region': Input should be a valid string"),
    ({"searcher": {"indexers": "all"}}, "", "'searcher.indexers' must be a list"),
    ({"searcher": {"indexers": ["a", 2]}}, "", "'searcher.indexers[1]': Input should be a "
                                                "valid string"),
    ({"textbrain": {"llm": "anthropic"}}, "", "'textbrain.llm' must be a table"),
    ({"server": {"port": 70000}}, "", "'server.port': Input should be less than or equal to "
                                       "65535"),
])
def test_wrong_types_and_values_are_named(section: dict[str, object], value: str,
                                          message: str) -> None:
    with pytest.raises(ConfigError) as err:
        parse_config({"auth": NONE, **section}, {})
    assert str(err.value) == message


def test_every_problem_is_reported_at_once() -> None:
    with pytest.raises(ConfigError) as err:
        parse_config({"auth": NONE, "server": {"port": "1", "hots": "x"},
                      "agent": {"poll_wait_secs": 99}}, {})
    assert str(err.value).split("; ") == [
        "'server.port': Input should be a valid integer",
        "unknown key 'server.hots'",
        "'agent.poll_wait_secs': Input should be less than or equal to 20",
    ]


def test_required_parts() -> None:
    with pytest.raises(ConfigError, match=r"^'auth\.method' is required$"):
        parse_config({"auth": {}}, {})
    with pytest.raises(ConfigError, match=r"^'auth\.keys\[0\]\.user_id' is required$"):
        parse_config({"auth": {"method": "api_key", "keys": [{"key": KEY}]}}, {})
    with pytest.raises(ConfigError, match=r"'auth\.keys': keys\[1\]\.key is listed twice"):
        parse_config({"auth": {"method": "api_key", "keys": [{"key": KEY, "user_id": "a"},
                                                             {"key": KEY, "user_id": "b"}]}}, {})


def test_env_indirection_reads_every_type() -> None:
    raw = {"auth": NONE,
           "searcher": {"url": "env:URL", "indexers": ["env:IDX", "fixed"],
                        "cache_ttl_secs": "env:TTL", "min_interval_secs": "env:GAP"},
           "local": {"embedded_aws": "env:EMBED"}, "textbrain": {"mode": "env:MODE"}}
    env = {"URL": "http://127.0.0.1:9117", "IDX": "one", "TTL": "60", "GAP": "0.5",
           "EMBED": "false", "MODE": "llm-first"}
    config = parse_config(raw, env)
    assert config.searcher.url == "http://127.0.0.1:9117"
    assert config.searcher.indexers == ("one", "fixed")
    assert config.searcher.cache_ttl_secs == 60 and config.searcher.min_interval_secs == 0.5
    assert config.local.embedded_aws is False and config.textbrain.mode == "llm-first"


@pytest.mark.parametrize(("raw", "env", "message"), [
    ({"searcher": {"api_key": "env:NOPE"}}, {},
     "'searcher.api_key': refers to environment variable NOPE, which is not set"),
    ({"server": {"port": "env:PORT"}}, {"PORT": "eighty"},
     "'server.port': environment variable PORT is not a valid int"),
    ({"textbrain": {"mode": "env:MODE"}}, {"MODE": "smart"},
     "'textbrain.mode': Input should be 'dumb-only', 'dumb-first', 'llm-first' or 'llm-only'"),
])
def test_env_problems_name_the_key(raw: dict[str, object], env: dict[str, str],
                                   message: str) -> None:
    with pytest.raises(ConfigError) as err:
        parse_config({"auth": NONE, **raw}, env)
    assert str(err.value) == message


def test_defaults_and_derived_names() -> None:
    config = parse_config({"auth": NONE, "aws": {"resource_prefix": "p",
                                                 "audit_table": "my-audit"}}, {})
    assert config.server.port == 8080 and config.server.host == "127.0.0.1"
    assert config.placement.allowed_roots == ("/media",)
    assert config.textbrain.mode == "dumb-only" and config.textbrain.llm.max_retries == 2
    assert config.agent.poll_wait_secs == 2 and config.orchestrator.max_attempts == 3
    assert (config.tickets_table, config.audit_table) == ("p-tickets", "my-audit")
    assert config.auth.keys == ()
    with pytest.raises(dataclasses.FrozenInstanceError):
        config.server.port = 1  # type: ignore[misc]


def _leaf_keys(cls: type, prefix: str = "") -> Iterator[tuple[str, str, str]]:
    """(section, key, description) of every key below `cls`, sections flattened."""
    for name, info in cls.__pydantic_fields__.items():  # type: ignore[attr-defined]
        nested = (get_args(info.annotation) or (info.annotation,))[0]  # tables, arrays of tables
        if isinstance(nested, type) and dataclasses.is_dataclass(nested):
            yield from _leaf_keys(nested, f"{prefix}{name}.")
        else:
            yield prefix.rstrip("."), name, info.description or ""


def test_every_key_is_documented_and_in_the_example() -> None:
    from chalicelib.config import Config

    example = (Path(__file__).resolve().parents[2] / "config.example.toml").read_text()
    blocks = dict(re.findall(r"^\[\[?([\w.]+)\]\]?\n(.*?)(?=^\[|\Z)", example, re.M | re.S))
    keys = list(_leaf_keys(Config))
    assert len(keys) > 70
    for section, key, description in keys:
        assert description, f"{section}.{key} has no description"
        assert re.search(rf"^#? ?{key} = ", blocks.get(section, ""), re.M), \
            f"{section}.{key} is missing from config.example.toml"


def test_every_secret_looking_key_is_declared_secret() -> None:
    """A key named like a secret must stay out of repr and out of GET /config."""
    from chalicelib.config import Config

    secret = "s" * 20
    raw: dict[str, Any] = {"auth": {"method": "api_key", "keys": [{"user_id": "u"}]}}
    looks_secret = [(section, key) for section, key, _ in _leaf_keys(Config)
                    if key in ("key", "password", "secret") or key.endswith(("_key", "_secret"))]
    assert len(looks_secret) >= 6
    for i, (section, key) in enumerate(looks_secret):
        table = raw["auth"]["keys"][0] if section == "auth.keys" else raw
        for part in () if section == "auth.keys" else section.split("."):
            table = table.setdefault(part, {})
        table[key] = f"{secret}{i:02}"  # distinct: one key may not be listed twice
    config = parse_config(raw, {})
    assert secret not in repr(config) and secret not in str(redacted(config))


def test_textbrain_preferences_reach_the_brain() -> None:
    from chalicelib.bootstrap import build_brain

    config = parse_config({"auth": {"method": "none"}, "textbrain": {
        "preferred_resolutions": ["2160p", "1080p"], "preferred_video_codecs": ["hevc"],
        "avoided_release_groups": ["YIFY"]}}, {})
    brain = build_brain(config)
    assert brain.preferences.preferred_resolutions == ("2160p", "1080p")
    assert brain.preferences.preferred_video_codecs == ("hevc",)
    assert brain.preferences.avoided_release_groups == ("YIFY",)


def test_unknown_preferred_codec_names_the_key() -> None:
    with pytest.raises(ConfigError, match=r"textbrain\.preferred_video_codecs\[0\]"):
        parse_config({"auth": {"method": "none"},
                      "textbrain": {"preferred_video_codecs": ["h265x"]}}, {})
