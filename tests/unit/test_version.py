"""The version the audit trail records is the package's."""

from __future__ import annotations

import tomllib
from pathlib import Path

from chalicelib.config import parse_config
from chalicelib.version import VERSION, config_hash

ROOT = Path(__file__).resolve().parents[2]


def test_version_is_pyprojects() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    assert project["version"] == VERSION


def test_config_hash_follows_settings_but_never_secrets() -> None:
    def config(**server: object) -> object:
        return parse_config({"auth": {"method": "api_key", "keys": [
            {"key": str(server.pop("key", "k" * 32)), "user_id": "a", "admin": True}]},
            "server": server}, {})

    assert config_hash(config()) == config_hash(config())
    assert config_hash(config()) != config_hash(config(port=9090))
    assert config_hash(config()) == config_hash(config(key="z" * 32))
