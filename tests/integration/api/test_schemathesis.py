"""schemathesis against the real local stack: the published schema and the API agree.

The same engine as `schemathesis run` drives the examples, coverage, fuzzing and stateful
phases over HTTP against `/api/v1/openapi.json` as the stack serves it, with every built-in
check (schema-invalid data refused, schema-valid data accepted, answers as declared,
undeclared methods refused). Generation is deterministic from a fixed seed, so a failure
reproduces on every run; the example counts are bounded to keep the run short.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from schemathesis import Case, Response
from schemathesis.config import SchemathesisConfig
from schemathesis.config._checks import NEGATIVE_DATA_REJECTION_EXPECTED_STATUSES
from schemathesis.core.failures import Failure
from schemathesis.engine import Status, from_schema
from schemathesis.engine.events import EngineFinished, FatalError, NonFatalError, ScenarioFinished
from schemathesis.hooks import HookContext
from schemathesis.openapi import from_url
from schemathesis.openapi.checks import RejectedPositiveData

from tests.support.local_stack import (
    ADMIN_KEY,
    API_KEYS_AUTH,
    RunningStack,
    free_port,
    start_stack,
    write_config,
)

SEED = 20261129
# Bounded so the run stays near a minute: the coverage phase alone sends ~1,600 requests
# (every keyword of every schema, each way to break it), whatever the example counts.
MAX_EXAMPLES = 5  # fuzzing, per operation
STATEFUL_EXAMPLES = 10  # sequences of calls that follow the links
STATEFUL_STEPS = 6
# Each is tried on every route (26); these three cover "no such method" (TRACE, the new
# QUERY) and a real method the route does not declare (PATCH).
UNEXPECTED_METHODS = ["TRACE", "QUERY", "PATCH"]
# One worker: with several, hypothesis describing lambdas from threads at once failed
# ("AST constructor recursion depth mismatch"), and the order of requests would vary.
WORKERS = 1


@dataclass
class Findings:
    failures: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    scenarios: dict[str, int] = field(default_factory=dict)  # phase -> scenarios run
    seconds: dict[str, float] = field(default_factory=dict)  # phase and operation -> time
    requests: dict[str, int] = field(default_factory=dict)  # phase and operation -> cases
    linked: list[str] = field(default_factory=list)  # operations reached through a link


# The ignored-auth check sends bad keys on purpose; this stack must not slow the address down
# for it (429), which it does by default after five failures.
NO_SLOWDOWN = API_KEYS_AUTH.replace('method = "api_key"', 'method = "api_key"\nslowdown_secs = 0')
# The rules JSON Schema cannot state. A schema-valid request refused for one of these (and
# only these) is the documented behaviour, not drift: a cursor is opaque (a well-formed
# token the service did not issue is refused), ids and dest paths must be unique within a
# ticket (the schema cannot compare array items by one of their fields), and an audit range
# must not end before it starts (nor compare two parameters).
# Body-wide rules (chalicelib/api/request_text.py, stated in the document's description)
# reach into fields the schema leaves open (a copied ticket's server-owned `history`).
INEXPRESSIBLE = ("is not a valid cursor", "duplicates the dest_path of", "duplicate item id",
                 "must not be after 'to'", "key must not contain control characters",
                 "must not contain NUL characters", "is not valid Unicode (an unpaired")


@pytest.fixture(scope="module")
def own_stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningStack]:
    """A stack of its own: the generated tickets must not disturb other tests' counts."""
    directory: Path = tmp_path_factory.mktemp("schemathesis")
    port = free_port()
    running = start_stack(write_config(directory, port, auth=NO_SLOWDOWN), port)
    try:
        yield running
    finally:
        running.stop()


def _only_inexpressible(errors: list[dict[str, Any]]) -> bool:
    return bool(errors) and all(any(m in str(e.get("message", "")) for m in INEXPRESSIBLE)
                                for e in errors)


def keep_failure(context: HookContext, failure: Failure, case: Case[Any], response: Response
                 ) -> bool:
    if not isinstance(failure, RejectedPositiveData) or response.status_code != 400:
        return True
    try:
        errors = json.loads(response.content).get("errors") or []
    except ValueError:
        return True
    return not _only_inexpressible(errors)


