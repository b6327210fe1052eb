"""The acquisition decision: which candidate to take, how sure, and whether to auto-approve."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from chalicelib.textbrain.mapping import FileMapping
from chalicelib.textbrain.scoring import ScoredCandidate, rank_key

DEFAULT_THRESHOLD = 0.85
# Below this a candidate is not recommended at all, even for a human to approve.
DEFAULT_MIN_ACCEPTABLE = 0.5
_REASONS_LISTED = 5
# Auto-approval needs the names to match near-exactly and every requested constraint to be
# met: a spin-off's name or a 720p copy for a 1080p ticket may still be what a person wants,
# but a person should say so.
_NAME_COMPONENTS = frozenset({"artist", "album", "title"})
SURE_NAME = 0.85
_CONSTRAINT_COMPONENTS = frozenset({"resolution", "format"})
MET_CONSTRAINT = 0.5
# Below this the release cannot be the wanted one by its size in tracks (a single for an
# album): however well the names match, a person decides.
FITTING_TRACK_COUNT = 0.3


class DecisionMethod(StrEnum):
    """Who made the decision: the heuristics alone, or a language model."""

    DUMB = "dumb"
    LLM = "llm"


@dataclass(frozen=True)
class AcquisitionDecision:
    """Candidates best first with their breakdowns, the pick (if any) and why.

    `recommended_index` points into `candidates`; None means acquisition failed and
    `failure_reasons` says why. `file_mapping` is the recommended candidate's mapping (set
    when its file list was known).
    """

    candidates: tuple[ScoredCandidate, ...]
    recommended_index: int | None
    confidence: float
    auto_approve: bool
    method: DecisionMethod
    reasoning: str
    threshold: float = DEFAULT_THRESHOLD
    file_mapping: FileMapping | None = None
    failure_reasons: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        index = self.recommended_index
        if index is not None and not 0 <= index < len(self.candidates):
            raise ValueError(f"recommended_index {index} is outside the "
                             f"{len(self.candidates)} candidates")
        if self.auto_approve and index is None:
            raise ValueError("auto_approve needs a recommended candidate")

    @property
    def recommended(self) -> ScoredCandidate | None:
        """The recommended candidate, or None when nothing is acceptable."""
        return None if self.recommended_index is None else self.candidates[self.recommended_index]

    @property
    def failed(self) -> bool:
        return self.recommended_index is None

    def to_dict(self) -> dict[str, Any]:
        return {
            "method": self.method.value,
            "recommended_index": self.recommended_index,
            "confidence": self.confidence,
            "auto_approve": self.auto_approve,
            "threshold": self.threshold,
            "reasoning": self.reasoning,
            "failure_reasons": list(self.failure_reasons),
            "file_mapping": self.file_mapping.to_dict() if self.file_mapping else None,
            "candidates": [c.to_dict() for c in self.candidates],
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> AcquisitionDecision:
        """Inverse of `to_dict`; raises ValueError naming a missing or bad field."""
        try:
            mapping = data.get("file_mapping")
            index = data["recommended_index"]
            return cls(
                candidates=tuple(ScoredCandidate.from_dict(c) for c in data["candidates"]),
                recommended_index=None if index is None else int(index),
                confidence=float(data["confidence"]),
                auto_approve=bool(data["auto_approve"]),
                method=DecisionMethod(data["method"]),
                reasoning=str(data["reasoning"]),
                threshold=float(data.get("threshold", DEFAULT_THRESHOLD)),
                file_mapping=FileMapping.from_dict(mapping) if mapping else None,
                failure_reasons=tuple(str(r) for r in data.get("failure_reasons", ())),
            )
        except KeyError as missing:
            raise ValueError(f"decision field {missing} is missing") from missing


def decide(
    scored: Sequence[ScoredCandidate],
    threshold: float = DEFAULT_THRESHOLD,
    *,
    min_acceptable: float = DEFAULT_MIN_ACCEPTABLE,
) -> AcquisitionDecision:
    """The heuristic decision over scored candidates.

    The best accepted candidate is recommended when it scores at least `min_acceptable`;
    it auto-approves when it scores at least `threshold`, carries no red flag and (when its
    files are known) every requested item maps to a file.
    """
    for name, value in (("threshold", threshold), ("min_acceptable", min_acceptable)):
        if not 0.0 <= value <= 1.0:
            raise ValueError(f"{name} must lie in 0..1, got {value}")
    ordered = tuple(sorted(scored, key=rank_key))
    acceptable = [s for s in ordered if not s.rejected and s.total >= min_acceptable]
    if not acceptable:
        reasons = _failure_reasons(ordered, min_acceptable)
        return AcquisitionDecision(
            candidates=ordered, recommended_index=None, confidence=0.0, auto_approve=False,
            method=DecisionMethod.DUMB, threshold=threshold, failure_reasons=reasons,
            reasoning="No acceptable candidate: " + "; ".join(reasons),
        )
    best = acceptable[0]
    blockers = []
    if best.total < threshold:
        blockers.append(f"score {best.total:.2f} is below the threshold {threshold:.2f}")
    if best.flagged:
        blockers.append(f"red flags: {', '.join(best.red_flags)}")
    if best.mapping is not None and not best.mapping.complete:
        blockers.append(f"{len(best.mapping.unmapped)} requested item(s) without a file")
    blockers += _unsure_parts(best)
    return AcquisitionDecision(
        candidates=ordered, recommended_index=ordered.index(best), confidence=best.total,
        auto_approve=not blockers, method=DecisionMethod.DUMB, threshold=threshold,
        file_mapping=best.mapping, reasoning=_reasoning(best, acceptable, blockers, threshold),
    )


def _unsure_parts(best: ScoredCandidate) -> list[str]:
    """Why the best candidate's name or constraints are not sure enough to approve alone."""
    unsure = []
    for part in best.components:
        if part.name in _NAME_COMPONENTS and part.value < SURE_NAME:
            unsure.append(f"{part.name} is not a sure match ({part.reason})")
        elif part.name in _CONSTRAINT_COMPONENTS and part.value < MET_CONSTRAINT:
            unsure.append(f"{part.name} misses the request ({part.reason})")
        elif part.name == "track_count" and part.value < FITTING_TRACK_COUNT:
            unsure.append(f"the track count does not fit ({part.reason})")
    return unsure


