"""Configuration: typed, validated once, secrets from the environment, redacted when shown."""

from __future__ import annotations

from pathlib import Path

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
    with pytest.raises(ConfigError, match="QT_MISSING"):
        parse_config({"auth": {"method": "api_key",
                               "keys": [{"key": "env:QT_MISSING", "user_id": "a"}]}}, {})


def test_invalid_toml_and_missing_file(tmp_path: Path) -> None:
    (tmp_path / "bad.toml").write_text("[auth\n")
    with pytest.raises(ConfigError, match="not valid TOML"):
        load_config(tmp_path / "bad.toml")
    with pytest.raises(ConfigError, match="not found"):
        load_config(tmp_path / "none.toml")
