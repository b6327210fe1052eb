"""method = "plugin" through the real stack, running a program the test writes."""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.integration.api.conftest import example_ticket
from tests.integration.auth.conftest import audit_failures, running
from tests.support.auth_material import write_plugin
from tests.support.local_stack import ApiAnswer, RunningStack


@pytest.fixture(scope="module")
def plugin_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("plugin")


@pytest.fixture(scope="module")
def stack(plugin_dir: Path) -> Iterator[RunningStack]:
    script = write_plugin(plugin_dir / "auth-plugin.py")
    auth = f"""
[auth]
method = "plugin"
failures_before_slowdown = 1000
[auth.plugin]
command = "{script}"
timeout_ms = 1000
max_output_bytes = 4096
"""
    (plugin_dir / "stack").mkdir()
    with running(plugin_dir / "stack", auth) as stack:
        yield stack


def as_(stack: RunningStack, mode: str, user: str = "alice", admin: bool = False,
        method: str = "GET", path: str = "/api/v1/whoami", body: object = None) -> ApiAnswer:
    headers = {"X-Mode": mode, "X-User": user, "X-Admin": "yes" if admin else "no"}
    return stack.call(method, path, body, key=None, headers=headers)


def test_the_plugin_names_the_user(stack: RunningStack) -> None:
    me = as_(stack, "good", "alice").body
    assert (me["user_id"], me["is_admin"], me["method"]) == ("alice", False, "plugin")
    assert me["claims"]["source_ip"] == "127.0.0.1"
    assert as_(stack, "good", "root", admin=True).body["is_admin"] is True


@pytest.mark.parametrize(("mode", "reason"), [
    ("error", "refused by the auth plugin: password expired"),
    ("exit", "the auth plugin failed (exit status 3)"),
    ("badjson", "the auth plugin's answer is not JSON"),
    ("huge", "the auth plugin's answer is too long"),
    ("sleep", "the auth plugin timed out"),
])
def test_plugin_failures_are_401(stack: RunningStack, mode: str, reason: str) -> None:
    started = time.monotonic()
    answer = as_(stack, mode)
    assert answer.status == 401 and answer.body["message"].startswith(reason)
    assert time.monotonic() - started < 5


def test_a_timed_out_plugin_is_killed(stack: RunningStack, plugin_dir: Path) -> None:
    assert as_(stack, "sleep").status == 401
    pid = int((plugin_dir / "pid").read_text())
    with pytest.raises(ProcessLookupError):
        os.kill(pid, 0)


def test_plugin_users_own_tickets_and_failures_are_audited(stack: RunningStack) -> None:
    created = as_(stack, "good", "alice", method="POST", path="/api/v1/ticket",
                  body=example_ticket())
    assert created.body["requested_by"] == "alice"
    tid = created.body["ticket_id"]
    assert as_(stack, "good", "bob", path=f"/api/v1/ticket/{tid}").status == 404
    as_(stack, "exit")
    events = audit_failures(stack, headers={"X-Mode": "good", "X-User": "root",
                                            "X-Admin": "yes"})
    assert any(e["data"] == {"method": "plugin", "source_ip": "127.0.0.1",
                             "reason": "the auth plugin failed (exit status 3)"}
               for e in events)
