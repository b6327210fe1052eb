"""PluginAuthenticator running a real program written by the test (never through a shell)."""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path

import pytest

from chalicelib.auth.plugin import PluginAuthenticator
from chalicelib.config import PluginSettings
from chalicelib.domain.errors import Unauthorized
from tests.support.auth_material import write_plugin


@pytest.fixture
def plugin(tmp_path: Path) -> PluginAuthenticator:
    script = tmp_path / "plugin.py"
    write_plugin(script)
    return PluginAuthenticator(PluginSettings(command=str(script), timeout_ms=1000,
                                              max_output_bytes=4096))


def test_the_plugin_names_the_user_and_sees_the_request(plugin: PluginAuthenticator) -> None:
    dangerous = "$(touch /tmp/qt-pwned); `id` | cat; rm -rf ~"
    who = plugin.authenticate({"X-Mode": "good", "X-User": "alice", "X-Seen": dangerous},
                              "192.0.2.4")
    assert (who.user_id, who.is_admin, who.method) == ("alice", False, "plugin")
    assert who.claims["source_ip"] == "192.0.2.4"
    assert who.claims["seen"] == dangerous  # data, never a command line
    assert not Path("/tmp/qt-pwned").exists()
    assert set(who.claims["env"]) <= {"PATH", "LANG", "LC_ALL", "TZ"}  # no service secrets
    admin = plugin.authenticate({"X-Mode": "good", "X-User": "root", "X-Admin": "yes"}, "")
    assert admin.is_admin


@pytest.mark.parametrize(("mode", "reason"), [
    ("error", "refused by the auth plugin: password expired"),
    ("exit", "exit status 3"),
    ("badjson", "not JSON"),
    ("array", "not a JSON object"),
    ("nouser", "no user_id"),
    ("huge", "too long"),
])
def test_plugin_failures_refuse_the_caller(plugin: PluginAuthenticator, mode: str,
                                           reason: str) -> None:
    started = time.monotonic()
    with pytest.raises(Unauthorized, match=reason) as refused:
        plugin.authenticate({"X-Mode": mode}, "")
    assert time.monotonic() - started < 1.0  # none of these waits for the timeout
    assert len(refused.value.message) < 300  # the plugin's text is cut short


def test_a_slow_plugin_is_killed_at_the_timeout(plugin: PluginAuthenticator,
                                                tmp_path: Path) -> None:
    started = time.monotonic()
    with pytest.raises(Unauthorized, match="timed out"):
        plugin.authenticate({"X-Mode": "sleep"}, "")
    assert 0.9 < time.monotonic() - started < 3
    pid = int((tmp_path / "pid").read_text())
    with pytest.raises(ProcessLookupError):
        os.kill(pid, 0)  # killed and reaped


def test_a_missing_plugin_refuses(tmp_path: Path) -> None:
    missing = PluginAuthenticator(PluginSettings(command=str(tmp_path / "nope")))
    with pytest.raises(Unauthorized, match="cannot be started"):
        missing.authenticate({}, "")


def test_the_request_reaches_the_plugin_as_json(tmp_path: Path) -> None:
    echo = tmp_path / "echo.py"
    echo.write_text(f"#!{sys.executable}\nimport json, sys\n"
                    "print(json.dumps({'user_id': 'x', 'claims': json.load(sys.stdin)}))\n")
    echo.chmod(0o755)
    who = PluginAuthenticator(PluginSettings(command=str(echo))).authenticate(
        {"Authorization": "Bearer t"}, "10.1.2.3")
    assert json.loads(json.dumps(who.claims)) == {"headers": {"Authorization": "Bearer t"},
                                                  "source_ip": "10.1.2.3"}