def run_schemathesis(stack: RunningStack) -> Findings:
    config = SchemathesisConfig.from_dict({
        "seed": SEED,
        "cache": {"enabled": False},  # state from earlier runs would make runs differ
        "base-url": stack.url,
        "headers": {"X-API-Key": ADMIN_KEY},
        "workers": WORKERS,
        "generation": {"max-examples": MAX_EXAMPLES, "deterministic": True,
                       "database": "none"},
        "phases": {"examples": {"enabled": True},
                   "coverage": {"enabled": True, "unexpected-methods": UNEXPECTED_METHODS},
                   # Error feedback reads `errors[].field` of 400 answers as property names;
                   # ours says "body" for the body as a whole, which it would then send.
                   "fuzzing": {"enabled": True, "error-feedback": {"enabled": False}},
                   "stateful": {"enabled": True, "max-steps": STATEFUL_STEPS,
                                "generation": {"max-examples": STATEFUL_EXAMPLES}}},
        "checks": {
            # DELETE /ticket/{id} cancels: the ticket stays readable (state `cancelled`) for
            # its owner and the audit trail, so "gone after DELETE" does not apply.
            "use_after_free": {"enabled": False},
            # A body over [server] max_body_bytes is refused before it is parsed: 413.
            "negative_data_rejection": {"expected-statuses": [
                *NEGATIVE_DATA_REJECTION_EXPECTED_STATUSES, "413"]},
        },
    })
    schema = from_url(f"{stack.url}/api/v1/openapi.json", config=config)
    schema.hooks.register_hook_with_name(keep_failure, "filter_failure")
    found = Findings()
    for event in from_schema(schema).execute():
        if isinstance(event, ScenarioFinished):
            phase = event.phase.value
            found.seconds[f"{phase} {event.label}"] = (
                found.seconds.get(f"{phase} {event.label}", 0.0) + event.elapsed_time)
            label = f"{phase} {event.label}"
            found.requests[label] = found.requests.get(label, 0) + len(event.recorder.cases)
            found.linked += [node.value.operation.label for node in event.recorder.cases.values()
                             if node.transition is not None]
            found.scenarios[phase] = found.scenarios.get(phase, 0) + 1
            for case_id, nodes in event.recorder.checks.items():
                for node in nodes:
                    if node.status is Status.FAILURE and node.failure_info is not None:
                        info = node.failure_info
                        answer = event.recorder.find_response(case_id=case_id)
                        said = answer.content[:400].decode(errors="replace") if answer else ""
                        found.failures.append(f"[{phase}] {info.failure.operation}: "
                                              f"{info.failure.title}: {info.failure.message}"
                                              f"\n{info.code_sample}\nanswer: {said}")
        elif isinstance(event, NonFatalError):
            found.errors.append(f"NonFatalError: {event.info.format()}")
        elif isinstance(event, FatalError):
            found.errors.append(f"FatalError: {event.exception!r}")
        elif isinstance(event, EngineFinished):
            break
    return found


def test_the_api_conforms_to_its_published_schema(own_stack: RunningStack) -> None:
    started = time.monotonic()
    found = run_schemathesis(own_stack)
    elapsed = time.monotonic() - started
    distinct = sorted(set(found.failures))
    report = "\n\n".join(distinct + found.errors)
    sent: dict[str, int] = {}
    for label, count in found.requests.items():
        sent[label.split(" ")[0]] = sent.get(label.split(" ")[0], 0) + count
    print(f"schemathesis: requests per phase {sent} in {elapsed:.0f}s, "
          f"{len(distinct)} distinct failures")
    assert not distinct and not found.errors, report
    # Every phase ran (a phase silently skipped would make the zero above meaningless), and
    # the stateful phase followed the links from a created ticket to the ticket routes.
    assert {"examples", "coverage", "fuzzing", "stateful"} <= set(found.scenarios), found.scenarios
    assert any(label.split(" ")[1].startswith("/api/v1/ticket/{ticket_id}")
               for label in found.linked), found.linked
