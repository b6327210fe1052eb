"""Which tickets ask for the same content, so one download can serve them all."""

from __future__ import annotations

import re
import unicodedata

from chalicelib.domain.request import ContentType, TicketRequest
from chalicelib.domain.states import TicketState

# A ticket may take others on board only until its work order is fixed.
LINKABLE_STATES = frozenset({TicketState.PENDING, TicketState.ACQUIRING,
                             TicketState.NEEDS_APPROVAL})
_PUNCT = re.compile(r"[^\w\s]")
_SPACE = re.compile(r"\s+")


def _norm(text: str | None) -> str:
    if not text:
        return ""
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    folded = folded.lower().replace("&", " and ")
    return _SPACE.sub(" ", _PUNCT.sub(" ", folded)).strip()


def content_key(request: TicketRequest) -> str:
    """A key equal for requests of the same album, movie, episode or item."""
    q = request.query
    if q.expected in (ContentType.ALBUM, ContentType.TRACK) and q.album:
        return f"album|{_norm(q.artist)}|{_norm(q.album)}"
    if q.expected is ContentType.TRACK:
        return f"track|{_norm(q.artist)}|{_norm(q.title)}"
    if q.expected is ContentType.MOVIE:
        return f"movie|{_norm(q.title)}|{q.year or ''}"
    if q.expected is ContentType.TV_EPISODE:
        return f"tv|{_norm(q.title)}|{q.season}|{q.episode if q.episode is not None else '*'}"
    return f"{q.expected.value}|{_norm(q.title or q.description)}|{_norm(q.version or q.author)}"


def can_share(primary: TicketRequest, other: TicketRequest) -> bool:
    """Whether one download and conversion can serve both requests."""
    return (
        content_key(primary) == content_key(other)
        and primary.constraints == other.constraints
        and primary.dry_run is False
        and other.dry_run is False
    )
