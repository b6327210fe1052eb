"""Combining the model's rescoring with the heuristic scores into one explainable judgement.

    combined = llm_weight * llm_score + (1 - llm_weight) * heuristic_total

A candidate the model did not score gets llm_score 0: the model was asked about every offered
candidate, and silence is not a vote of confidence. The model's `chosen_index` picks the
recommendation (that is what it is asked for); the confidence is that candidate's combined
score, so a pick the heuristics disagree with comes out less sure and goes to a human.
Whatever the model says, a red-flagged or hard-rejected candidate is never auto-approved.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from chalicelib.domain.candidate import TorrentFile
from chalicelib.textbrain.llm_tasks import LlmRescore, RescoreEntry
from chalicelib.textbrain.scoring import ScoredCandidate

DEFAULT_TOP_N = 5
DEFAULT_LLM_WEIGHT = 0.6


@dataclass(frozen=True)
class JudgedCandidate:
    """One offered candidate's three scores, by its position in the ranked list."""

    rank: int
    title: str
    heuristic: float
    llm: float | None
    combined: float
    reason: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "rank": self.rank,
            "title": self.title,
            "heuristic": round(self.heuristic, 4),
            "llm": None if self.llm is None else round(self.llm, 4),
            "combined": round(self.combined, 4),
            "reason": self.reason,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> JudgedCandidate:
        llm = data.get("llm")
        return cls(
            int(data["rank"]),
            str(data["title"]),
            float(data["heuristic"]),
            None if llm is None else float(llm),
            float(data["combined"]),
            str(data["reason"]),
        )


@dataclass(frozen=True)
class LlmJudgement:
    """The model-assisted verdict: scores per offered candidate, the pick and its confidence.

    `chosen_rank` indexes the ranked (heuristic) list, None when the model found nothing
    acceptable. `blocked` says why auto-approval is refused whatever the score, if it is.
    """

    judged: tuple[JudgedCandidate, ...]
    chosen_rank: int | None
    confidence: float
    reasoning: str
    llm_weight: float
    blocked: str | None = None

    def explain(self) -> str:
        """A few lines a person can read: the pick, then each candidate's three scores."""
        pick = "none" if self.chosen_rank is None else f"#{self.chosen_rank}"
        lines = [
            f"LLM pick {pick}, confidence {self.confidence:.2f} "
            f"(= {self.llm_weight:g} x LLM + {1 - self.llm_weight:g} x heuristic)"
        ]
        if self.blocked:
            lines.append(f"  ! not auto-approvable: {self.blocked}")
        for j in self.judged:
            llm = "  - " if j.llm is None else f"{j.llm:4.2f}"
            lines.append(
                f"  #{j.rank} {j.combined:4.2f} (llm {llm}, heuristic {j.heuristic:4.2f}) "
                f"{j.title}: {j.reason}"
            )
        lines.append(f"  reasoning: {self.reasoning}")
        return "\n".join(lines)

    def to_dict(self) -> dict[str, Any]:
        return {
            "judged": [j.to_dict() for j in self.judged],
            "chosen_rank": self.chosen_rank,
            "confidence": round(self.confidence, 4),
            "reasoning": self.reasoning,
            "llm_weight": self.llm_weight,
            "blocked": self.blocked,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> LlmJudgement:
        chosen = data.get("chosen_rank")
        return cls(
            judged=tuple(JudgedCandidate.from_dict(j) for j in data.get("judged", ())),
            chosen_rank=None if chosen is None else int(chosen),
            confidence=float(data["confidence"]),
            reasoning=str(data.get("reasoning", "")),
            llm_weight=float(data["llm_weight"]),
            blocked=data.get("blocked"),
        )


def offered_ranks(scored: Sequence[ScoredCandidate], top_n: int = DEFAULT_TOP_N) -> list[int]:
    """Which ranked candidates to show the model: the best `top_n` not rejected.

    When every candidate was rejected, the best rejected ones are shown instead, so the model
    can still point a human at the least bad one (it will not be auto-approved).
    """
    accepted = [i for i, s in enumerate(scored) if not s.rejected]
    chosen = accepted if accepted else list(range(len(scored)))
    return chosen[:top_n]


def rescore_entries(
    scored: Sequence[ScoredCandidate],
    ranks: Sequence[int],
    files_by_hash: Mapping[str, Sequence[TorrentFile]] | None = None,
) -> list[RescoreEntry]:
    """The offered candidates as the rescore prompt shows them, with their flags and reasons."""
    lists = {k.lower(): v for k, v in (files_by_hash or {}).items()}
    entries = []
    for rank in ranks:
        s = scored[rank]
        notes = [f"red flag: {flag}" for flag in s.red_flags]
        notes += [f"rejected: {r.reason}" for r in s.rejections]
        notes += [f"{c.name} {c.value:.2f}: {c.reason}" for c in s.components]
        files = tuple(lists.get((s.candidate.info_hash or "").lower(), ()))
        entries.append(RescoreEntry(s.candidate, s.total, tuple(notes), files))
    return entries


def not_auto_approvable(scored: ScoredCandidate) -> str | None:
    """Why this candidate may never be auto-approved, or None."""
    if scored.rejected:
        return "rejected: " + "; ".join(r.reason for r in scored.rejections)
    if scored.flagged:
        return "red flags: " + ", ".join(scored.red_flags)
    return None


def judge(
    scored: Sequence[ScoredCandidate],
    ranks: Sequence[int],
    rescore: LlmRescore,
    llm_weight: float = DEFAULT_LLM_WEIGHT,
) -> LlmJudgement:
    """Combine the model's `rescore` of the offered `ranks` with the heuristic totals."""
    if not 0.0 <= llm_weight <= 1.0:
        raise ValueError(f"llm_weight must be within 0..1, got {llm_weight}")
    judged = []
    for offered, rank in enumerate(ranks):
        s = scored[rank]
        verdict = rescore.scores.get(offered)
        llm = verdict.score if verdict else None
        combined = llm_weight * (llm or 0.0) + (1 - llm_weight) * s.total
        reason = verdict.reason if verdict else "not scored by the LLM"
        judged.append(JudgedCandidate(rank, s.candidate.title, s.total, llm, combined, reason))
    if rescore.chosen_index is None:
        return LlmJudgement(tuple(judged), None, 0.0, rescore.reasoning, llm_weight,
                            "the LLM found no acceptable candidate")
    pick = judged[rescore.chosen_index]
    return LlmJudgement(
        judged=tuple(judged),
        chosen_rank=pick.rank,
        confidence=pick.combined,
        reasoning=rescore.reasoning,
        llm_weight=llm_weight,
        blocked=not_auto_approvable(scored[pick.rank]),
    )
