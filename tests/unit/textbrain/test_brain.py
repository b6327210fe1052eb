"""TextBrain's four modes, with the real heuristics and a scripted fake LlmClient."""

from __future__ import annotations

import json
from typing import Any

import pytest

from chalicelib.domain.errors import ValidationError
from chalicelib.textbrain.brain import BrainMode, LlmRequired, TextBrain
from chalicelib.textbrain.decision import DecisionMethod
from chalicelib.textbrain.llm_port import (
    LlmAnswer,
    LlmBadAnswer,
    LlmError,
    LlmTimeout,
    LlmUnavailable,
)
from chalicelib.textbrain.llm_tasks import LlmTask
from chalicelib.textbrain.llm_trace import BrainDecision

from .builders import album_files, album_request, candidate, files


class FakeLlm:
    """An LlmClient that answers from a script: one dict (or error) per call, in order."""

    provider = "fake"
    model = "fake-1"

    def __init__(self, *script: dict[str, Any] | LlmError) -> None:
        self.script = list(script)
        self.calls: list[dict[str, Any]] = []

    def complete_json(
        self, system: str, prompt: str, schema: dict[str, Any], *, max_tokens: int
    ) -> LlmAnswer:
        self.calls.append({"system": system, "prompt": prompt, "schema": schema})
        if not self.script:
            raise AssertionError("the LLM was called more often than scripted")
        step = self.script.pop(0)
        if isinstance(step, LlmError):
            raise step
        return LlmAnswer(step, json.dumps(step), 100 + len(prompt) // 100, 20, self.model,
                         self.provider, 5)


GOOD = candidate("Radiohead - OK Computer (1997) [FLAC]", seeders=80)
REISSUE = candidate("Radiohead - OK Computer OKNOTOK 1997 2017 [FLAC]", seeders=50)
MP3 = candidate("Radiohead OK Computer 1997 MP3 320", seeders=30)
LIVE = candidate("Radiohead - OK Computer (Live) [FLAC]", seeders=500)
KARAOKE = candidate("Radiohead - OK Computer (Karaoke Version) [FLAC]", seeders=200)


def rescore(*scores: float, chosen: int | None, reasoning: str = "because") -> dict[str, Any]:
    return {
        "candidates": [{"index": i, "score": s, "reason": f"reason {i}"}
                       for i, s in enumerate(scores)],
        "chosen_index": chosen,
        "reasoning": reasoning,
    }


def offered_titles(call: dict[str, Any]) -> list[str]:
    """Titles in the rescore prompt's Candidates section, in offered order."""
    section = call["prompt"].split("Candidates:\n", 1)[1]
    return [c["title"] for c in json.loads(section)]


# --- construction ---------------------------------------------------------------------------


def test_modes_that_use_the_llm_need_a_client() -> None:
    with pytest.raises(ValidationError) as caught:
        TextBrain("llm-only")
    assert caught.value.errors[0].field == "textbrain.llm"
    with pytest.raises(ValidationError, match="unknown mode 'smart'"):
        TextBrain("smart", FakeLlm())
    with pytest.raises(ValidationError, match="auto_approve_threshold"):
        TextBrain("dumb-only", auto_approve_threshold=1.5)


# --- dumb-only and dumb-first ---------------------------------------------------------------


def test_dumb_only_never_calls_the_llm() -> None:
    llm = FakeLlm()
    brain = TextBrain(BrainMode.DUMB_ONLY, llm)
    decision = brain.decide(album_request(), [REISSUE, MP3])
    assert llm.calls == []
    assert decision.method is DecisionMethod.DUMB
    assert decision.llm is None
    assert brain.queries(album_request()) and llm.calls == []


def test_dumb_first_skips_the_llm_above_the_threshold() -> None:
    llm = FakeLlm()
    decision = TextBrain("dumb-first", llm).decide(album_request(), [GOOD, REISSUE, MP3])
    assert llm.calls == []
    assert decision.method is DecisionMethod.DUMB
    assert decision.auto_approve and decision.confidence >= 0.85
    assert decision.llm is not None and not decision.llm.consulted
    assert "heuristic confidence" in decision.llm.notes[0]


def test_dumb_first_asks_the_llm_below_the_threshold() -> None:
    llm = FakeLlm(rescore(0.95, 0.3, chosen=0, reasoning="the 2017 reissue holds the album"))
    # Without GOOD the best heuristic score is the reissue's ~0.87: below a 0.9 threshold.
    brain = TextBrain("dumb-first", llm, auto_approve_threshold=0.9)
    decision = brain.decide(album_request(), [REISSUE, MP3])
    assert len(llm.calls) == 1
    assert decision.method is DecisionMethod.LLM
    assert decision.recommended is not None
    assert decision.recommended.candidate.title == REISSUE.title
    assert decision.llm is not None and decision.llm.consulted


