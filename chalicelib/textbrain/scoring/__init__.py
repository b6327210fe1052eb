"""Explainable candidate scoring: named weighted components, hard rejections, ranking."""

from __future__ import annotations

from chalicelib.textbrain.scoring.breakdown import Component, Rejection, ScoredCandidate
from chalicelib.textbrain.scoring.matcher import DumbMatcher, Parser, rank, rank_key, score

__all__ = ["Component", "DumbMatcher", "Parser", "Rejection", "ScoredCandidate", "rank",
           "rank_key", "score"]
