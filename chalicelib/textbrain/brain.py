"""TextBrain: heuristics and an optional language model, combined by one of four modes.

    dumb-only   heuristics alone; the LLM is never called.
    dumb-first  heuristics; the LLM is asked only when their confidence is below the
                threshold. A failing LLM leaves the heuristic decision, with the error noted.
    llm-first   the LLM adds queries and rescores the best candidates; on any LLM error,
                timeout or bad answer the heuristics decide and the decision says so.
    llm-only    the LLM must take part: its failure is an `LlmRequired` error.

Every decision is a `BrainDecision`: `method` says who decided, `llm` carries the model's
scores, reasoning and token counts. Red-flagged candidates are never auto-approved.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum

from chalicelib.domain.candidate import SearchQuery, TorrentCandidate, TorrentFile
from chalicelib.domain.errors import FieldError, ValidationError
from chalicelib.domain.request import TicketRequest
from chalicelib.textbrain.decision import DEFAULT_THRESHOLD, AcquisitionDecision, DecisionMethod
from chalicelib.textbrain.decision import decide as heuristic_decision
from chalicelib.textbrain.llm_judgement import (
    DEFAULT_LLM_WEIGHT,
    DEFAULT_TOP_N,
    LlmJudgement,
    judge,
    offered_ranks,
    rescore_entries,
)
from chalicelib.textbrain.llm_port import LlmAnswer, LlmClient, LlmError, LlmUsage
from chalicelib.textbrain.llm_tasks import (
    LlmFileAssignment,
    LlmPrompt,
    file_mapping_prompt,
    parse_file_mapping,
    parse_query_variations,
    parse_rescore,
    query_variations_prompt,
    rescore_prompt,
)
from chalicelib.textbrain.llm_trace import BrainDecision, LlmTrace
from chalicelib.textbrain.mapping import FileMapping, MappedItem, UnmappedItem
from chalicelib.textbrain.preferences import RankingPreferences
from chalicelib.textbrain.queries import build_queries
from chalicelib.textbrain.scoring import DumbMatcher, ScoredCandidate

# A file the model assigned counts as this sure: the model's word, not checked by the
# file-name heuristics. Below typical heuristic matches, so such a mapping alone rarely
# lifts a decision over the threshold.
LLM_MAPPED_CONFIDENCE = 0.75

FilesByHash = Mapping[str, Sequence[TorrentFile]]


class BrainMode(StrEnum):
    """How TextBrain uses the LLM."""

    DUMB_ONLY = "dumb-only"
    DUMB_FIRST = "dumb-first"
    LLM_FIRST = "llm-first"
    LLM_ONLY = "llm-only"

    @property
    def uses_llm(self) -> bool:
        return self is not BrainMode.DUMB_ONLY


class LlmRequired(LlmError):
    """llm-only mode, and the LLM could not take part; the cause is chained and named."""

    def __init__(self, cause: LlmError, during: str) -> None:
        super().__init__(
            cause.provider,
            f"mode llm-only cannot {during} without the LLM: {_describe(cause)}",
            retryable=cause.retryable,
        )
        self.cause = cause


@dataclass(frozen=True)
class QueryPlan:
    """The queries to send, how many came from the LLM, and what that cost."""

    queries: tuple[SearchQuery, ...]
    llm_variations: int = 0
    usage: LlmUsage = field(default_factory=LlmUsage)
    llm_error: str | None = None


class TextBrain:
    """Decides what to search for and which candidate to take, in one of four modes."""

    def __init__(
        self,
        mode: BrainMode | str,
        llm: LlmClient | None = None,
        auto_approve_threshold: float = DEFAULT_THRESHOLD,
        *,
        rescore_top_n: int = DEFAULT_TOP_N,
        llm_weight: float = DEFAULT_LLM_WEIGHT,
        preferences: RankingPreferences | None = None,
    ) -> None:
        errors = []
        try:
            self.mode = BrainMode(mode)
        except ValueError:
            known = ", ".join(m.value for m in BrainMode)
            raise ValidationError(
                FieldError("textbrain.mode", f"unknown mode {mode!r}; use one of {known}")
            ) from None
        if self.mode.uses_llm and llm is None:
            errors.append(FieldError("textbrain.llm", f"mode {self.mode} needs an LLM client"))
        if not 0.0 <= auto_approve_threshold <= 1.0:
            errors.append(FieldError("textbrain.auto_approve_threshold", "must lie in 0..1"))
        if rescore_top_n < 1:
            errors.append(FieldError("textbrain.rescore_top_n", "must be at least 1"))
        if not 0.0 <= llm_weight <= 1.0:
            errors.append(FieldError("textbrain.llm_weight", "must lie in 0..1"))
        if errors:
            raise ValidationError(errors)
        self.llm = llm
        self.threshold = auto_approve_threshold
        self.top_n = rescore_top_n
        self.llm_weight = llm_weight
        self.preferences = preferences or RankingPreferences()
        self._matcher = DumbMatcher(preferences=self.preferences)

    # --- queries ---------------------------------------------------------------------------

    def queries(self, request: TicketRequest) -> list[SearchQuery]:
        """Heuristic queries, plus the LLM's variations in the llm-first/llm-only modes."""
        return list(self.plan_queries(request).queries)

    def plan_queries(self, request: TicketRequest) -> QueryPlan:
        """`queries` with the LLM's cost and error, for the audit trail.

        dumb-first does not ask here: it has no heuristic confidence before searching.
        """
        base = build_queries(request)
        if self.mode not in (BrainMode.LLM_FIRST, BrainMode.LLM_ONLY):
            return QueryPlan(tuple(base))
        prompt = query_variations_prompt(request, base)
        try:
            answer = self._ask(prompt)
            extra = parse_query_variations(answer, base)
        except LlmError as error:
            if self.mode is BrainMode.LLM_ONLY:
                raise LlmRequired(error, "plan queries") from error
            return QueryPlan(tuple(base), llm_error=_describe(error))
        return QueryPlan(tuple(base + extra), len(extra), LlmUsage().plus(answer))

    # --- decisions -------------------------------------------------------------------------

    def rank(
        self,
        request: TicketRequest,
        candidates: Iterable[TorrentCandidate],
        files_by_hash: FilesByHash | None = None,
    ) -> list[ScoredCandidate]:
        """The heuristic ranking with this brain's preferences, best first."""
        return self._matcher.rank(request, candidates, files_by_hash)

    def decide(
        self,
        request: TicketRequest,
        candidates: Iterable[TorrentCandidate],
        files_by_hash: FilesByHash | None = None,
    ) -> BrainDecision:
        """Rank `candidates` and decide, asking the LLM as the mode says.

        `files_by_hash` holds torrent file lists by info hash where known.
        Raises LlmRequired in llm-only mode when the LLM fails.
        """
        scored = self.rank(request, candidates, files_by_hash)
        heuristic = heuristic_decision(scored, self.threshold)
        mode = self.mode
        if mode is BrainMode.DUMB_ONLY:
            return _with_trace(heuristic, None)
        if not heuristic.candidates:
            return _with_trace(heuristic, LlmTrace(mode.value, consulted=False))
        if mode is BrainMode.DUMB_FIRST and heuristic.confidence >= self.threshold:
            note = f"heuristic confidence {heuristic.confidence:.2f} >= {self.threshold:.2f}"
            return _with_trace(heuristic, LlmTrace(mode.value, consulted=False, notes=(note,)))
        try:
            return self._llm_decision(request, heuristic, files_by_hash or {})
        except LlmError as error:
            if mode is BrainMode.LLM_ONLY:
                raise LlmRequired(error, "decide") from error
            return _fallback(heuristic, mode, error)

    def _ask(self, prompt: LlmPrompt) -> LlmAnswer:
        assert self.llm is not None  # the constructor refuses LLM modes without a client
        return self.llm.complete_json(
            prompt.system, prompt.prompt, prompt.schema, max_tokens=prompt.max_tokens
        )

    def _llm_decision(
        self, request: TicketRequest, heuristic: AcquisitionDecision, files_by_hash: FilesByHash
    ) -> BrainDecision:
        ranked = heuristic.candidates
        ranks = offered_ranks(ranked, self.top_n)
        answer = self._ask(rescore_prompt(request, rescore_entries(ranked, ranks, files_by_hash)))
        usage = LlmUsage().plus(answer)
        judgement = judge(ranked, ranks, parse_rescore(answer, len(ranks)), self.llm_weight)
        notes: list[str] = []
        mapping: FileMapping | None = None
        if judgement.chosen_rank is not None:
            chosen = ranked[judgement.chosen_rank]
            mapping, usage, note = self._complete_mapping(request, chosen, files_by_hash, usage)
            notes += [note] if note else []
        trace = LlmTrace(self.mode.value, True, usage, judgement, notes=tuple(notes))
        return _llm_verdict(heuristic, judgement, mapping, trace)

    def _complete_mapping(
        self,
        request: TicketRequest,
        chosen: ScoredCandidate,
        files_by_hash: FilesByHash,
        usage: LlmUsage,
    ) -> tuple[FileMapping | None, LlmUsage, str | None]:
        """The chosen candidate's mapping, with the LLM filling items the heuristics missed."""
        mapping = chosen.mapping
        lists = {k.lower(): v for k, v in files_by_hash.items()}
        files = lists.get((chosen.candidate.info_hash or "").lower())
        if not files or mapping is None or mapping.complete:
            return mapping, usage, None
        try:
            answer = self._ask(file_mapping_prompt(request, chosen.candidate, files))
            assignments = parse_file_mapping(answer, request, files)
        except LlmError as error:
            if self.mode is BrainMode.LLM_ONLY:
                raise
            note = f"LLM file mapping failed, heuristic mapping kept: {_describe(error)}"
            return mapping, usage, note
        return _merge_mapping(mapping, assignments), usage.plus(answer), None


