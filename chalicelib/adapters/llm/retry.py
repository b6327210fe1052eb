"""Retrying a provider call: exponential backoff with full jitter, only for passing failures.

Retried: LlmUnavailable that is retryable (429, 5xx, connection refused/reset). Not retried:
auth failures (a wrong key stays wrong), other 4xx, bad answers, and timeouts - an attempt
that ran into the timeout already spent the caller's patience, and the brain falls back.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TypeVar

from chalicelib.textbrain.llm_port import LlmUnavailable

T = TypeVar("T")


@dataclass(frozen=True)
class RetryPolicy:
    """How many retries after the first attempt, and how long to wait between them."""

    max_retries: int = 2
    base_secs: float = 0.5
    max_secs: float = 8.0
    sleep: Callable[[float], None] = field(default=time.sleep, repr=False)
    rng: random.Random = field(default_factory=random.Random, repr=False)

    def delay(self, retry: int, retry_after: float | None = None) -> float:
        """Seconds to wait before retry number `retry` (1-based); honours Retry-After."""
        ceiling = min(self.max_secs, self.base_secs * (2 ** (retry - 1)))
        wait = self.rng.uniform(0, ceiling)
        if retry_after is not None:
            wait = max(wait, min(retry_after, self.max_secs))
        return wait


def call_with_retries(attempt: Callable[[], T], policy: RetryPolicy) -> tuple[T, int]:
    """`attempt()`'s result and how many attempts it took; the last error if all fail."""
    tries = 0
    while True:
        tries += 1
        try:
            return attempt(), tries
        except LlmUnavailable as error:
            if not error.retryable or tries > policy.max_retries:
                raise
            policy.sleep(policy.delay(tries, error.retry_after))
