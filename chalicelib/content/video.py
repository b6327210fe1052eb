"""Video rules: video files, movie/TV categories, weights, resolutions, extras to avoid."""

from __future__ import annotations

import re

from chalicelib.content import extensions
from chalicelib.content.rules import ContentRules, frozen_weights
from chalicelib.domain.candidate import Category, SearchKind

_MB = 1_000_000
_GB = 1_000_000_000

MOVIE_RULES = ContentRules(
    family="video",
    search_kind=SearchKind.MOVIE,
    categories=(Category.MOVIES,),
    wanted_extensions=extensions.VIDEO,
    weights=frozen_weights(
        {
            "title": 4.0,
            "year": 1.5,
            "resolution": 1.5,
            "files": 1.0,
            "red_flags": 1.0,
            "release_kind": 1.0,
            "seeders": 0.3,
            "size": 0.3,
        }
    ),
    plausible_item_bytes=(300 * _MB, 100 * _GB),
)

TV_RULES = ContentRules(
    family="video",
    search_kind=SearchKind.TV,
    categories=(Category.TV,),
    wanted_extensions=extensions.VIDEO,
    weights=frozen_weights(
        {
            "title": 4.0,
            "year": 0.5,
            "season_episode": 3.0,
            "resolution": 1.5,
            "files": 1.0,
            "red_flags": 1.0,
            "release_kind": 1.0,
            "seeders": 0.3,
            "size": 0.3,
        }
    ),
    plausible_item_bytes=(40 * _MB, 20 * _GB),
)

RESOLUTION_LINES = {"480p": 480, "576p": 576, "720p": 720, "1080p": 1080, "2160p": 2160}
_LINES = re.compile(r"(\d{3,4})")

# Folder or file words that mark a file as something other than the feature itself.
EXTRA_WORDS = frozenset({"sample", "trailer", "extras", "extra", "featurette", "featurettes",
                         "behind the scenes", "deleted scenes", "bonus", "interview", "promo"})


def resolution_lines(label: str | None) -> int | None:
    """Vertical lines of a resolution label ('1080p', '4K', '2160p'); None when unknown."""
    if not label:
        return None
    lowered = label.lower()
    if lowered in ("4k", "uhd"):
        return 2160
    found = _LINES.search(lowered)
    return int(found.group(1)) if found else None


def resolution_fit(minimum: str | None, offered: str | None) -> tuple[float, str]:
    """How an offered resolution meets the requested minimum, with a one-line reason."""
    want = resolution_lines(minimum)
    have = resolution_lines(offered)
    if have is None:
        return 0.5, "resolution not stated"
    if want is None:
        # No minimum: prefer HD without insisting on it.
        value = 1.0 if have >= 1080 else 0.85 if have >= 720 else 0.6
        return value, f"{offered}, no minimum requested"
    if have >= want:
        return 1.0, f"{offered} meets the minimum {minimum}"
    return 0.1, f"{offered} is below the minimum {minimum}"