def _reasoning(
    best: ScoredCandidate, acceptable: Sequence[ScoredCandidate], blockers: Sequence[str],
    threshold: float,
) -> str:
    strongest = sorted(best.components, key=lambda c: -c.weight)[:3]
    lines = [f"Recommended '{best.candidate.title}' ({best.scope}, score {best.total:.2f}): "
             + "; ".join(c.reason for c in strongest) + "."]
    if len(acceptable) > 1:
        runner = acceptable[1]
        close = " (close call)" if best.total - runner.total < 0.02 else ""
        lines.append(f"Runner-up '{runner.candidate.title}' at {runner.total:.2f}{close}.")
    if blockers:
        lines.append("Needs approval: " + "; ".join(blockers) + ".")
    else:
        lines.append(f"Auto-approved: score {best.total:.2f} >= {threshold:.2f}, no red flags.")
    return " ".join(lines)


def _failure_reasons(ordered: Sequence[ScoredCandidate], minimum: float) -> tuple[str, ...]:
    if not ordered:
        return ("no candidates were found",)
    reasons = []
    for s in ordered[:_REASONS_LISTED]:
        why = ("; ".join(r.reason for r in s.rejections) if s.rejected
               else f"score {s.total:.2f} is below the minimum {minimum:.2f}")
        reasons.append(f"'{s.candidate.title}': {why}")
    if len(ordered) > _REASONS_LISTED:
        reasons.append(f"and {len(ordered) - _REASONS_LISTED} more candidates")
    return tuple(reasons)
