"""X-Ray tracing through Powertools' Tracer, on in Lambda only.

The Tracer patches botocore, requests and httpx when it is enabled, so every call to
DynamoDB, SQS, Step Functions, the Torznab indexers and the LLM providers becomes a
subsegment of the handler's `## name` subsegment. Outside Lambda (tests, the local stack)
Powertools disables it and `traced` costs nothing.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from functools import cache
from typing import Any

SERVICE = "quentin-torrentino"


@cache
def tracer() -> Any:
    """The process's one Tracer (created on first use: importing X-Ray is not free)."""
    from aws_lambda_powertools import Tracer

    return Tracer(service=SERVICE)


def tracing_enabled() -> bool:
    from aws_lambda_powertools import Tracer

    return not Tracer._is_tracer_disabled()


@contextlib.contextmanager
def traced(name: str, **annotations: str) -> Iterator[None]:
    """A `## name` subsegment around the block, with searchable annotations."""
    if not tracing_enabled():
        yield
        return
    with tracer().provider.in_subsegment(f"## {name}") as subsegment:
        for key, value in annotations.items():
            subsegment.put_annotation(key, value)
        yield