def test_dumb_first_keeps_the_heuristic_decision_when_the_llm_fails() -> None:
    llm = FakeLlm(LlmUnavailable("fake", "HTTP 503"))
    decision = TextBrain("dumb-first", llm, 0.9).decide(album_request(), [REISSUE, MP3])
    assert decision.method is DecisionMethod.DUMB
    assert decision.llm is not None and decision.llm.fallback


# --- llm-first ------------------------------------------------------------------------------


def test_llm_rescoring_changes_the_recommendation_and_is_recorded() -> None:
    request = album_request()
    reasoning = "Index 1 is the original 1997 album; index 0 is the 2017 reissue with extras."
    llm = FakeLlm(rescore(0.4, 0.98, 0.1, chosen=1, reasoning=reasoning))
    heuristic = TextBrain("dumb-only").decide(request, [REISSUE, GOOD, MP3])
    decision = TextBrain("llm-first", llm).decide(request, [REISSUE, GOOD, MP3])

    assert heuristic.recommended is not None and decision.recommended is not None
    assert offered_titles(llm.calls[0])[0] == heuristic.recommended.candidate.title
    chosen_title = offered_titles(llm.calls[0])[1]
    assert chosen_title != heuristic.recommended.candidate.title
    assert decision.recommended.candidate.title == chosen_title
    assert decision.method is DecisionMethod.LLM
    assert reasoning in decision.reasoning
    trace = decision.llm
    assert trace is not None and trace.judgement is not None
    assert trace.usage.calls == 1 and trace.usage.completion_tokens == 20
    assert trace.usage.prompt_tokens > 100 and trace.usage.models == ("fake/fake-1",)
    chosen = trace.judgement.judged[1]
    expected = 0.6 * 0.98 + 0.4 * chosen.heuristic
    assert decision.confidence == pytest.approx(expected)
    assert chosen.reason == "reason 1"
    assert "LLM" in trace.judgement.explain()


def test_llm_is_offered_the_best_accepted_candidates_only() -> None:
    llm = FakeLlm(rescore(0.9, 0.5, chosen=0))
    TextBrain("llm-first", llm, rescore_top_n=2).decide(
        album_request(), [MP3, KARAOKE, GOOD, REISSUE]
    )
    titles = offered_titles(llm.calls[0])
    assert len(titles) == 2 and KARAOKE.title not in titles
    assert llm.calls[0]["schema"]["required"] == ["candidates", "chosen_index", "reasoning"]


@pytest.mark.parametrize("error", [
    LlmTimeout("fake", "no answer within 30 s"),
    LlmUnavailable("fake", "cannot reach http://127.0.0.1:9"),
    LlmBadAnswer("fake", "answer does not fit the schema: $.chosen_index: is required"),
])
def test_llm_first_falls_back_to_heuristics_on_llm_errors(error: LlmError) -> None:
    request = album_request()
    heuristic = TextBrain("dumb-only").decide(request, [GOOD, REISSUE])
    decision = TextBrain("llm-first", FakeLlm(error)).decide(request, [GOOD, REISSUE])
    assert decision.method is DecisionMethod.DUMB
    assert decision.recommended_index == heuristic.recommended_index
    assert decision.auto_approve == heuristic.auto_approve
    assert decision.llm is not None and decision.llm.fallback
    assert decision.llm.error_kind == type(error).__name__
    assert error.reason in (decision.llm.error or "")
    assert decision.reasoning.startswith(f"LLM failed ({type(error).__name__}")


def test_llm_answer_naming_an_unoffered_candidate_falls_back() -> None:
    llm = FakeLlm(rescore(0.9, chosen=5))
    decision = TextBrain("llm-first", llm).decide(album_request(), [GOOD, REISSUE])
    assert decision.method is DecisionMethod.DUMB
    assert decision.llm is not None and decision.llm.error_kind == "LlmBadAnswer"


def test_red_flagged_candidate_is_never_auto_approved() -> None:
    llm = FakeLlm(rescore(1.0, 1.0, chosen=0, reasoning="live is fine"))
    decision = TextBrain("llm-first", llm, auto_approve_threshold=0.5).decide(
        album_request(), [LIVE, MP3]
    )
    assert decision.recommended is not None
    assert decision.recommended.candidate.title == LIVE.title
    assert decision.confidence >= 0.5
    assert not decision.auto_approve
    assert "red flags: live" in decision.reasoning


