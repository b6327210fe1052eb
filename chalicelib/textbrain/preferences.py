"""What a deployment prefers among video releases that all match: resolution, codec, groups.

Read from the `[textbrain]` configuration section:

    preferred_resolutions = ["1080p", "2160p", "720p"]   # best first
    preferred_video_codecs = ["hevc", "h264"]            # best first: hevc, h264, av1, vp9...
    preferred_release_groups = ["NTb", "FLUX"]           # ranked a little higher
    avoided_release_groups = ["YIFY", "EVO"]             # ranked lower, never auto-approved

A ticket's own `constraints.video_codec` comes before the configured codecs.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, fields
from typing import Any

from chalicelib.domain.errors import FieldError, ValidationError

RESOLUTIONS = ("480p", "576p", "720p", "1080p", "2160p")
VIDEO_CODECS = ("h264", "hevc", "av1", "vp9", "xvid", "divx", "mpeg2", "vc1")


@dataclass(frozen=True)
class RankingPreferences:
    """Configured preferences; empty lists express no preference."""

    preferred_resolutions: tuple[str, ...] = ()
    preferred_video_codecs: tuple[str, ...] = ()
    preferred_release_groups: tuple[str, ...] = ()
    avoided_release_groups: tuple[str, ...] = ()

    @property
    def any(self) -> bool:
        return any(getattr(self, f.name) for f in fields(self))

    @classmethod
    def from_mapping(cls, raw: Mapping[str, Any], prefix: str = "textbrain") -> RankingPreferences:
        """Read the keys above from a config section (other keys are ignored).

        Raises ValidationError naming each bad key.
        """
        errors: list[FieldError] = []
        values: dict[str, tuple[str, ...]] = {}
        allowed = {"preferred_resolutions": RESOLUTIONS, "preferred_video_codecs": VIDEO_CODECS}
        for f in fields(cls):
            value = raw.get(f.name, ())
            where = f"{prefix}.{f.name}"
            if not isinstance(value, list | tuple) or not all(
                isinstance(v, str) and v.strip() for v in value
            ):
                errors.append(FieldError(where, "must be a list of non-empty strings"))
                continue
            items = tuple(v.strip() for v in value)
            known = allowed.get(f.name)
            if known is not None:
                items = tuple(v.lower() for v in items)
                unknown = [v for v in items if v not in known]
                if unknown:
                    errors.append(FieldError(where, f"unknown value(s) {', '.join(unknown)}; "
                                                    f"use {', '.join(known)}"))
                    continue
            values[f.name] = items
        if errors:
            raise ValidationError(errors)
        preferred = {g.lower() for g in values.get("preferred_release_groups", ())}
        both = sorted(g for g in values.get("avoided_release_groups", ()) if g.lower() in preferred)
        if both:
            raise ValidationError(FieldError(f"{prefix}.avoided_release_groups",
                                             f"also preferred: {', '.join(both)}"))
        return cls(**values)
