"""The result of mapping a torrent's files to a ticket's items."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class MappedItem:
    """One ticket item and the torrent file chosen for it."""

    item_id: str
    path: str
    file_index: int
    confidence: float
    reason: str

    def to_dict(self) -> dict[str, Any]:
        return {"item_id": self.item_id, "path": self.path, "file_index": self.file_index,
                "confidence": self.confidence, "reason": self.reason}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> MappedItem:
        return cls(str(data["item_id"]), str(data["path"]), int(data["file_index"]),
                   float(data["confidence"]), str(data["reason"]))


@dataclass(frozen=True)
class UnmappedItem:
    """A requested item no file was found for, and why."""

    item_id: str
    reason: str

    def to_dict(self) -> dict[str, Any]:
        return {"item_id": self.item_id, "reason": self.reason}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> UnmappedItem:
        return cls(str(data["item_id"]), str(data["reason"]))


@dataclass(frozen=True)
class FileMapping:
    """Which torrent file serves which requested item; `folder` is the album folder chosen."""

    mapped: tuple[MappedItem, ...] = ()
    unmapped: tuple[UnmappedItem, ...] = ()
    folder: str | None = None
    notes: tuple[str, ...] = ()

    @property
    def complete(self) -> bool:
        """Every requested item has a file."""
        return not self.unmapped

    @property
    def confidence(self) -> float:
        """Mean confidence over all requested items (an unmapped item counts as 0)."""
        count = len(self.mapped) + len(self.unmapped)
        return sum(m.confidence for m in self.mapped) / count if count else 0.0

    def for_item(self, item_id: str) -> MappedItem | None:
        """The mapping of one item, or None when it is not mapped."""
        return next((m for m in self.mapped if m.item_id == item_id), None)

    def to_dict(self) -> dict[str, Any]:
        return {
            "mapped": [m.to_dict() for m in self.mapped],
            "unmapped": [u.to_dict() for u in self.unmapped],
            "folder": self.folder,
            "notes": list(self.notes),
            "complete": self.complete,
            "confidence": round(self.confidence, 4),
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> FileMapping:
        return cls(
            mapped=tuple(MappedItem.from_dict(m) for m in data.get("mapped", ())),
            unmapped=tuple(UnmappedItem.from_dict(u) for u in data.get("unmapped", ())),
            folder=data.get("folder"),
            notes=tuple(str(n) for n in data.get("notes", ())),
        )
