"""What the LLM did for one decision, carried on the decision itself for audit and approval.

`BrainDecision` is an `AcquisitionDecision` plus an `llm` trace, so code that only knows
AcquisitionDecision keeps working, while `to_dict` adds an "llm" entry: the mode, tokens
and time spent, the model's per-candidate scores and reasoning, and - after a fallback - the
error that caused it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from chalicelib.textbrain.decision import AcquisitionDecision
from chalicelib.textbrain.llm_judgement import LlmJudgement
from chalicelib.textbrain.llm_port import LlmUsage


@dataclass(frozen=True)
class LlmTrace:
    """The LLM's part in a decision.

    `consulted`: whether the model was asked at all (dumb-first skips it above the
    threshold). `fallback`: the heuristics decided because the model failed; `error` says how
    (never holding secrets: adapter errors are scrubbed). `notes` holds lesser events, e.g. a
    failed file-mapping call whose heuristic mapping was kept.
    """

    mode: str
    consulted: bool
    usage: LlmUsage = field(default_factory=LlmUsage)
    judgement: LlmJudgement | None = None
    fallback: bool = False
    error: str | None = None
    error_kind: str | None = None
    notes: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {
            "mode": self.mode,
            "consulted": self.consulted,
            "usage": self.usage.to_dict(),
            "judgement": self.judgement.to_dict() if self.judgement else None,
            "fallback": self.fallback,
            "error": self.error,
            "error_kind": self.error_kind,
            "notes": list(self.notes),
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> LlmTrace:
        usage = data.get("usage") or {}
        judgement = data.get("judgement")
        return cls(
            mode=str(data["mode"]),
            consulted=bool(data["consulted"]),
            usage=LlmUsage(
                calls=int(usage.get("calls", 0)),
                prompt_tokens=int(usage.get("prompt_tokens", 0)),
                completion_tokens=int(usage.get("completion_tokens", 0)),
                latency_ms=int(usage.get("latency_ms", 0)),
                models=tuple(str(m) for m in usage.get("models", ())),
            ),
            judgement=LlmJudgement.from_dict(judgement) if judgement else None,
            fallback=bool(data.get("fallback", False)),
            error=data.get("error"),
            error_kind=data.get("error_kind"),
            notes=tuple(str(n) for n in data.get("notes", ())),
        )


@dataclass(frozen=True)
class BrainDecision(AcquisitionDecision):
    """An acquisition decision with the trace of the LLM's part in it."""

    llm: LlmTrace | None = None

    def to_dict(self) -> dict[str, Any]:
        data = super().to_dict()
        data["llm"] = self.llm.to_dict() if self.llm else None
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> BrainDecision:
        """Inverse of `to_dict`; also reads a plain AcquisitionDecision's dict (llm None)."""
        base = AcquisitionDecision.from_dict(data)
        trace = data.get("llm")
        return cls(
            candidates=base.candidates,
            recommended_index=base.recommended_index,
            confidence=base.confidence,
            auto_approve=base.auto_approve,
            method=base.method,
            reasoning=base.reasoning,
            threshold=base.threshold,
            file_mapping=base.file_mapping,
            failure_reasons=base.failure_reasons,
            llm=LlmTrace.from_dict(trace) if trace else None,
        )