def test_rejected_candidate_chosen_by_the_llm_is_not_auto_approved() -> None:
    llm = FakeLlm(rescore(1.0, chosen=0))
    decision = TextBrain("llm-only", llm, auto_approve_threshold=0.1).decide(
        album_request(), [KARAOKE]
    )
    assert decision.recommended is not None and not decision.auto_approve
    assert "rejected" in decision.reasoning


def test_llm_finding_nothing_acceptable_fails_the_acquisition() -> None:
    llm = FakeLlm(rescore(0.1, 0.1, chosen=None, reasoning="all are wrong editions"))
    decision = TextBrain("llm-first", llm).decide(album_request(), [GOOD, REISSUE])
    assert decision.failed and not decision.auto_approve
    assert "all are wrong editions" in decision.failure_reasons[0]


def test_llm_fills_file_mapping_gaps_of_the_chosen_candidate() -> None:
    request = album_request()
    torrent = album_files("Radiohead - OK Computer")
    torrent[4] = files("Radiohead - OK Computer/track_x.flac")[0]
    by_hash = {GOOD.info_hash or "": torrent}
    mapping_answer = {"mappings": [{"item_id": "t5", "file_index": 4, "reason": "the gap"}]}
    llm = FakeLlm(rescore(0.9, chosen=0), mapping_answer)
    decision = TextBrain("llm-first", llm).decide(request, [GOOD], by_hash)
    assert [c.get("schema", {}).get("required") for c in llm.calls][1] == ["mappings"]
    mapping = decision.file_mapping
    assert mapping is not None and mapping.complete
    filled = mapping.for_item("t5")
    assert filled is not None and filled.path.endswith("track_x.flac")
    assert filled.reason == "LLM: the gap"
    assert decision.llm is not None and decision.llm.usage.calls == 2


def test_no_candidates_means_no_llm_call() -> None:
    llm = FakeLlm()
    decision = TextBrain("llm-only", llm).decide(album_request(), [])
    assert decision.failed and llm.calls == []


# --- llm-only -------------------------------------------------------------------------------


def test_llm_only_fails_clearly_when_the_llm_is_unavailable() -> None:
    llm = FakeLlm(LlmUnavailable("fake", "cannot reach http://127.0.0.1:9"))
    with pytest.raises(LlmRequired, match="mode llm-only cannot decide without the LLM"):
        TextBrain("llm-only", llm).decide(album_request(), [GOOD])
    with pytest.raises(LlmRequired, match="cannot plan queries"):
        TextBrain("llm-only", FakeLlm(LlmTimeout("fake", "slow"))).queries(album_request())


# --- queries --------------------------------------------------------------------------------


def test_llm_first_adds_query_variations() -> None:
    request = album_request()
    base = TextBrain("dumb-only").queries(request)
    llm = FakeLlm({"queries": [{"text": "Radiohead OKComputer"}, {"text": base[0].text}]})
    plan = TextBrain("llm-first", llm).plan_queries(request)
    assert list(plan.queries[: len(base)]) == base
    assert [q.text for q in plan.queries[len(base):]] == ["Radiohead OKComputer"]
    assert plan.llm_variations == 1 and plan.usage.calls == 1
    assert '"album": "OK Computer"' in llm.calls[0]["prompt"]


def test_query_variations_fall_back_to_heuristic_queries() -> None:
    request = album_request()
    base = TextBrain("dumb-only").queries(request)
    plan = TextBrain("llm-first", FakeLlm(LlmTimeout("fake", "slow"))).plan_queries(request)
    assert list(plan.queries) == base
    assert plan.llm_error == "LlmTimeout from fake: slow"


def test_dumb_first_does_not_ask_for_queries() -> None:
    llm = FakeLlm()
    TextBrain("dumb-first", llm).queries(album_request())
    assert llm.calls == []


# --- the record -----------------------------------------------------------------------------


def test_brain_decision_round_trips_through_dicts() -> None:
    llm = FakeLlm(rescore(0.2, 0.9, chosen=1, reasoning="pick one"))
    decision = TextBrain("llm-first", llm).decide(album_request(), [GOOD, REISSUE])
    data = json.loads(json.dumps(decision.to_dict()))
    assert data["llm"]["usage"]["calls"] == 1
    assert data["llm"]["judgement"]["judged"][1]["llm"] == 0.9
    again = BrainDecision.from_dict(data)
    assert again.to_dict() == decision.to_dict()
    assert LlmTask.RESCORE.value == "rescore"
