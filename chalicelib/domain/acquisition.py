"""The acquisition record a ticket keeps: the latest decision, its candidates and file lists."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

from chalicelib.domain.candidate import TorrentFile

# Keys of the record's dict form that have a typed field; every other key is kept in
# `details` as written (the search summary, the threshold, TextBrain's file mapping...).
_TYPED = ("method", "confidence", "recommended_index", "reasoning", "candidates", "files",
          "failed", "catalog")


def candidate_key(info_hash: str | None, title: str) -> str:
    """How a candidate is keyed in a record (its file lists, the failed ones)."""
    return info_hash or f"title:{title.lower()}"


def scored_key(scored: dict[str, Any]) -> str:
    """`candidate_key` of a scored candidate in its dict form."""
    cand = scored.get("candidate", scored)
    return candidate_key(cand.get("info_hash"), str(cand.get("title", "")))


@dataclass(frozen=True)
class AcquisitionRecord:
    """What the acquisition stage decided and why, kept across states (and for training).

    `candidates` are TextBrain's scored candidates in their dict form (candidate, total,
    breakdown, red flags, mapping), best first, as the API and the dashboard show them.
    """

    method: str
    confidence: float
    recommended_index: int | None
    reasoning: str
    candidates: tuple[dict[str, Any], ...] = ()
    files: dict[str, list[dict[str, Any]]] | None = None  # fetched file lists by candidate key
    failed: tuple[str, ...] = ()  # keys of candidates whose download failed
    catalog: dict[str, Any] | None = None  # the kept torrent that covered every item
    details: dict[str, Any] = field(default_factory=dict)

    @property
    def recommended(self) -> dict[str, Any] | None:
        """The recommended scored candidate, if any."""
        if self.recommended_index is None:
            return None
        return self.candidates[self.recommended_index]

    def files_for(self, scored: dict[str, Any]) -> list[TorrentFile] | None:
        """The file list the acquisition fetched for a scored candidate, if it fetched one."""
        raw = (self.files or {}).get(scored_key(scored))
        return [TorrentFile(path=f["path"], size=int(f["size"])) for f in raw] if raw else None

    def with_failure(self, key: str) -> AcquisitionRecord:
        return replace(self, failed=tuple(sorted({*self.failed, key})))

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {**self.details, "method": self.method,
                               "confidence": self.confidence,
                               "recommended_index": self.recommended_index,
                               "reasoning": self.reasoning,
                               "candidates": [dict(c) for c in self.candidates]}
        if self.files is not None:
            out["files"] = self.files
        if self.failed:
            out["failed"] = list(self.failed)
        if self.catalog is not None:
            out["catalog"] = self.catalog
        return out

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> AcquisitionRecord:
        index = d.get("recommended_index")
        return cls(
            method=str(d.get("method") or "dumb"),
            confidence=float(d.get("confidence") or 0.0),
            recommended_index=index if isinstance(index, int) else None,
            reasoning=str(d.get("reasoning") or ""),
            candidates=tuple(d.get("candidates") or ()),
            files=d.get("files"),
            failed=tuple(d.get("failed") or ()),
            catalog=d.get("catalog"),
            details={k: v for k, v in d.items() if k not in _TYPED},
        )
