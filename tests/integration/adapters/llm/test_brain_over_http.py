"""TextBrain with a real adapter over HTTP: the whole LLM path, and its fallback."""

from __future__ import annotations

from chalicelib.adapters.llm import build_llm_client
from chalicelib.domain.candidate import TorrentCandidate
from chalicelib.textbrain.brain import TextBrain
from chalicelib.textbrain.decision import DecisionMethod
from tests.integration.adapters.llm.conftest import config_for
from tests.support.llm_servers import FakeLlmServer
from tests.unit.textbrain.builders import album_request


def _candidate(title: str, seeders: int) -> TorrentCandidate:
    return TorrentCandidate(title=title, indexer="local", indexer_id="local", seeders=seeders,
                            info_hash=f"{seeders:040x}")


REISSUE = _candidate("Radiohead - OK Computer OKNOTOK 1997 2017 [FLAC]", 50)
ORIGINAL = _candidate("Radiohead - OK Computer (1997) [FLAC]", 20)


def test_llm_first_decides_through_each_provider(server: FakeLlmServer) -> None:
    server.script.usage = (900, 120)
    server.script.answers = [{
        "candidates": [{"index": 0, "score": 0.97, "reason": "original album"},
                       {"index": 1, "score": 0.40, "reason": "reissue with extra disc"}],
        "chosen_index": 0,
        "reasoning": "The ticket lists the 12 original tracks.",
    }]
    brain = TextBrain("llm-first", build_llm_client(config_for(server)))

    decision = brain.decide(album_request(), [REISSUE, ORIGINAL])

    assert decision.method is DecisionMethod.LLM
    assert decision.recommended is not None
    assert decision.recommended.candidate.title == ORIGINAL.title
    assert "12 original tracks" in decision.reasoning
    assert decision.llm is not None
    assert (decision.llm.usage.prompt_tokens, decision.llm.usage.completion_tokens) == (900, 120)
    (request,) = server.requests
    assert "OK Computer OKNOTOK" in str(request.body)


def test_llm_first_falls_back_when_the_provider_keeps_failing(server: FakeLlmServer) -> None:
    server.script.fail_times = 10
    server.script.fail_status = 503
    brain = TextBrain("llm-first", build_llm_client(config_for(server, max_retries=1)))

    decision = brain.decide(album_request(), [REISSUE, ORIGINAL])

    assert decision.method is DecisionMethod.DUMB
    assert decision.recommended is not None
    assert decision.llm is not None and decision.llm.fallback
    assert decision.llm.error_kind == "LlmUnavailable"
    assert "HTTP 503" in (decision.llm.error or "")
    assert len(server.requests) == 2
