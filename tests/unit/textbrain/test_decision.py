"""The heuristic decision: recommendation, auto-approval rules, failure reasons, round trip."""

from __future__ import annotations

import json

import pytest

from chalicelib.domain.candidate import TorrentCandidate
from chalicelib.textbrain.decision import AcquisitionDecision, DecisionMethod, decide
from chalicelib.textbrain.mapping import FileMapping, UnmappedItem
from chalicelib.textbrain.scoring import Component, Rejection, ScoredCandidate

from .builders import album_files, album_request, candidate
from .test_scoring import FLAC_ALBUM, KARAOKE, LIVE, MATCHER, MP3_ALBUM


def scored(title: str, value: float, *, flags: tuple[str, ...] = (),
           rejections: tuple[Rejection, ...] = (), mapping: FileMapping | None = None,
           seeders: int = 10) -> ScoredCandidate:
    offer = TorrentCandidate(title=title, indexer="x", indexer_id="x", seeders=seeders)
    return ScoredCandidate(offer, (Component("match", 1.0, value, f"match ~ {value:.0%}"),),
                           rejections, flags, mapping, "album")


def test_best_above_threshold_auto_approves() -> None:
    decision = decide([scored("b", 0.7), scored("a", 0.9)])
    assert decision.recommended_index == 0
    assert decision.recommended is not None and decision.recommended.candidate.title == "a"
    assert decision.auto_approve and decision.confidence == pytest.approx(0.9)
    assert decision.method is DecisionMethod.DUMB
    assert "Auto-approved: score 0.90 >= 0.85" in decision.reasoning
    assert "Runner-up 'b' at 0.70" in decision.reasoning


def test_below_threshold_needs_approval() -> None:
    decision = decide([scored("a", 0.8)])
    assert not decision.auto_approve and not decision.failed
    assert "score 0.80 is below the threshold 0.85" in decision.reasoning
    assert decide([scored("a", 0.8)], threshold=0.75).auto_approve


def test_red_flagged_candidate_is_never_auto_approved() -> None:
    decision = decide([scored("live", 0.99, flags=("live",))], threshold=0.5)
    assert decision.recommended_index == 0
    assert not decision.auto_approve
    assert "red flags: live" in decision.reasoning


def test_incomplete_mapping_blocks_auto_approval() -> None:
    mapping = FileMapping(unmapped=(UnmappedItem("cover", "no cover front image in the torrent"),))
    decision = decide([scored("a", 0.95, mapping=mapping)])
    assert not decision.auto_approve
    assert "1 requested item(s) without a file" in decision.reasoning
    assert decision.file_mapping == mapping


def test_nothing_acceptable_fails_with_reasons() -> None:
    wrong = scored("Karaoke", 0.9, rejections=(Rejection("red_flag_karaoke",
                                                         "karaoke release, not requested"),))
    decision = decide([wrong, scored("weak", 0.3)])
    assert decision.failed and decision.recommended is None
    assert not decision.auto_approve and decision.confidence == 0.0
    assert decision.failure_reasons == (
        "'weak': score 0.30 is below the minimum 0.50",
        "'Karaoke': karaoke release, not requested",
    )
    assert decision.reasoning.startswith("No acceptable candidate: 'weak'")
    assert decide([]).failure_reasons == ("no candidates were found",)


def test_real_ranking_decision_prefers_album_over_lookalikes() -> None:
    req = album_request()
    ranked = MATCHER.rank(req, [candidate(KARAOKE.raw_title, seeders=900),
                                candidate(LIVE.raw_title, seeders=300),
                                candidate(MP3_ALBUM.raw_title, seeders=100),
                                candidate(FLAC_ALBUM.raw_title, seeders=30)],
                          {candidate(FLAC_ALBUM.raw_title).info_hash or "":
                           album_files("Radiohead - OK Computer (1997) [FLAC]")})
    decision = decide(ranked)
    assert decision.recommended is not None
    assert decision.recommended.candidate.title == FLAC_ALBUM.raw_title
    assert decision.auto_approve, decision.reasoning
    assert decision.file_mapping is not None and decision.file_mapping.complete
    assert decision.candidates[-1].candidate.title == KARAOKE.raw_title


def test_round_trip_through_json() -> None:
    req = album_request()
    ranked = MATCHER.rank(req, [candidate(KARAOKE.raw_title), candidate(FLAC_ALBUM.raw_title)],
                          {candidate(FLAC_ALBUM.raw_title).info_hash or "":
                           album_files("OK Computer")})
    decision = decide(ranked)
    data = json.loads(json.dumps(decision.to_dict()))
    assert data["method"] == "dumb"
    assert data["candidates"][0]["components"][0]["name"] == "artist"
    assert AcquisitionDecision.from_dict(data) == decision
    failed = decide([])
    assert AcquisitionDecision.from_dict(json.loads(json.dumps(failed.to_dict()))) == failed


def test_llm_layer_can_set_method_and_reasoning() -> None:
    import dataclasses

    decision = dataclasses.replace(decide([scored("a", 0.9)]), method=DecisionMethod.LLM,
                                   reasoning="the model agreed")
    assert AcquisitionDecision.from_dict(decision.to_dict()).method == "llm"


def test_bad_inputs_are_named() -> None:
    with pytest.raises(ValueError, match=r"threshold must lie in 0\.\.1, got 1\.5"):
        decide([], threshold=1.5)
    with pytest.raises(ValueError, match="decision field 'candidates' is missing"):
        AcquisitionDecision.from_dict({"recommended_index": None})
    with pytest.raises(ValueError, match=r"recommended_index 3 is outside the 0 candidates"):
        AcquisitionDecision((), 3, 0.0, False, DecisionMethod.DUMB, "")


@pytest.mark.parametrize(("part", "value", "why"), [
    ("title", 0.8, "title is not a sure match"),
    ("artist", 0.84, "artist is not a sure match"),
    ("resolution", 0.1, "resolution misses the request"),
    ("format", 0.3, "format misses the request"),
])
def test_an_unsure_name_or_a_missed_constraint_needs_approval(
    part: str, value: float, why: str
) -> None:
    offer = TorrentCandidate(title="a", indexer="x", indexer_id="x", seeders=10)
    parts = (Component("match", 20.0, 1.0, "all else perfect"),
             Component(part, 1.0, value, f"{part} ~ {value:.0%}"))
    decision = decide([ScoredCandidate(offer, parts, scope="movie")])
    assert decision.recommended_index == 0 and decision.confidence > 0.95
    assert not decision.auto_approve
    assert why in decision.reasoning
