"""The heuristic matcher: score one candidate against a ticket, or rank many."""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable, Mapping, Sequence

from chalicelib.domain.candidate import TorrentCandidate, TorrentFile
from chalicelib.domain.request import ContentType, TicketRequest
from chalicelib.textbrain.mapping import map_files
from chalicelib.textbrain.preferences import RankingPreferences
from chalicelib.textbrain.release import ParsedRelease, RedFlag
from chalicelib.textbrain.scoring.breakdown import Component, Rejection, ScoredCandidate
from chalicelib.textbrain.scoring.components import (
    red_flag_component,
    release_kind_component,
    seeders_component,
    year_component,
)
from chalicelib.textbrain.scoring.generic import generic_components
from chalicelib.textbrain.scoring.hazards import release_hazards
from chalicelib.textbrain.scoring.music import music_components, offered_quality
from chalicelib.textbrain.scoring.offer import Offer
from chalicelib.textbrain.scoring.preference import preference_component
from chalicelib.textbrain.scoring.terms import TicketTerms, comparable
from chalicelib.textbrain.scoring.video import video_components

Parser = Callable[[str], ParsedRelease]
_Family = Callable[[TicketTerms, Offer], tuple[list[Component], list[Rejection], str]]


@functools.lru_cache(maxsize=1)
def default_parser() -> Parser:
    """The release-title parser, with results cached per title (ranking re-sees titles)."""
    from chalicelib.textbrain.parsing import parse

    return functools.lru_cache(maxsize=8192)(parse)


class DumbMatcher:
    """Scores candidates with heuristics only: fuzzy names, numbers, formats and file lists."""

    def __init__(
        self, parser: Parser | None = None, preferences: RankingPreferences | None = None
    ) -> None:
        self._parse = parser if parser is not None else default_parser()
        self._preferences = preferences or RankingPreferences()

    def score(
        self,
        request: TicketRequest,
        candidate: TorrentCandidate,
        files: Sequence[TorrentFile] | None = None,
        *,
        durations: Mapping[str, float] | None = None,
    ) -> ScoredCandidate:
        """One candidate's score with its breakdown; `files` adds file mapping evidence."""
        return self._score(TicketTerms.of(request, self._preferences), candidate, files,
                           durations or {})

    def rank(
        self,
        request: TicketRequest,
        candidates: Iterable[TorrentCandidate],
        files_by_hash: Mapping[str, Sequence[TorrentFile]] | None = None,
        *,
        durations: Mapping[str, float] | None = None,
    ) -> list[ScoredCandidate]:
        """All candidates scored, best first; rejected ones last, still with their reasons.

        `files_by_hash` holds file lists by info hash (either case) where they are known.
        """
        terms = TicketTerms.of(request, self._preferences)
        lists = {k.lower(): v for k, v in (files_by_hash or {}).items()}
        scored = [
            self._score(terms, c, lists.get((c.info_hash or "").lower()), durations or {})
            for c in candidates
        ]
        return sorted(scored, key=rank_key)

    def _score(
        self,
        terms: TicketTerms,
        candidate: TorrentCandidate,
        files: Sequence[TorrentFile] | None,
        durations: Mapping[str, float],
    ) -> ScoredCandidate:
        parsed = self._parse(candidate.title)
        mapping = map_files(terms.request, files, durations) if files is not None else None
        offer = Offer(candidate, parsed, comparable(candidate.title), files, mapping,
                      durations)
        expected = terms.request.query.expected
        family: _Family = (music_components if expected.is_music
                           else video_components if expected.is_video else generic_components)
        components, rejections, scope = family(terms, offer)
        year, wrong_year = year_component(terms, parsed, strict=expected is ContentType.MOVIE)
        kind, wrong_kind = release_kind_component(terms, parsed)
        components += [c for c in (year, kind) if c is not None]
        quality = offered_quality(offer) if expected.is_music else None
        found = release_hazards(terms, offer, quality.lossless if quality else None)
        if expected.is_video:
            preference, avoided = preference_component(terms, offer)
            components += [preference] if preference is not None else []
            found |= {RedFlag.AVOIDED_GROUP} if avoided else set()
        flags, flag_rejections, flag_names = red_flag_component(terms, parsed, found)
        components += [flags, seeders_component(terms, candidate)]
        return ScoredCandidate(
            candidate=candidate,
            components=tuple(c for c in components if c.weight > 0),
            rejections=tuple([*rejections, *wrong_year, *wrong_kind, *flag_rejections]),
            red_flags=tuple(flag_names),
            mapping=mapping,
            scope=scope,
        )


def rank_key(scored: ScoredCandidate) -> tuple[bool, float, float, int, str, str]:
    """Best first: accepted before rejected, then total, seeders, title, hash (deterministic)."""
    c = scored.candidate
    return (scored.rejected, -round(scored.total, 9), -round(scored.raw_total, 9),
            -(c.seeders or 0), c.title, c.info_hash or "")


@functools.lru_cache(maxsize=1)
def _default_matcher() -> DumbMatcher:
    return DumbMatcher()


def score(
    request: TicketRequest,
    candidate: TorrentCandidate,
    files: Sequence[TorrentFile] | None = None,
    *,
    durations: Mapping[str, float] | None = None,
) -> ScoredCandidate:
    """Score one candidate with the default matcher (the real parser)."""
    return _default_matcher().score(request, candidate, files, durations=durations)


def rank(
    request: TicketRequest,
    candidates: Iterable[TorrentCandidate],
    files_by_hash: Mapping[str, Sequence[TorrentFile]] | None = None,
    *,
    durations: Mapping[str, float] | None = None,
) -> list[ScoredCandidate]:
    """Rank candidates with the default matcher (the real parser), best first."""
    return _default_matcher().rank(request, candidates, files_by_hash, durations=durations)
