"""The preference component for video: the ticket's codec, the configured resolutions,
codecs and release groups. A tie-breaker among matching releases, never a reason to reject."""

from __future__ import annotations

import re

from chalicelib.content.video import resolution_lines
from chalicelib.textbrain.scoring.breakdown import Component
from chalicelib.textbrain.scoring.offer import Offer
from chalicelib.textbrain.scoring.terms import TicketTerms

PREFERENCE_WEIGHT = 0.8
# Each step down a preference list costs this much; anything not on the list scores _OTHER.
_STEP = 0.2
_OTHER = 0.3
_UNKNOWN = 0.6
_NEUTRAL_GROUP = 0.6
_CODEC_FAMILIES = (
    ("hevc", re.compile(r"(?<![^\W_])(?:[xh][ .]?265|hevc\w*)(?![^\W_])", re.IGNORECASE)),
    ("h264", re.compile(r"(?<![^\W_])(?:[xh][ .]?264|avc)(?![^\W_])", re.IGNORECASE)),
    ("av1", re.compile(r"(?<![^\W_])av1(?![^\W_])", re.IGNORECASE)),
    ("vp9", re.compile(r"(?<![^\W_])vp9(?![^\W_])", re.IGNORECASE)),
    ("xvid", re.compile(r"(?<![^\W_])xvid\w*(?![^\W_])", re.IGNORECASE)),
    ("divx", re.compile(r"(?<![^\W_])divx(?![^\W_])", re.IGNORECASE)),
    ("mpeg2", re.compile(r"(?<![^\W_])(?:mpeg[ .-]?2|h262)(?![^\W_])", re.IGNORECASE)),
    ("vc1", re.compile(r"(?<![^\W_])vc[ .-]?1(?![^\W_])", re.IGNORECASE)),
)
_GROUP = re.compile(r"-\s*([A-Za-z0-9]+)\s*(?:\[[^\]]*\])?\s*$")


def codec_family(codec: str | None, title: str) -> str | None:
    """'H.265', 'x265', 'HEVC' -> 'hevc'; from the parsed codec, else from the title."""
    for text in (codec, title):
        if not text:
            continue
        for family, pattern in _CODEC_FAMILIES:
            if pattern.search(text):
                return family
    return None


def release_group(parsed_group: str | None, title: str) -> str | None:
    """The group that made the release: the parser's, else the title's '-GROUP' tail."""
    if parsed_group:
        return parsed_group
    found = _GROUP.search(title)
    return found.group(1) if found else None


def _ranked(have: str | None, wanted: tuple[str, ...], what: str) -> tuple[float, str]:
    if have is None:
        return _UNKNOWN, f"{what} not stated"
    if have in wanted:
        place = wanted.index(have)
        return max(1.0 - _STEP * place, _OTHER), f"{have}: preferred {what} #{place + 1}"
    return _OTHER, f"{have}: not a preferred {what}"


def preference_component(terms: TicketTerms, offer: Offer) -> tuple[Component | None, bool]:
    """The preference component (None with nothing to prefer) and whether the group is avoided."""
    prefs = terms.preferences
    ticket_codec = terms.request.constraints.video_codec
    codecs = tuple(dict.fromkeys(
        ([ticket_codec] if ticket_codec and ticket_codec != "copy" else [])
        + list(prefs.preferred_video_codecs)))
    parts: list[tuple[float, str]] = []
    title = offer.candidate.title
    if codecs:
        parts.append(_ranked(codec_family(offer.parsed.codec, title), codecs, "codec"))
    if prefs.preferred_resolutions:
        lines = resolution_lines(offer.parsed.resolution)
        parts.append(_ranked(f"{lines}p" if lines else None, prefs.preferred_resolutions,
                             "resolution"))
    avoided = False
    if prefs.preferred_release_groups or prefs.avoided_release_groups:
        group = release_group(offer.parsed.release_group, title)
        key = (group or "").lower()
        if key and key in {g.lower() for g in prefs.avoided_release_groups}:
            avoided = True
            parts.append((0.0, f"group {group} is avoided"))
        elif key and key in {g.lower() for g in prefs.preferred_release_groups}:
            parts.append((1.0, f"group {group} is preferred"))
        else:
            parts.append((_NEUTRAL_GROUP, f"group {group or 'unknown'}: no preference"))
    if not parts:
        return None, avoided
    value = sum(v for v, _ in parts) / len(parts)
    return Component("preferences", PREFERENCE_WEIGHT, value, "; ".join(r for _, r in parts)), \
        avoided
