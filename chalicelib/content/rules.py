"""Rules that depend on what a ticket expects: categories, wanted files and scoring weights."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

from chalicelib.domain.candidate import SearchKind
from chalicelib.domain.request import ContentType


@dataclass(frozen=True)
class ContentRules:
    """How one family of content (music, video, generic) is searched, scored and mapped.

    `weights` names the scoring components this family uses; a component absent here is not
    scored. `categories` are the Torznab categories searched, most specific first.
    """

    family: str
    search_kind: SearchKind
    categories: tuple[int, ...]
    wanted_extensions: frozenset[str]
    weights: Mapping[str, float]
    # Smallest and largest plausible size in bytes of one wanted item (None: judged elsewhere).
    plausible_item_bytes: tuple[int, int] | None = None

    def weight(self, component: str) -> float:
        """The weight of a named component; 0 when this family does not score it."""
        return self.weights.get(component, 0.0)


def frozen_weights(weights: dict[str, float]) -> Mapping[str, float]:
    """A read-only view of a weights table, so rules stay immutable once built."""
    return MappingProxyType(dict(weights))


def rules_for(expected: ContentType) -> ContentRules:
    """The rules for a ticket's expected content type."""
    # Imported here so each family module can import ContentRules from this one.
    from chalicelib.content import generic, music, video

    if expected.is_music:
        return music.RULES
    if expected is ContentType.MOVIE:
        return video.MOVIE_RULES
    if expected is ContentType.TV_EPISODE:
        return video.TV_RULES
    if expected is ContentType.EBOOK:
        return generic.EBOOK_RULES
    if expected is ContentType.SOFTWARE:
        return generic.SOFTWARE_RULES
    return generic.OTHER_RULES
