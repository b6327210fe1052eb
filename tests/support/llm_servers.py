"""Local HTTP servers on 127.0.0.1 that speak each LLM provider's wire format.

Each `FakeLlmServer` answers with scripted model texts and records every request it gets, so
tests can check both what an adapter makes of a reply and exactly what it sent. Knobs:
fail the next N requests with 500/429, delay replies (timeouts), answer with text that is not
JSON (malformed), and refuse any key but the expected one with 401.

    with FakeLlmServer(Wire.OPENAI, api_key="test-key") as server:
        server.script.answers = [{"queries": []}]
        ... LlmConfig(provider="openai_compat", base_url=server.base_url, ...)
"""

from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass, field
from enum import StrEnum
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any, Self


class Wire(StrEnum):
    """Which provider's protocol a server speaks."""

    ANTHROPIC = "anthropic"
    OPENAI = "openai"
    OLLAMA = "ollama"
    CUSTOM = "custom"


PATHS = {
    Wire.ANTHROPIC: "/v1/messages",
    Wire.OPENAI: "/v1/chat/completions",
    Wire.OLLAMA: "/api/chat",
    Wire.CUSTOM: "/complete",
}


@dataclass(frozen=True)
class RecordedRequest:
    """One request as the server received it; header names are lower-case."""

    method: str
    path: str
    headers: dict[str, str]
    body: Any


@dataclass
class Script:
    """What the server does next. Change fields between (not during) requests.

    `answers`: model texts to send, one per successful reply; a dict is sent as its JSON
    text, and the last one repeats. `fail_times` next requests get `fail_status` (with
    `retry_after` as Retry-After when set). `delay_secs` is slept before answering.
    `api_key`: when set, a request presenting another key gets 401, and when
    `echo_key_in_errors` that error repeats the presented key, as some real servers do.
    For the custom wire, `custom_as_data` sends a dict answer as {"data": ...}.
    """

    answers: list[dict[str, Any] | str] = field(default_factory=lambda: [{"ok": True}])
    fail_times: int = 0
    fail_status: int = 500
    retry_after: str | None = None
    delay_secs: float = 0.0
    api_key: str | None = None
    echo_key_in_errors: bool = True
    usage: tuple[int, int] = (42, 17)
    custom_as_data: bool = True


