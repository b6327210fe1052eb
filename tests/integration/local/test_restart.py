"""Durability: what the API acknowledged survives a stop (SIGINT or SIGTERM) and a start."""

from __future__ import annotations

import signal
import subprocess
import sys
from pathlib import Path

import pytest

from tests.integration.api.conftest import settled_ticket
from tests.support.local_stack import REPO, free_port, start_stack, write_config

TICKET = {
    "search": {"artist": "Boards of Canada", "album": "Geogaddi"},
    "tracks": [{"catalog_track_id": "g1", "track_number": 1, "name": "Ready Lets Go",
                "dest_path": "/media/boc/01.flac"}],
    "constraints": {"format": "flac"},
}


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM])
def test_tickets_and_audit_survive_a_restart(tmp_path: Path, sig: signal.Signals) -> None:
    port = free_port()
    config = write_config(tmp_path, port)
    first = start_stack(config, port)
    try:
        kept = first.call("POST", "/api/v1/ticket", TICKET).body["ticket_id"]
        cancelled = first.call("POST", "/api/v1/ticket", TICKET).body["ticket_id"]
        assert first.call("DELETE", f"/api/v1/ticket/{cancelled}").status == 200
        kept_state = settled_ticket(first, kept)["state"]
        # The stop comes right after the acknowledgement: no time for a periodic snapshot.
    finally:
        assert first.stop(sig) == 0
    assert "Stopped; state saved." in first.log_path.read_text()

    second = start_stack(config, port)
    try:
        assert second.call("GET", f"/api/v1/ticket/{kept}").body["state"] == kept_state
        gone = second.call("GET", f"/api/v1/ticket/{cancelled}").body
        assert gone["state"] == "cancelled"
        assert gone["history"][0]["to_state"] == "pending"
        listed = {t["ticket_id"] for t in second.call("GET", "/api/v1/tickets").body["tickets"]}
        assert {kept, cancelled} <= listed
        events = second.call("GET", "/api/v1/audit?limit=200").body["events"]
        types = [e["event_type"] for e in events]
        assert types.count("ServiceStarted") == 2 and types.count("ServiceStopped") == 1
        assert {e["ticket_id"] for e in events if e["event_type"] == "TicketCreated"} >= {
            kept, cancelled}
        again = second.call("POST", "/api/v1/ticket", TICKET)
        assert again.status == 201
    finally:
        second.stop()


def _run_with(config_text: str | None, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    args = [sys.executable, "-m", "local", "run"]
    if config_text is not None:
        path = tmp_path / "bad.toml"
        path.write_text(config_text)
        args += ["--config", str(path)]
    else:
        args += ["--config", str(tmp_path / "missing.toml")]
    return subprocess.run(args, cwd=REPO, capture_output=True, text=True, timeout=60)


def test_refuses_to_start_without_auth_section(tmp_path: Path) -> None:
    result = _run_with("[server]\nport = 1\n", tmp_path)
    assert result.returncode == 2
    assert "[auth] section is required" in result.stderr
    assert "ConfigValidationFailed" in result.stderr


def test_unknown_key_and_wrong_type_are_named(tmp_path: Path) -> None:
    unknown = _run_with('[auth]\nmethod = "none"\n[server]\nprot = 1\n', tmp_path)
    assert unknown.returncode == 2 and "server.prot" in unknown.stderr
    wrong = _run_with('[auth]\nmethod = "none"\n[server]\nport = "eighty"\n', tmp_path)
    assert wrong.returncode == 2 and "server.port" in wrong.stderr


def test_missing_named_config_is_an_error(tmp_path: Path) -> None:
    result = _run_with(None, tmp_path)
    assert result.returncode == 2 and "does not exist" in result.stderr


def test_first_run_creates_config_with_a_fresh_key(tmp_path: Path) -> None:
    """`make run` with no config: config.toml appears with a new key printed once."""
    from chalicelib.config import load_config
    from local.bootstrap import create_config

    target = tmp_path / "config.toml"
    key = create_config(target)
    config = load_config(target)
    assert config.auth.keys[0].key == key and len(key) > 30
    assert config.server.host == "127.0.0.1"
    assert target.stat().st_mode & 0o077 == 0
    assert create_config(tmp_path / "other.toml") != key


def test_auth_none_starts_with_a_loud_warning(tmp_path: Path) -> None:
    port = free_port()
    config = tmp_path / "config.toml"
    config.write_text(f'[auth]\nmethod = "none"\n[server]\nport = {port}\n'
                      f'[local]\ndata_dir = "data"\n')
    stack = start_stack(config, port)
    try:
        assert stack.call("GET", "/api/v1/whoami", key=None).body["user_id"] == "anonymous"
    finally:
        stack.stop()
    assert "AUTHENTICATION IS OFF" in stack.log_path.read_text()
