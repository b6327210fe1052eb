"""Search testing: run one query through the indexers and score what comes back.

Lets an operator see what the searcher finds and how TextBrain judges it, without a ticket.
"""

from __future__ import annotations

import time
from typing import Any

from chalicelib.auth.identity import Identity
from chalicelib.content.rules import rules_for
from chalicelib.domain.candidate import SearchQuery
from chalicelib.domain.errors import FieldError, NotConfigured, ValidationError
from chalicelib.domain.plain_text import require_plain
from chalicelib.domain.redaction import redact_secrets
from chalicelib.domain.request import (
    Constraints,
    ContentType,
    ItemKind,
    QueryContext,
    TicketItem,
    TicketRequest,
)
from chalicelib.services.searching import SearchService
from chalicelib.textbrain.scoring import rank

MAX_SHOWN = 50


def _text(body: dict[str, Any], name: str) -> str | None:
    value = body.get(name)
    if value is None or value == "":
        return None
    if not isinstance(value, str) or len(value) > 300:
        raise ValidationError(FieldError(name, "must be a string of at most 300 characters"))
    return require_plain(value, name).strip() or None


def _int(body: dict[str, Any], name: str) -> int | None:
    value = body.get(name)
    if value is None or value == "":
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ValidationError(FieldError(name, "must be a non-negative integer"))
    return value


def probe_request(body: dict[str, Any]) -> tuple[str, TicketRequest]:
    """The query text and a stand-in ticket describing what the operator expects."""
    query = _text(body, "query")
    if not query:
        raise ValidationError(FieldError("query", "is required"))
    raw_expected = body.get("expected") or "album"
    try:
        expected = ContentType(raw_expected)
    except ValueError as e:
        allowed = ", ".join(c.value for c in ContentType)
        raise ValidationError(FieldError("expected", f"must be one of: {allowed}")) from e
    artist, album, title = _text(body, "artist"), _text(body, "album"), _text(body, "title")
    if expected.is_music and not (artist and album):
        left, sep, right = query.partition(" - ")
        artist = artist or (left.strip() if sep else query)
        album = album or (right.strip() if sep else query)
    context = QueryContext(
        expected=expected, artist=artist, album=album, title=title or query,
        year=_int(body, "year"), season=_int(body, "season"), episode=_int(body, "episode"),
    )
    kind = ItemKind.TRACK if expected.is_music else (
        ItemKind.VIDEO if expected.is_video else ItemKind.FILE)
    request = TicketRequest(
        priority=0, dry_run=True, request_scope="item", query=context,
        items=(TicketItem("probe", kind, "/search-test/probe"),), constraints=Constraints(),
    )
    return query, request


class SearchTester:
    def __init__(self, searching: SearchService | None) -> None:
        self._searching = searching

    def run(self, body: dict[str, Any], who: Identity) -> dict[str, Any]:
        query, request = probe_request(body)
        if self._searching is None:
            raise NotConfigured("searcher", "no indexer is configured ([searcher] url)")
        rules = rules_for(request.query.expected)
        started = time.monotonic()
        found = self._searching.search(
            SearchQuery(text=query, kind=rules.search_kind, categories=rules.categories),
            actor=who.user_id,
        )
        blocked = {id(r.candidate): r for r in found.results if r.is_blocked}
        scored = rank(request, [r.candidate for r in found.results])
        shown = []
        for s in scored[:MAX_SHOWN]:
            entry = s.to_dict()
            hit = blocked.get(id(s.candidate))
            entry["blocked"] = hit.blocked.reason if hit is not None and hit.blocked else None
            shown.append(redact_secrets(entry))
        return {
            "query": query,
            "expected": request.query.expected.value,
            "scored_against": {k: v for k, v in (("artist", request.query.artist),
                                                  ("album", request.query.album),
                                                  ("title", request.query.title)) if v},
            "candidates": shown,
            "total_found": len(found.results),
            "duration_ms": round((time.monotonic() - started) * 1000),
            "audit_event_id": found.event_id,
        }
