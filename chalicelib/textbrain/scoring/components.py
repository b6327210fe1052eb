"""Score components every content family uses: similarity, year, red flags, seeders, size."""

from __future__ import annotations

import math
import re
from collections.abc import Collection

from rapidfuzz import fuzz, process

from chalicelib.domain.candidate import TorrentCandidate
from chalicelib.domain.request import ContentType
from chalicelib.textbrain.release import ParsedRelease, RedFlag, ReleaseKind
from chalicelib.textbrain.scoring.breakdown import Component, Rejection
from chalicelib.textbrain.scoring.terms import TicketTerms

# Words in a ticket that make a flag expected rather than suspicious.
_FLAG_WORDS: dict[RedFlag, frozenset[str]] = {
    RedFlag.KARAOKE: frozenset({"karaoke"}),
    RedFlag.COVER: frozenset({"cover", "covers"}),
    RedFlag.TRIBUTE: frozenset({"tribute"}),
    RedFlag.INSTRUMENTAL: frozenset({"instrumental", "instrumentals", "acapella", "cappella",
                                     "stems"}),
    RedFlag.LIVE: frozenset({"live", "concert", "unplugged"}),
    RedFlag.REMIX: frozenset({"remix", "remixes", "remixed", "mix", "slowed", "nightcore",
                              "sped"}),
    RedFlag.SAMPLE: frozenset({"sample"}),
    RedFlag.TRAILER: frozenset({"trailer"}),
    RedFlag.AUDIOBOOK: frozenset({"audiobook"}),
    RedFlag.BOOKLET_ONLY: frozenset({"booklet"}),
    RedFlag.EXTRAS_ONLY: frozenset({"extras", "extra", "bonus", "featurette", "featurettes",
                                    "behind", "making", "deleted"}),
    RedFlag.CAMERA_SOURCE: frozenset({"cam", "telesync", "telecine", "screener"}),
    RedFlag.HARDCODED_SUBS: frozenset({"hardsub", "hardsubs", "hardcoded", "korsub"}),
}
_SHORT_WORD = 4
# Flags that make a candidate something else entirely, not just a lesser copy.
HARD_FLAGS = frozenset({RedFlag.KARAOKE, RedFlag.COVER, RedFlag.TRIBUTE, RedFlag.BOOKLET_ONLY,
                        RedFlag.SAMPLE, RedFlag.TRAILER, RedFlag.EXTRAS_ONLY,
                        RedFlag.EXECUTABLE, RedFlag.PASSWORD_PROTECTED, RedFlag.ARCHIVE_ONLY,
                        RedFlag.IMPLAUSIBLE_SIZE})
# Flags of a watchable but much worse copy: they weigh more than a plain flag, so a clean
# release of lower resolution or fewer seeders still ranks above them.
_SEVERE_FLAGS = frozenset({RedFlag.CAMERA_SOURCE, RedFlag.HARDCODED_SUBS})
_SEVERE_WEIGHT = 3.0


def similarity(wanted: str, offered: str) -> float:
    """0..1 likeness of a wanted name to an offered one (both normalised).

    Asymmetric on purpose: every wanted word must be there ('Pink' is not 'Pink Floyd'),
    extra offered words cost a little ('OK Computer OKNOTOK' is still 'OK Computer'), and
    spacing does not matter ('Radio Head').
    """
    if not wanted or not offered:
        return 0.0
    blended = 0.75 * found_in(wanted, offered) + 0.25 * fuzz.token_sort_ratio(wanted, offered) / 100
    joined = fuzz.ratio(wanted.replace(" ", ""), offered.replace(" ", "")) / 100
    # Only near-identical letters count as a spacing difference, not a shared prefix.
    return max(joined, blended) if joined >= 0.9 else blended


def found_in(wanted: str, text: str) -> float:
    """0..1: how fully the words of `wanted` appear among the words of `text`.

    Each wanted word counts with its best fuzzy match among the text's words, so a typo
    costs a little and a missing word costs its share.
    """
    words = text.split()
    wanted_words = wanted.split()
    if not wanted_words or not words:
        return 0.0
    total = 0.0
    for word in wanted_words:
        best = process.extractOne(word, words, scorer=fuzz.ratio)
        score = best[1] / 100 if best else 0.0
        # One letter off in a short word is another word ('dune' / 'une', 'mew' / 'new').
        if score < 1.0 and len(word) <= _SHORT_WORD:
            score /= 2
        total += score
    return total / len(wanted_words)


def unrequested_flags(
    terms: TicketTerms, parsed: ParsedRelease, found: Collection[RedFlag] = frozenset()
) -> list[RedFlag]:
    """The release's red flags (the parser's and `found`) the ticket did not ask for, sorted."""
    flags = []
    for flag in sorted(parsed.red_flags.union(found)):
        if flag is RedFlag.VA_COMPILATION and terms.various_artists:
            continue
        if _FLAG_WORDS.get(flag, frozenset()) & terms.words:
            continue
        flags.append(flag)
    return flags


