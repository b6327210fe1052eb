"""Video preferences: the ticket's codec, configured resolutions, codecs and release groups."""

from __future__ import annotations

from dataclasses import replace

import pytest

from chalicelib.domain.errors import ValidationError
from chalicelib.textbrain.brain import TextBrain
from chalicelib.textbrain.preferences import RankingPreferences
from chalicelib.textbrain.scoring import DumbMatcher

from .builders import candidate, movie_request

GB = 1_000_000_000
X264 = candidate("Heat.1995.1080p.BluRay.x264-AMIABLE", seeders=50, size=10 * GB)
X265 = candidate("Heat.1995.1080p.BluRay.x265.10bit-GECKOS", seeders=5, size=5 * GB)
UHD = candidate("Heat.1995.2160p.UHD.BluRay.x265-TERMINAL", seeders=40, size=30 * GB)


def test_from_mapping_reads_the_config_keys_and_names_bad_ones() -> None:
    prefs = RankingPreferences.from_mapping({
        "mode": "dumb-only", "preferred_resolutions": ["1080p", "2160p"],
        "preferred_video_codecs": ["HEVC"], "avoided_release_groups": ["YIFY"],
    })
    assert prefs.preferred_resolutions == ("1080p", "2160p")
    assert prefs.preferred_video_codecs == ("hevc",)
    assert prefs.avoided_release_groups == ("YIFY",)
    assert RankingPreferences.from_mapping({}) == RankingPreferences()
    with pytest.raises(ValidationError) as bad:
        RankingPreferences.from_mapping({"preferred_resolutions": ["1080i"],
                                         "preferred_release_groups": "NTb"})
    fields = {e.field for e in bad.value.errors}
    assert fields == {"textbrain.preferred_resolutions", "textbrain.preferred_release_groups"}
    with pytest.raises(ValidationError, match="also preferred"):
        RankingPreferences.from_mapping({"preferred_release_groups": ["NTb"],
                                         "avoided_release_groups": ["ntb"]})


def test_without_preferences_nothing_changes_and_with_them_the_codec_decides() -> None:
    plain = DumbMatcher().rank(movie_request(), [X264, X265])
    assert plain[0].candidate is X264  # more seeders, nothing else to tell them apart
    assert plain[0].component("preferences") is None
    hevc = DumbMatcher(preferences=RankingPreferences(preferred_video_codecs=("hevc",)))
    assert hevc.rank(movie_request(), [X264, X265])[0].candidate is X265


def test_the_tickets_codec_comes_before_the_configured_ones() -> None:
    ticket = movie_request()
    wants_h264 = replace(ticket, constraints=replace(ticket.constraints, video_codec="h264"))
    matcher = DumbMatcher(preferences=RankingPreferences(preferred_video_codecs=("hevc",)))
    assert matcher.rank(wants_h264, [X265, X264])[0].candidate is X264
    assert matcher.rank(ticket, [X264, X265])[0].candidate is X265


def test_preferred_resolutions_rank_a_1080p_over_a_2160p_release() -> None:
    ticket = movie_request()
    assert DumbMatcher().rank(ticket, [X265, UHD])[0].candidate is UHD
    prefer_1080 = RankingPreferences(preferred_resolutions=("1080p", "2160p"))
    assert DumbMatcher(preferences=prefer_1080).rank(ticket, [UHD, X265])[0].candidate is X265


def test_groups_preferred_rank_higher_and_avoided_never_auto_approve() -> None:
    prefs = RankingPreferences(preferred_release_groups=("GECKOS",),
                               avoided_release_groups=("AMIABLE",))
    brain = TextBrain("dumb-only", preferences=prefs)
    decision = brain.decide(movie_request(), [X264, X265])
    assert decision.recommended is not None and decision.recommended.candidate is X265
    alone = brain.decide(movie_request(), [X264])
    assert alone.recommended is not None and not alone.auto_approve
    assert "avoided_group" in alone.recommended.red_flags
    assert TextBrain("dumb-only").decide(movie_request(), [X264]).auto_approve


def test_the_brains_ranking_is_the_one_its_decisions_use() -> None:
    brain = TextBrain("dumb-only", preferences=RankingPreferences(preferred_video_codecs=("hevc",)))
    ranked = brain.rank(movie_request(), [X264, X265])
    assert [s.candidate for s in ranked] == [X265, X264]
    decision = brain.decide(movie_request(), [X264, X265])
    assert [s.candidate for s in decision.candidates] == [X265, X264]
