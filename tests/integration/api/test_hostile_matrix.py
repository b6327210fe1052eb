"""Every route of the app, each tried with every hostile input over real HTTP: a 4xx with a
JSON error (naming the field where there is one), never a 5xx, a stack trace or a key, and
nothing changed. The routes are read from the app and its OpenAPI document, so a new route is
in the matrix without anyone adding it here.

The body size limit is `[server] max_body_bytes` (1 MiB by default, 64 KiB in this stack):
larger bodies get 413 before they are read; chunked bodies get 411.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import pytest

import app as api
from tests.integration.api.conftest import example_ticket, settled, settled_ticket
from tests.support.local_stack import ADMIN_KEY, USER_KEY, RunningStack
from tests.support.raw_http import RawAnswer, request_bytes, send_raw

LIMIT = 65_536  # write_config's max_body_bytes


def app_routes() -> set[tuple[str, str]]:
    return {(method, path) for path, methods in api.app.routes.items() for method in methods}


def published_routes(stack: RunningStack) -> set[tuple[str, str]]:
    document = stack.call("GET", "/api/v1/openapi.json", key=None).body
    return {(method.upper(), path) for path, ops in document["paths"].items()
            for method in ops if method in ("get", "post", "put", "patch", "delete")}


ROUTES = sorted(app_routes())


@dataclass(frozen=True)
class Hostile:
    """One hostile request shape: how to build it, and what it must get."""

    name: str
    build: Callable[[str, str], bytes]  # (method, target) -> request bytes
    status: tuple[int, ...] = tuple(range(400, 500))
    field: str | None = None  # the field the 4xx must name (in errors[].field)
    routes: str = ""  # only paths starting with this (a parameter only some routes read)


def _headers(body: bytes, extra: list[tuple[str, str | bytes]] | None = None,
             length: str | None = None) -> list[tuple[str, str | bytes]]:
    headers: list[tuple[str, str | bytes]] = [
        ("Host", "127.0.0.1"), ("X-API-Key", ADMIN_KEY), ("Content-Type", "application/json"),
        ("Connection", "close")]
    headers.append(("Content-Length", str(len(body)) if length is None else length))
    return headers + (extra or [])


def with_body(body: bytes) -> Callable[[str, str], bytes]:
    return lambda method, target: request_bytes(method, target, _headers(body), body)


def nested_object(depth: int) -> bytes:
    return b'{"a":' * depth + b"1" + b"}" * depth


BODIES = [
    Hostile("body not UTF-8", with_body(b'{"name": "\xff\xfe\xfd"}'), field="body"),
    Hostile("body latin-1", with_body('{"query": "Bj\xf6rk"}'.encode("latin-1")), field="body"),
    Hostile("body invalid JSON", with_body(b'{"query": '), field="body"),
    Hostile("body 60,000 nested [", with_body(b"[" * 60_000), field="body"),
    Hostile("body 100,000 nested [ (over the limit)", with_body(b"[" * 100_000), (413,),
            field="body"),
    Hostile("body 40 nested objects", with_body(nested_object(40))),
    Hostile("body a JSON array", with_body(b'[{"query": "x"}]'), field="body"),
    Hostile("body a JSON string", with_body(b'"x"'), field="body"),
    Hostile("body NUL in a value", with_body(b'{"query": "a\\u0000b", "reason": "a\\u0000b"}')),
    Hostile("body NUL in a key", with_body(b'{"qu\\u0000ery": "a"}')),
    Hostile("body unpaired surrogate", with_body(b'{"query": "a\\ud800b", "reason": "\\udc00"}')),
    Hostile("body NaN", with_body(b'{"priority": NaN, "candidate_idx": Infinity}')),
    Hostile("body 5,000-digit number", with_body(b'{"candidate_idx": ' + b"9" * 5000 + b"}"),
            field="body"),
    Hostile("body duplicate keys", with_body(b'{"query": "a", "query": "b"}'), field="body"),
    Hostile("body wrong-typed fields", with_body(json.dumps(
        {"query": 5, "reason": [], "candidate_idx": "first", "magnet_uri": {"x": 1},
         "search": "Radiohead", "tracks": "all", "priority": "high", "artist": 7,
         "title": [], "series": {}, "tmdb_id": "x", "expected": 3}).encode())),
    Hostile("body control characters in text", with_body(json.dumps(
        {"query": "Radiohead\x1b[2J", "reason": "no\r\nX-Injected: 1", "artist": "a\x07",
         "album": "b\x7f", "title": "c\x85", "series": "d\x1b", "expected": "e\x1b"}
    ).encode())),
    Hostile("body over the size limit", with_body(b'{"query": "' + b"a" * LIMIT + b'"}'),
            (413,), field="body"),
    Hostile("Content-Length far over the limit, body never sent",
            lambda m, t: request_bytes(m, t, _headers(b"", length=str(10**12))), (413,),
            field="body"),
    Hostile("Content-Length not a number",
            lambda m, t: request_bytes(m, t, _headers(b"{}", length="2x"), b"{}"), (400,),
            field="Content-Length"),
    Hostile("Content-Length negative",
            lambda m, t: request_bytes(m, t, _headers(b"{}", length="-1"), b"{}"), (400,),
            field="Content-Length"),
    Hostile("Content-Length twice",
            lambda m, t: request_bytes(m, t, _headers(b"{}", [("Content-Length", "0")]), b"{}"),
            (400,), field="Content-Length"),
    Hostile("chunked body",
            lambda m, t: request_bytes(m, t, [("Host", "x"), ("X-API-Key", ADMIN_KEY),
                                              ("Transfer-Encoding", "chunked"),
                                              ("Connection", "close")],
                                       b"2\r\n{}\r\n0\r\n\r\n"), (411,),
            field="Transfer-Encoding"),
]


def with_query(query: str, body: bytes = b"") -> Callable[[str, str], bytes]:
    return lambda method, target: request_bytes(method, f"{target}?{query}", _headers(body),
                                                body)


QUERIES = [
    Hostile("query NUL", with_query("reason=a%00b"), (400,), field="reason"),
    Hostile("query CR LF", with_query("cursor=a%0d%0aSet-Cookie:%20x=1"), (400,),
            field="cursor"),
    Hostile("query ESC", with_query("artist=%1b%5b31m"), (400,), field="artist"),
    Hostile("query control in a name", with_query("li%0amit=1"), (400,)),
    Hostile("query not UTF-8", with_query("state=%ff%fe"), (400,), field="state"),
    Hostile("query empty time", with_query("to="), (400,), field="to", routes="/api/v1/audit"),
]


def path_cases(path: str) -> list[tuple[str, str, str | None]]:
    """(name, path with a hostile parameter, field it names) for each path parameter."""
    names = re.findall(r"{([^}]+)}", path)
    cases: list[tuple[str, str, str | None]] = []
    for name in names:
        field = name.rstrip("+")
        for label, value, named in [("NUL", "%00", field),
                                    ("CR LF", "a%0d%0aX-Injected:%201", field),
                                    ("traversal", "..%2f..%2fetc%2fpasswd", None),
                                    ("4,000 characters", "a" * 4000, None),
                                    ("not UTF-8", "%ff%fe", None)]:
            cases.append((f"path {field} {label}", path.replace(f"{{{name}}}", value), named))
    return cases


def concrete(path: str, ticket_id: str) -> str:
    return path.replace("{ticket_id}", ticket_id).replace("{proxy+}", "index.html")


def check_hygiene(answer: RawAnswer, where: str) -> list[str]:
    """What must hold for every answer, whatever the request."""
    problems = []
    if answer.status == 0:
        problems.append(f"{where}: no answer (the connection was closed)")
    if answer.status >= 500:
        problems.append(f"{where}: {answer.status} {answer.body[:200]!r}")
    text = answer.body.decode("utf-8", "replace")
    for secret in (ADMIN_KEY, USER_KEY, "Traceback", 'File "/', "sys.set_int_max_str_digits"):
        if secret in text:
            problems.append(f"{where}: the answer shows {secret!r}")
    names = [k.lower() for k, _ in answer.headers]
    if "x-injected" in names or "set-cookie" in names:
        problems.append(f"{where}: the response was split: {answer.headers}")
    if answer.status >= 400:
        if "json" not in (answer.header("Content-Type") or ""):
            problems.append(f"{where}: {answer.status} is not JSON: {answer.body[:200]!r}")
        else:
            try:
                body = answer.json()
                if not isinstance(body, dict) or not ({"error", "message"} & body.keys()):
                    problems.append(f"{where}: error body {body!r} says nothing")
            except ValueError:
                problems.append(f"{where}: error body is not JSON: {answer.body[:200]!r}")
    return problems


def check_expectation(answer: RawAnswer, case: Hostile, where: str) -> list[str]:
    if answer.status not in case.status:
        return [f"{where}: got {answer.status} {answer.body[:300]!r}"]
    if case.field and answer.status >= 400:
        fields = [e.get("field") for e in (answer.json().get("errors") or [])]
        if case.field not in fields:
            return [f"{where}: {answer.status} does not name {case.field!r}: "
                    f"{answer.body[:300]!r}"]
    return []


def world(stack: RunningStack) -> tuple[Any, ...]:
    """What a refused request must not change: every ticket (state, update time) and the
    audit log."""
    tickets = stack.call("GET", "/api/v1/tickets?limit=200").body["tickets"]
    events = stack.call("GET", "/api/v1/audit?limit=200").body["events"]
    return (sorted((t["ticket_id"], t["state"], t["updated_at"]) for t in tickets),
            sorted(e["event_id"] for e in events))


@pytest.fixture(scope="module")
def ticket_id(stack: RunningStack) -> str:
    created = stack.call("POST", "/api/v1/ticket", example_ticket())
    assert created.status == 201, created.text
    ticket = settled_ticket(stack, created.body["ticket_id"])
    settled(stack)
    return str(ticket["ticket_id"])


def test_the_matrix_covers_every_published_route(stack: RunningStack) -> None:
    # A route in the OpenAPI document but not in the app (or the reverse) would escape it.
    assert published_routes(stack) <= app_routes()
    assert len(ROUTES) >= 25


@pytest.mark.parametrize(("method", "path"), ROUTES, ids=[f"{m} {p}" for m, p in ROUTES])
def test_every_hostile_input_is_refused_and_changes_nothing(
        stack: RunningStack, ticket_id: str, method: str, path: str) -> None:
    url = urlsplit(stack.url)
    host, port = url.hostname or "", url.port or 80
    target = concrete(path, ticket_id)
    before = world(stack)
    problems: list[str] = []
    for case in [c for c in [*BODIES, *QUERIES] if path.startswith(c.routes)]:
        where = f"{method} {path} [{case.name}]"
        answer = send_raw(host, port, case.build(method, target))
        problems += check_hygiene(answer, where) or check_expectation(answer, case, where)
    for name, hostile_path, field in path_cases(path):
        where = f"{method} {path} [{name}]"
        body = b"{}" if method == "POST" else b""
        answer = send_raw(host, port, request_bytes(method, hostile_path, _headers(body), body))
        problems += check_hygiene(answer, where)
        problems += check_expectation(answer, Hostile(name, with_body(b""), field=field), where)
    assert world(stack) == before, "a refused request changed tickets or the audit log"
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize(("method", "path"), ROUTES, ids=[f"{m} {p}" for m, p in ROUTES])
def test_header_values_never_split_a_response(stack: RunningStack, ticket_id: str,
                                              method: str, path: str) -> None:
    url = urlsplit(stack.url)
    folded = b"http://a.example\r\n X-Injected: 1\r\n Set-Cookie: session=stolen"
    headers = _headers(b"", [("Origin", folded), ("X-Request-Id", b"id\r\n X-Injected: 2"),
                             ("Referer", "http://a.example/%0d%0aX-Injected:%203"),
                             ("User-Agent", "\x1b[31mred")])
    # No body: POST routes refuse (nothing is created), the others answer as usual.
    answer = send_raw(url.hostname or "", url.port or 80,
                      request_bytes(method, concrete(path, ticket_id), headers))
    assert not check_hygiene(answer, f"{method} {path}"), answer.raw[:600]