def red_flag_component(
    terms: TicketTerms, parsed: ParsedRelease, found: Collection[RedFlag] = frozenset()
) -> tuple[Component, list[Rejection], list[str]]:
    """The red-flags component, the hard fails among the flags, and the flag names.

    `found` adds flags the scorer saw beyond the title's words (files, size).
    """
    weight = terms.rules.weight("red_flags")
    flags = unrequested_flags(terms, parsed, found)
    if not flags:
        return Component("red_flags", weight, 1.0, "no red flags"), [], []
    if _SEVERE_FLAGS.intersection(flags):
        weight *= _SEVERE_WEIGHT
    names = [f.value for f in flags]
    rejections = [Rejection(f"red_flag_{f.value}", f"{f.value} release, not requested")
                  for f in flags if f in HARD_FLAGS]
    return (Component("red_flags", weight, 0.0, f"not requested: {', '.join(names)}"),
            rejections, names)


def year_component(terms: TicketTerms, parsed: ParsedRelease, strict: bool) -> tuple[
    Component | None, list[Rejection]
]:
    """Release year against the ticket's; `strict` (films) rejects a gap of two years or more."""
    wanted = terms.request.query.year
    if wanted is None:
        return None, []
    weight = terms.rules.weight("year")
    if parsed.year_range is not None:
        first, last = parsed.year_range
        if first <= wanted <= last:
            return Component("year", weight, 0.9, f"{first}-{last} spans {wanted}"), []
        return Component("year", weight, 0.2, f"{first}-{last} does not span {wanted}"), []
    if parsed.year is None:
        # The parser may miss a year in an odd spot ('[Title] 2001 BDRip'); the ticket's own
        # year standing alone in the title is as good.
        if re.search(rf"(?<![\d.]){wanted}(?![\d])", parsed.raw_title):
            return Component("year", weight, 1.0, f"{wanted} named in the title"), []
        return Component("year", weight, 0.6, "no year in the title"), []
    gap = abs(parsed.year - wanted)
    if gap == 0:
        return Component("year", weight, 1.0, f"{parsed.year} as requested"), []
    if gap == 1:
        return Component("year", weight, 0.8, f"{parsed.year}, one year off {wanted}"), []
    if strict:
        reason = f"year {parsed.year} is not {wanted}: a different film of that name?"
        return Component("year", weight, 0.0, reason), [Rejection("wrong_year", reason)]
    return Component("year", weight, 0.3, f"{parsed.year} vs requested {wanted} (a reissue?)"), []


_KIND_OF: dict[ContentType, ReleaseKind] = {
    ContentType.ALBUM: ReleaseKind.MUSIC,
    ContentType.TRACK: ReleaseKind.MUSIC,
    ContentType.MOVIE: ReleaseKind.MOVIE,
    ContentType.TV_EPISODE: ReleaseKind.TV,
    ContentType.EBOOK: ReleaseKind.EBOOK,
    ContentType.SOFTWARE: ReleaseKind.SOFTWARE,
}


def release_kind_component(
    terms: TicketTerms, parsed: ParsedRelease
) -> tuple[Component | None, list[Rejection]]:
    """Whether the parser took the release for the kind of thing the ticket expects.

    Only an episode offered for a film is a hard fail: the parser's other guesses are
    too rough to reject on.
    """
    expected = terms.request.query.expected
    wanted = _KIND_OF.get(expected)
    if wanted is None:
        return None, []
    weight = terms.rules.weight("release_kind")
    offered = parsed.content_type
    if offered is wanted:
        return Component("release_kind", weight, 1.0, f"looks like {offered.value}"), []
    if offered is ReleaseKind.UNKNOWN:
        return Component("release_kind", weight, 0.6, "kind not recognised"), []
    reason = f"looks like {offered.value}, {expected.value} requested"
    if expected is ContentType.MOVIE and parsed.episodes:
        return Component("release_kind", weight, 0.0, reason), [Rejection("wrong_kind", reason)]
    return Component("release_kind", weight, 0.1, reason), []


def seeders_component(terms: TicketTerms, candidate: TorrentCandidate) -> Component:
    """More seeders is a faster, surer download; a tie-breaker, so its weight is small."""
    weight = terms.rules.weight("seeders")
    seeders = candidate.seeders
    if seeders is None:
        return Component("seeders", weight, 0.3, "seeders unknown")
    if seeders <= 0:
        return Component("seeders", weight, 0.0, "no seeders")
    value = min(1.0, math.log1p(seeders) / math.log1p(100))
    return Component("seeders", weight, value, f"{seeders} seeders")


def size_component(
    terms: TicketTerms, size: int | None, low: float, high: float, what: str
) -> Component | None:
    """Whether a release size lies in the plausible range [low, high] bytes for `what`."""
    if size is None or size <= 0:
        return None
    weight = terms.rules.weight("size")
    shown = _human(size)
    if low <= size <= high:
        return Component("size", weight, 1.0, f"{shown} is plausible for {what}")
    if size < low:
        return Component("size", weight, 0.2, f"{shown} is small for {what}")
    return Component("size", weight, 0.5, f"{shown} is large for {what}")


def _human(size: int) -> str:
    value = float(size)
    for unit in ("B", "KB", "MB", "GB"):
        if value < 1000:
            return f"{value:.0f} {unit}"
        value /= 1000
    return f"{value:.1f} TB"
