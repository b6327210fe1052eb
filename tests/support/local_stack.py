"""Start the real local stack (`python -m local run`) as a subprocess for integration tests."""

from __future__ import annotations

import json
import os
import signal
import socket
import ssl
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[2]
ADMIN_KEY = "qt_test_admin_key_0123456789abcdef"
USER_KEY = "qt_test_user_key_0123456789abcdef"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


API_KEYS_AUTH = f"""
[auth]
method = "api_key"
[[auth.keys]]
key = "{ADMIN_KEY}"
user_id = "admin"
admin = true
[[auth.keys]]
key = "{USER_KEY}"
user_id = "music-server"
admin = false
"""


def write_config(directory: Path, port: int, extra: str = "", aws_port: int = 0,
                 auth: str = API_KEYS_AUTH, server: str = "",
                 catalog_replay: bool = False) -> Path:
    """A config for a test stack: two keys (or `auth`), loopback, data inside `directory`;
    `server` adds lines to [server]. The catalog replay is off unless asked for, so a test
    meets only the catalogs it configures."""
    path = directory / "config.toml"
    path.write_text(
        f"""{auth}

[server]
host = "127.0.0.1"
port = {port}
max_body_bytes = 65536
{server}

[local]
data_dir = "data"
snapshot_interval_secs = 0.2
aws_port = {aws_port}
catalog_replay = {str(catalog_replay).lower()}

[placement]
allowed_roots = ["/media", "{directory}/media"]
{extra}
"""
    )
    return path


@dataclass
class ApiAnswer:
    status: int
    body: Any
    headers: dict[str, str]
    text: str


@dataclass
class RunningStack:
    url: str
    config_path: Path
    process: subprocess.Popen[bytes]
    log_path: Path
    tls: ssl.SSLContext | None = None  # the client side, when the stack serves HTTPS

    def call(
        self,
        method: str,
        path: str,
        body: Any = None,
        *,
        key: str | None = ADMIN_KEY,
        raw: bytes | None = None,
        headers: dict[str, str] | None = None,
    ) -> ApiAnswer:
        data = raw if raw is not None else (None if body is None else json.dumps(body).encode())
        req = urllib.request.Request(self.url + path, data=data, method=method)
        req.add_header("Content-Type", "application/json")
        if key:
            req.add_header("X-API-Key", key)
        for k, v in (headers or {}).items():
            req.add_header(k, v)
        try:
            with urllib.request.urlopen(req, timeout=30, context=self.tls) as resp:
                status, text, hdrs = resp.status, resp.read().decode(), dict(resp.headers)
        except urllib.error.HTTPError as e:
            status, text, hdrs = e.code, e.read().decode(), dict(e.headers)
        try:
            parsed = json.loads(text) if text else None
        except ValueError:
            parsed = None
        return ApiAnswer(status, parsed, hdrs, text)

    def stop(self, sig: int = signal.SIGTERM, timeout: float = 20) -> int:
        if self.process.poll() is None:
            self.process.send_signal(sig)
        return self.process.wait(timeout)


def start_stack(config_path: Path, port: int, timeout: float = 30,
                tls: ssl.SSLContext | None = None) -> RunningStack:
    """Start the stack and wait until /api/v1/health answers 200 (over HTTPS with `tls`)."""
    log_path = config_path.parent / f"stack-{int(time.time() * 1000)}.log"
    log = log_path.open("wb")
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    proc = subprocess.Popen(
        [sys.executable, "-m", "local", "run", "--config", str(config_path)],
        cwd=REPO, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, env=env,
    )
    scheme = "https" if tls is not None else "http"
    stack = RunningStack(f"{scheme}://127.0.0.1:{port}", config_path, proc, log_path, tls)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"stack exited early:\n{log_path.read_text()}")
        try:
            if stack.call("GET", "/api/v1/health", key=None).status == 200:
                return stack
        except OSError:
            pass
        time.sleep(0.1)
    stack.stop(signal.SIGKILL)
    raise RuntimeError(f"stack not healthy in {timeout}s:\n{log_path.read_text()}")