def _merge_mapping(
    mapping: FileMapping, assignments: Sequence[LlmFileAssignment]
) -> FileMapping:
    """`mapping` with its unmapped items filled from the LLM's assignments where it found one."""
    taken = {m.file_index for m in mapping.mapped}
    by_item = {a.item_id: a for a in assignments}
    mapped = list(mapping.mapped)
    unmapped: list[UnmappedItem] = []
    for missing in mapping.unmapped:
        found = by_item.get(missing.item_id)
        if found is None or found.file_index is None or found.path is None:
            unmapped.append(missing)
        elif found.file_index in taken:
            unmapped.append(UnmappedItem(missing.item_id, f"{missing.reason}; the LLM chose "
                                         f"file {found.file_index}, already used"))
        else:
            taken.add(found.file_index)
            mapped.append(MappedItem(missing.item_id, found.path, found.file_index,
                                     LLM_MAPPED_CONFIDENCE, f"LLM: {found.reason}".strip()))
    filled = len(mapped) - len(mapping.mapped)
    notes = (*mapping.notes, f"{filled} item(s) the heuristics missed were mapped by the LLM")
    return FileMapping(tuple(mapped), tuple(unmapped), mapping.folder,
                       notes if filled else mapping.notes)


def _llm_verdict(
    heuristic: AcquisitionDecision,
    judgement: LlmJudgement,
    mapping: FileMapping | None,
    trace: LlmTrace,
) -> BrainDecision:
    """The decision the LLM's judgement makes, gated by red flags and file coverage."""
    blockers = [judgement.blocked] if judgement.blocked else []
    if judgement.chosen_rank is None:
        reasoning = f"LLM: no acceptable candidate. {judgement.reasoning}".strip()
        return BrainDecision(
            candidates=heuristic.candidates, recommended_index=None, confidence=0.0,
            auto_approve=False, method=DecisionMethod.LLM, reasoning=reasoning,
            threshold=heuristic.threshold, failure_reasons=(reasoning,), llm=trace,
        )
    if judgement.confidence < heuristic.threshold:
        blockers.append(f"confidence {judgement.confidence:.2f} is below the threshold "
                        f"{heuristic.threshold:.2f}")
    if mapping is not None and not mapping.complete:
        blockers.append(f"{len(mapping.unmapped)} requested item(s) without a file")
    chosen = heuristic.candidates[judgement.chosen_rank]
    verdict = ("Needs approval: " + "; ".join(blockers) + ".") if blockers else "Auto-approved."
    reasoning = (
        f"LLM recommended '{chosen.candidate.title}' (confidence {judgement.confidence:.2f} = "
        f"{judgement.llm_weight:g} x LLM + {1 - judgement.llm_weight:g} x heuristic): "
        f"{judgement.reasoning} {verdict}"
    )
    return BrainDecision(
        candidates=heuristic.candidates, recommended_index=judgement.chosen_rank,
        confidence=judgement.confidence, auto_approve=not blockers, method=DecisionMethod.LLM,
        reasoning=reasoning, threshold=heuristic.threshold, file_mapping=mapping, llm=trace,
    )


def _fallback(heuristic: AcquisitionDecision, mode: BrainMode, error: LlmError) -> BrainDecision:
    described = _describe(error)
    trace = LlmTrace(mode.value, consulted=True, fallback=True, error=described,
                     error_kind=type(error).__name__)
    note = f"LLM failed ({described}); the heuristics decided. "
    return _with_trace(heuristic, trace, reasoning=note + heuristic.reasoning)


def _describe(error: LlmError) -> str:
    return f"{type(error).__name__} from {error.provider}: {error.reason}"


def _with_trace(
    decision: AcquisitionDecision, trace: LlmTrace | None, *, reasoning: str | None = None
) -> BrainDecision:
    return BrainDecision(
        candidates=decision.candidates,
        recommended_index=decision.recommended_index,
        confidence=decision.confidence,
        auto_approve=decision.auto_approve,
        method=decision.method,
        reasoning=decision.reasoning if reasoning is None else reasoning,
        threshold=decision.threshold,
        file_mapping=decision.file_mapping,
        failure_reasons=decision.failure_reasons,
        llm=trace,
    )
