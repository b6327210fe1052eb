"""What the LLM cost, as the audit trail and the metrics record it (pure).

Providers report tokens, not money; the price per million tokens comes from the
configuration ([textbrain.llm] prompt_usd_per_mtok / completion_usd_per_mtok), 0 when not
set, so the cost is an estimate the operator can trust exactly as far as those prices.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from chalicelib.textbrain.llm_port import LlmUsage


@dataclass(frozen=True)
class LlmPrices:
    prompt_usd_per_mtok: float = 0.0
    completion_usd_per_mtok: float = 0.0

    def cost(self, usage: LlmUsage) -> float:
        return (usage.prompt_tokens * self.prompt_usd_per_mtok
                + usage.completion_tokens * self.completion_usd_per_mtok) / 1_000_000


def usage_audit(usage: LlmUsage, prices: LlmPrices) -> dict[str, Any] | None:
    """{"provider", "model", "calls", "prompt_tokens", "completion_tokens", "latency_ms",
    "cost_usd"}, or None when the LLM was not called."""
    if not usage.calls:
        return None
    first = usage.models[0] if usage.models else "unknown/unknown"
    provider, _, model = first.partition("/")
    return {"provider": provider, "model": model, "calls": usage.calls,
            "prompt_tokens": usage.prompt_tokens,
            "completion_tokens": usage.completion_tokens, "latency_ms": usage.latency_ms,
            "cost_usd": round(prices.cost(usage), 6),
            **({"models": list(usage.models)} if len(usage.models) > 1 else {})}
