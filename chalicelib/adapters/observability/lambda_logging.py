"""Lambda's logs: Powertools' JSON formatter on the root logger, with the request id and
the ticket id as correlation id.

Every module logs through the standard `logging` module with `extra={"ticket_id": ...}`;
here the root handler is given Powertools' formatter (so those fields, the function's
request id and cold start are in each JSON line) and a filter that copies `ticket_id` to
`correlation_id`, so one ticket's lines can be found across functions.
"""

from __future__ import annotations

import logging
import sys
from functools import cache
from typing import Any

from aws_lambda_powertools.logging.formatter import LambdaPowertoolsFormatter

from chalicelib.adapters.observability.tracing import SERVICE


class TicketCorrelation(logging.Filter):
    """`correlation_id` is the record's ticket id when it has one."""

    def filter(self, record: logging.LogRecord) -> bool:
        ticket_id = getattr(record, "ticket_id", None)
        if ticket_id and not getattr(record, "correlation_id", None):
            record.correlation_id = ticket_id
        return True


@cache
def formatter() -> LambdaPowertoolsFormatter:
    return LambdaPowertoolsFormatter(service=SERVICE, use_rfc3339=True)


def configure_lambda_logging(level: int = logging.INFO, stream: Any = None) -> None:
    """JSON lines on stdout through Powertools' formatter (idempotent)."""
    root = logging.getLogger()
    if any(h.formatter is formatter() for h in root.handlers):
        return
    handler = logging.StreamHandler(stream or sys.stdout)
    handler.setFormatter(formatter())
    handler.addFilter(TicketCorrelation())
    root.handlers = [handler]
    root.setLevel(level)
    for noisy in ("botocore", "boto3", "urllib3", "pynamodb", "aws_lambda_powertools"):
        logging.getLogger(noisy).setLevel(logging.WARNING)


def begin_invocation(request_id: str | None, cold_start: bool) -> None:
    """Keys of every line until the next invocation: the request id and cold start."""
    formatter().append_keys(request_id=request_id, cold_start=cold_start)
