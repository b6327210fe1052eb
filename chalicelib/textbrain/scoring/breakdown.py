"""An explainable score: named weighted components, hard rejections, and their printout.

Modelled on beets' autotagger distance, but as a score: 1 is a perfect match.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from chalicelib.domain.candidate import TorrentCandidate
from chalicelib.textbrain.mapping import FileMapping


@dataclass(frozen=True)
class Component:
    """One named part of a score: its weight, its 0..1 value and why it has that value."""

    name: str
    weight: float
    value: float
    reason: str

    def __post_init__(self) -> None:
        if not 0.0 <= self.value <= 1.0:
            raise ValueError(f"component {self.name}: value {self.value} is outside 0..1")
        if self.weight < 0:
            raise ValueError(f"component {self.name}: weight {self.weight} is negative")

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "weight": self.weight, "value": self.value,
                "reason": self.reason}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Component:
        return cls(str(data["name"]), float(data["weight"]), float(data["value"]),
                   str(data["reason"]))


@dataclass(frozen=True)
class Rejection:
    """A hard fail: the candidate cannot be what the ticket asks for, and why."""

    code: str
    reason: str

    def to_dict(self) -> dict[str, Any]:
        return {"code": self.code, "reason": self.reason}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Rejection:
        return cls(str(data["code"]), str(data["reason"]))


def weighted_total(components: Sequence[Component]) -> float:
    """The weighted mean of the components' values; 0 when there is nothing to weigh."""
    weight = sum(c.weight for c in components)
    if weight <= 0:
        return 0.0
    return sum(c.weight * c.value for c in components) / weight


@dataclass(frozen=True)
class ScoredCandidate:
    """A candidate with its score breakdown; a rejected one keeps its breakdown but totals 0.

    `raw_total` is the weighted mean before rejections; `red_flags` are the flags the ticket
    did not ask for (a flagged candidate is never auto-approved); `scope` says what the
    release is relative to the ticket (album, discography, season_pack, ...).
    """

    candidate: TorrentCandidate
    components: tuple[Component, ...]
    rejections: tuple[Rejection, ...] = ()
    red_flags: tuple[str, ...] = ()
    mapping: FileMapping | None = None
    scope: str = "unknown"

    @property
    def raw_total(self) -> float:
        return weighted_total(self.components)

    @property
    def total(self) -> float:
        return 0.0 if self.rejections else self.raw_total

    @property
    def rejected(self) -> bool:
        return bool(self.rejections)

    @property
    def flagged(self) -> bool:
        return bool(self.red_flags)

    def component(self, name: str) -> Component | None:
        """The component of that name, or None when it was not scored."""
        return next((c for c in self.components if c.name == name), None)

    def explain(self) -> str:
        """A multi-line, human-readable account of the score."""
        head = f"{self.candidate.title} [{self.candidate.indexer}]"
        status = "REJECTED" if self.rejected else f"{self.total:.2f}"
        lines = [f"{head}: {status} (raw {self.raw_total:.2f}, scope {self.scope})"]
        lines += [f"  x {r.code}: {r.reason}" for r in self.rejections]
        if self.red_flags:
            lines.append(f"  ! red flags: {', '.join(self.red_flags)}")
        width = max((len(c.name) for c in self.components), default=0)
        for c in self.components:
            lines.append(f"  {c.name:<{width}}  {c.value:4.2f} x {c.weight:<4g} {c.reason}")
        if self.mapping is not None:
            m = self.mapping
            lines.append(f"  files: {len(m.mapped)} mapped, {len(m.unmapped)} unmapped"
                         + (f", folder '{m.folder}'" if m.folder else ""))
            lines += [f"    - {u.item_id}: {u.reason}" for u in m.unmapped]
        return "\n".join(lines)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form, with the derived totals included for readers."""
        return {
            "candidate": self.candidate.to_dict(),
            "total": round(self.total, 4),
            "raw_total": round(self.raw_total, 4),
            "rejected": self.rejected,
            "scope": self.scope,
            "components": [c.to_dict() for c in self.components],
            "rejections": [r.to_dict() for r in self.rejections],
            "red_flags": list(self.red_flags),
            "mapping": self.mapping.to_dict() if self.mapping is not None else None,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ScoredCandidate:
        """Inverse of `to_dict` (the derived totals are recomputed, not read)."""
        mapping = data.get("mapping")
        return cls(
            candidate=TorrentCandidate.from_dict(data["candidate"]),
            components=tuple(Component.from_dict(c) for c in data.get("components", ())),
            rejections=tuple(Rejection.from_dict(r) for r in data.get("rejections", ())),
            red_flags=tuple(str(f) for f in data.get("red_flags", ())),
            mapping=FileMapping.from_dict(mapping) if mapping is not None else None,
            scope=str(data.get("scope", "unknown")),
        )
