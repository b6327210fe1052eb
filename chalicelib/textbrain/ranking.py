"""The rank command's contract: one JSON ticket with candidates in, one JSON verdict out.

Input line: {"ticket": <POST /api/v1/ticket body>, "candidates": [{"title", "size",
"seeders", "files": [{"path", "size"}] (optional)}]}.
Output line: {"ranking", "recommended", "auto_approve", "confidence", "scores", "reasons"},
indices pointing into the input's candidates. A bad line is answered with
{"error", "fields": [{"field", "message"}]} naming what is wrong.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from chalicelib.domain.candidate import TorrentCandidate, TorrentFile
from chalicelib.domain.errors import FieldError, ValidationError
from chalicelib.domain.request import TicketRequest
from chalicelib.domain.validation import parse_ticket_request
from chalicelib.textbrain.decision import AcquisitionDecision
from chalicelib.textbrain.scoring import ScoredCandidate

# Any absolute destination is acceptable here: nothing is placed, only ranked.
ANY_ROOT = ("/",)
_CANDIDATE_KEYS = frozenset({"title", "size", "seeders", "files"})
_TOP_KEYS = frozenset({"ticket", "candidates"})
_REASONS_PER_CANDIDATE = 6


@dataclass(frozen=True)
class RankInput:
    """A validated rank request: the ticket, its candidates, and the file lists by hash."""

    request: TicketRequest
    candidates: tuple[TorrentCandidate, ...]
    files_by_hash: dict[str, list[TorrentFile]]


def read_rank_input(data: Any, allowed_roots: Sequence[str] = ANY_ROOT) -> RankInput:
    """Validate one input object; raise ValidationError naming every bad field."""
    if not isinstance(data, dict):
        raise ValidationError(FieldError("line", "must be a JSON object"))
    errors = [FieldError(key, "is not a known field") for key in sorted(set(data) - _TOP_KEYS)]
    request: TicketRequest | None = None
    if "ticket" not in data:
        errors.append(FieldError("ticket", "is required"))
    else:
        try:
            request = parse_ticket_request(data["ticket"], allowed_roots)
        except ValidationError as bad:
            errors += [FieldError(f"ticket.{e.field}", e.message) for e in bad.errors]
    raw = data.get("candidates")
    candidates: list[TorrentCandidate] = []
    files_by_hash: dict[str, list[TorrentFile]] = {}
    if not isinstance(raw, list):
        errors.append(FieldError("candidates", "is required and must be a list"))
    else:
        for index, entry in enumerate(raw):
            found = _candidate(entry, index, errors)
            if found is not None:
                candidate, files = found
                candidates.append(candidate)
                if files is not None:
                    files_by_hash[_hash_of(index)] = files
    if errors or request is None:
        raise ValidationError(errors or [FieldError("ticket", "is invalid")])
    return RankInput(request, tuple(candidates), files_by_hash)


def _hash_of(index: int) -> str:
    """A stand-in info hash that carries the candidate's input position."""
    return f"{index:040x}"


def _candidate(
    entry: Any, index: int, errors: list[FieldError]
) -> tuple[TorrentCandidate, list[TorrentFile] | None] | None:
    where = f"candidates[{index}]"
    if not isinstance(entry, dict):
        errors.append(FieldError(where, "must be an object"))
        return None
    before = len(errors)
    errors += [FieldError(f"{where}.{key}", "is not a known field")
               for key in sorted(set(entry) - _CANDIDATE_KEYS)]
    title = entry.get("title")
    if not isinstance(title, str) or not title.strip():
        errors.append(FieldError(f"{where}.title", "is required and must be a non-empty string"))
    size = _count(entry.get("size"), f"{where}.size", errors)
    seeders = _count(entry.get("seeders"), f"{where}.seeders", errors)
    files = _files(entry.get("files"), f"{where}.files", errors)
    if len(errors) > before or not isinstance(title, str):
        return None
    candidate = TorrentCandidate(
        title=title, indexer="rank", indexer_id="rank", info_hash=_hash_of(index), size=size,
        seeders=seeders, files_count=len(files) if files is not None else None,
    )
    return candidate, files


def _count(value: Any, where: str, errors: list[FieldError]) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        errors.append(FieldError(where, "must be a non-negative integer or null"))
        return None
    return value


def _files(value: Any, where: str, errors: list[FieldError]) -> list[TorrentFile] | None:
    if value is None:
        return None
    if not isinstance(value, list):
        errors.append(FieldError(where, "must be a list of {path, size} objects"))
        return None
    files = []
    for i, entry in enumerate(value):
        path = entry.get("path") if isinstance(entry, dict) else None
        size = entry.get("size") if isinstance(entry, dict) else None
        if not isinstance(path, str) or not path:
            errors.append(FieldError(f"{where}[{i}].path", "is required and must be a string"))
            continue
        if isinstance(size, bool) or not isinstance(size, int) or size < 0:
            errors.append(FieldError(f"{where}[{i}].size", "must be a non-negative integer"))
            continue
        files.append(TorrentFile(path, size))
    return files


def rank_answer(decision: AcquisitionDecision, count: int) -> dict[str, Any]:
    """The output object for a decision over `count` input candidates."""
    position = {int(s.candidate.info_hash or "0", 16): s for s in decision.candidates}
    ranking = [int(s.candidate.info_hash or "0", 16) for s in decision.candidates]
    recommended = decision.recommended
    return {
        "ranking": ranking,
        "recommended": (int(recommended.candidate.info_hash or "0", 16)
                        if recommended is not None else None),
        "auto_approve": decision.auto_approve,
        "confidence": round(decision.confidence, 4),
        "scores": [round(position[i].total, 4) for i in range(count)],
        "reasons": [_reasons(position[i]) for i in range(count)],
    }


def _reasons(scored: ScoredCandidate) -> list[str]:
    """Why a candidate scored as it did: hard fails and red flags first, then its weakest parts."""
    reasons = [r.reason for r in scored.rejections]
    if scored.red_flags:
        reasons.append("red flags: " + ", ".join(scored.red_flags))
    weakest = sorted(scored.components, key=lambda c: (c.value, -c.weight))
    reasons += [f"{c.name}: {c.reason}" for c in weakest]
    return reasons[:_REASONS_PER_CANDIDATE]


def error_answer(error: ValidationError) -> dict[str, Any]:
    """The output object for a line that could not be ranked."""
    return {"error": error.message,
            "fields": [{"field": e.field, "message": e.message} for e in error.errors]}
