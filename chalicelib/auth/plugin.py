"""An external program decides who is calling.

The program gets ``{"headers": {...}, "source_ip": "..."}`` on stdin and answers on stdout
``{"user_id": "...", "claims": {...}}`` (``"admin": true`` among the claims makes an admin) or
``{"error": "..."}``. It runs without a shell, in its own process group (killed whole on
timeout), with a bare environment so the service's secrets do not leak into it.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import threading
import time
from collections.abc import Mapping
from typing import IO, Any

from chalicelib.auth.identity import ClientCert, Identity
from chalicelib.config import PluginSettings
from chalicelib.domain.errors import Unauthorized

_ENV_KEPT = ("PATH", "LANG", "LC_ALL", "TZ")
_REASON_MAX = 200  # a plugin's own error text is shown and audited; keep it short


class PluginAuthenticator:
    method = "plugin"

    def __init__(self, settings: PluginSettings) -> None:
        self._argv = [settings.command, *settings.args]
        self._timeout = settings.timeout_ms / 1000
        self._max_output = settings.max_output_bytes

    def authenticate(self, headers: Mapping[str, str], source_ip: str,
                     client_cert: ClientCert | None = None) -> Identity:
        request = json.dumps({"headers": dict(headers), "source_ip": source_ip}).encode()
        answer = self._parse(self._run(request))
        claims = answer.get("claims") or {}
        return Identity(user_id=answer["user_id"], is_admin=claims.get("admin") is True,
                        method=self.method, claims=claims)

    def _run(self, request: bytes) -> bytes:
        env = {k: os.environ[k] for k in _ENV_KEPT if k in os.environ}
        try:
            proc = subprocess.Popen(self._argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                    stderr=subprocess.DEVNULL, env=env, close_fds=True,
                                    start_new_session=True)
        except OSError as e:
            raise Unauthorized(f"the auth plugin cannot be started: {e.strerror}") from None
        assert proc.stdin is not None and proc.stdout is not None
        out: list[bytes] = []
        # Feed and read on threads: a plugin that never reads stdin or never stops writing
        # must still be bounded by the timeout, and its output by max_output_bytes.
        feeder = threading.Thread(target=_feed, args=(proc.stdin, request), daemon=True)
        reader = threading.Thread(target=_read, args=(proc.stdout, self._max_output + 1, out),
                                  daemon=True)
        feeder.start()
        reader.start()
        deadline = time.monotonic() + self._timeout
        reader.join(self._timeout)
        data = b"".join(out)
        if len(data) > self._max_output:
            _kill(proc)
            raise Unauthorized("the auth plugin's answer is too long")
        try:
            if reader.is_alive():
                raise subprocess.TimeoutExpired(self._argv, self._timeout)
            code = proc.wait(max(0.0, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            _kill(proc)
            raise Unauthorized("the auth plugin timed out") from None
        if code != 0:
            raise Unauthorized(f"the auth plugin failed (exit status {code})")
        return data

    @staticmethod
    def _parse(data: bytes) -> dict[str, Any]:
        try:
            answer = json.loads(data)
        except ValueError:
            raise Unauthorized("the auth plugin's answer is not JSON") from None
        if not isinstance(answer, dict):
            raise Unauthorized("the auth plugin's answer is not a JSON object")
        if "error" in answer:
            raise Unauthorized(f"refused by the auth plugin: {str(answer['error'])[:_REASON_MAX]}")
        user_id, claims = answer.get("user_id"), answer.get("claims", {})
        if not isinstance(user_id, str) or not user_id:
            raise Unauthorized("the auth plugin's answer has no user_id")
        if not isinstance(claims, dict):
            raise Unauthorized("the auth plugin's claims are not a JSON object")
        return answer


def _feed(stream: IO[bytes], data: bytes) -> None:
    try:
        stream.write(data)
        stream.close()
    except OSError:
        pass  # the plugin exited or closed stdin without reading it all: its answer decides


def _read(stream: IO[bytes], limit: int, out: list[bytes]) -> None:
    try:
        out.append(stream.read(limit))
    finally:
        stream.close()


def _kill(proc: subprocess.Popen[bytes]) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