class FakeLlmServer:
    """A threaded HTTP server for one wire format; `stop()` (or `with`) shuts it down."""

    def __init__(self, wire: Wire, *, api_key: str | None = None) -> None:
        self.wire = wire
        self.script = Script(api_key=api_key)
        self.requests: list[RecordedRequest] = []
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), self._handler_class())
        # Do not wait for handlers still sleeping on a delay when the test is over.
        self._httpd.block_on_close = False
        self._thread = threading.Thread(
            target=self._httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    @property
    def root_url(self) -> str:
        """http://127.0.0.1:PORT"""
        host, port = self._httpd.server_address[:2]
        return f"http://{host!s}:{port}"

    @property
    def base_url(self) -> str:
        """What the matching adapter takes as `base_url`."""
        if self.wire is Wire.OPENAI:
            return f"{self.root_url}/v1"
        if self.wire is Wire.CUSTOM:
            return f"{self.root_url}{PATHS[Wire.CUSTOM]}"
        return self.root_url

    def start(self) -> Self:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stopping.set()
        self._httpd.shutdown()
        self._httpd.server_close()
        self._thread.join(timeout=5)

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    # --- what a request gets -------------------------------------------------------------

    def _next_answer(self) -> dict[str, Any] | str:
        answers = self.script.answers
        return answers.pop(0) if len(answers) > 1 else answers[0]

    def _presented_key(self, headers: dict[str, str]) -> str | None:
        # Anthropic takes x-api-key; the anthropic SDK 2.x sends the key as a Bearer token.
        if self.wire is Wire.ANTHROPIC and "x-api-key" in headers:
            return headers["x-api-key"]
        auth = headers.get("authorization", "")
        return auth.removeprefix("Bearer ") if auth.startswith("Bearer ") else None

    def respond(self, request: RecordedRequest) -> tuple[int, dict[str, str], dict[str, Any]]:
        """Status, extra headers and JSON body for `request`, following the script."""
        with self._lock:
            self.requests.append(request)
            script = self.script
            if request.path != PATHS[self.wire]:
                return 404, {}, self._error("not_found", f"no route {request.path}")
            presented = self._presented_key(request.headers)
            if script.api_key is not None and presented != script.api_key:
                shown = presented if script.echo_key_in_errors else "***"
                return 401, {}, self._error("authentication_error", f"invalid api key: {shown}")
            if script.fail_times > 0:
                script.fail_times -= 1
                headers = {"Retry-After": script.retry_after} if script.retry_after else {}
                return script.fail_status, headers, self._error("overloaded", "try again later")
            answer = self._next_answer()
            delay = script.delay_secs
        if delay:
            self._stopping.wait(delay)
        model = request.body.get("model", "unknown") if isinstance(request.body, dict) else "?"
        return 200, {}, self._reply(answer, str(model))

    def _error(self, kind: str, message: str) -> dict[str, Any]:
        if self.wire is Wire.ANTHROPIC:
            return {"type": "error", "error": {"type": kind, "message": message}}
        return {"error": {"type": kind, "message": message}}

    def _reply(self, answer: dict[str, Any] | str, model: str) -> dict[str, Any]:
        text = answer if isinstance(answer, str) else json.dumps(answer)
        prompt_tokens, completion_tokens = self.script.usage
        if self.wire is Wire.ANTHROPIC:
            return {
                "id": f"msg_{len(self.requests):04d}",
                "type": "message",
                "role": "assistant",
                "model": model,
                "content": [{"type": "text", "text": text}],
                "stop_reason": "end_turn",
                "stop_sequence": None,
                "usage": {"input_tokens": prompt_tokens, "output_tokens": completion_tokens},
            }
        if self.wire is Wire.OPENAI:
            return {
                "id": f"chatcmpl-{len(self.requests)}",
                "object": "chat.completion",
                "created": int(time.time()),
                "model": model,
                "choices": [
                    {
                        "index": 0,
                        "message": {"role": "assistant", "content": text},
                        "finish_reason": "stop",
                    }
                ],
                "usage": {
                    "prompt_tokens": prompt_tokens,
                    "completion_tokens": completion_tokens,
                    "total_tokens": prompt_tokens + completion_tokens,
                },
            }
        if self.wire is Wire.OLLAMA:
            return {
                "model": model,
                "created_at": "2024-01-01T00:00:00Z",
                "message": {"role": "assistant", "content": text},
                "done": True,
                "done_reason": "stop",
                "total_duration": 1000,
                "prompt_eval_count": prompt_tokens,
                "eval_count": completion_tokens,
            }
        usage = {"prompt_tokens": prompt_tokens, "completion_tokens": completion_tokens}
        if isinstance(answer, dict) and self.script.custom_as_data:
            return {"data": answer, "usage": usage, "model": model}
        return {"text": text, "usage": usage, "model": model}

    def _handler_class(self) -> type[BaseHTTPRequestHandler]:
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length) if length else b""
                try:
                    body: Any = json.loads(raw) if raw else None
                except ValueError:
                    body = raw.decode("utf-8", "replace")
                headers = {name.lower(): value for name, value in self.headers.items()}
                recorded = RecordedRequest("POST", self.path, headers, body)
                status, extra, payload = server.respond(recorded)
                data = json.dumps(payload).encode()
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(data)))
                    for name, value in extra.items():
                        self.send_header(name, value)
                    self.end_headers()
                    self.wfile.write(data)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up (a timeout test); nothing to tell it

            def log_message(self, format: str, *args: Any) -> None:
                pass  # keep test output clean

        return Handler

