"""Turn a client's ticket JSON into a TicketRequest, naming every offending field.

The shape and every single-field rule are the pydantic models of request_schema.py (the same
models the OpenAPI document is generated from); the rules across fields are checked here from
that module's tables, on the raw body, so that one answer names every problem at once.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from pydantic import ValidationError as PydanticValidationError

from chalicelib.domain.errors import FieldError, ValidationError
from chalicelib.domain.request import (
    Constraints,
    ContentType,
    ItemKind,
    OutputFormat,
    QueryContext,
    TicketItem,
    TicketRequest,
)
from chalicelib.domain.request_schema import (
    IMAGE_TYPES,
    MAX_ITEMS,
    OTHER_NEEDS_ONE,
    QUERY_KEYS,
    REQUEST_SCOPES,
    REQUIRED_QUERY_FIELDS,
    RESOLUTIONS,
    SCOPE_IMPLIES,
    VIDEO_CODECS,
    ConstraintsBody,
    ImageBody,
    ItemBody,
    QueryContextBody,
    TicketRequestBody,
    TrackBody,
    check_dest_path,
)
from chalicelib.domain.schema_types import field_errors

__all__ = ["IMAGE_TYPES", "MAX_ITEMS", "REQUEST_SCOPES", "RESOLUTIONS", "VIDEO_CODECS",
           "check_dest_path", "parse_ticket_request"]


def parse_ticket_request(body: Any, allowed_roots: Sequence[str]) -> TicketRequest:
    """Validate a ticket JSON body; raise ValidationError naming every bad field."""
    if not isinstance(body, dict):
        raise ValidationError(FieldError("body", "must be a JSON object"))
    errors: list[FieldError] = []
    model: TicketRequestBody | None = None
    try:
        model = TicketRequestBody.model_validate(body, context={"roots": tuple(allowed_roots)})
    except PydanticValidationError as e:
        errors.extend(field_errors(e))
    errors.extend(_query_rules(body, {e.field for e in errors}))
    errors.extend(_item_rules(body, bool(errors)))
    if errors or model is None:
        raise ValidationError(errors or [FieldError("body", "is invalid")])
    return _request(model, effective_expected(body))


def effective_expected(body: dict[str, Any]) -> str | None:
    """The content type a body asks for: its `expected`, else what its scope (or an artist
    and an album) implies, else None."""
    key = _query_key(body)
    query = body.get(key) if key else None
    if not isinstance(query, dict):
        return None
    if query.get("expected") is not None:
        value = query["expected"]
        return value if isinstance(value, str) else None
    scope = body.get("request_scope")
    if scope in SCOPE_IMPLIES[0][0]:
        return SCOPE_IMPLIES[0][1]
    if "artist" in query and "album" in query:
        return ContentType.ALBUM.value
    return next((ctype for scopes, ctype in SCOPE_IMPLIES if scope in scopes), None)


def _query_key(body: dict[str, Any]) -> str | None:
    return next((k for k in QUERY_KEYS if k in body), None)


def _query_rules(body: dict[str, Any], reported: set[str]) -> list[FieldError]:
    present = [k for k in QUERY_KEYS if k in body]
    if not present:
        return [FieldError("search", "is required (or query_context)")]
    if len(present) > 1:
        return [FieldError("search", "give either search or query_context, not both")]
    key = present[0]
    query = body[key]
    if not isinstance(query, dict):
        return []  # reported by the model
    expected = effective_expected(body)
    if expected is None:
        if f"{key}.expected" in reported:
            return []
        return [FieldError(f"{key}.expected", "is required when request_scope does not "
                                              "imply it")]
    if expected not in REQUIRED_QUERY_FIELDS:
        return []  # not a content type: reported by the model
    found = [FieldError(f"{key}.{name}", f"is required for {expected} tickets")
             for name in REQUIRED_QUERY_FIELDS[expected] if name not in query]
    if expected == ContentType.OTHER.value and not any(query.get(n) for n in OTHER_NEEDS_ONE):
        found.append(FieldError(f"{key}.title", "a title, description or tags are required"))
    return found


def _item_rules(body: dict[str, Any], other_errors: bool) -> list[FieldError]:
    """At least one track or non-image item; ids and dest paths unique within the ticket."""
    found: list[FieldError] = []
    entries: list[tuple[str, str, Any]] = []  # (list key, id field, entry)
    for key, id_field in (("tracks", "catalog_track_id"), ("images", "catalog_image_id"),
                          ("items", "item_id")):
        raw = body.get(key)
        if isinstance(raw, list):
            entries.extend((key, id_field, e) for e in raw if isinstance(e, dict))
    wanted = [e for key, _, e in entries
              if key == "tracks" or (key == "items" and e.get("kind") != ItemKind.IMAGE.value)]
    if not wanted and not other_errors:
        found.append(FieldError("tracks", "at least one track or item is required"))
    seen_paths: dict[str, str] = {}
    seen_ids: set[str] = set()
    for _, id_field, entry in entries:
        item_id, dest = entry.get(id_field), entry.get("dest_path")
        if not isinstance(item_id, str):
            continue
        if isinstance(dest, str):
            if dest in seen_paths:
                found.append(FieldError(f"{item_id}.dest_path",
                                        f"duplicates the dest_path of {seen_paths[dest]}"))
            seen_paths.setdefault(dest, item_id)
        if item_id in seen_ids:
            found.append(FieldError(item_id, "duplicate item id"))
        seen_ids.add(item_id)
    return found


# --- the validated body as the domain's TicketRequest --------------------------------------
def _request(m: TicketRequestBody, expected: str | None) -> TicketRequest:
    query_body = m.query_context if m.query_context is not None else m.search
    assert query_body is not None and expected is not None, "checked by the rules above"
    ctype = ContentType(expected)
    items = [_track(t) for t in m.tracks or ()] + [_image(i) for i in m.images or ()] + [
        _item(i) for i in m.items or ()]
    return TicketRequest(
        priority=100 if m.priority is None else m.priority,
        dry_run=bool(m.dry_run),
        request_scope=m.request_scope or _default_scope(ctype),
        query=_query(query_body, ctype),
        items=tuple(items),
        constraints=_constraints(m.constraints),
        metadata_to_embed=dict(m.metadata_to_embed or {}),
    )


def _default_scope(expected: ContentType) -> str:
    return {
        ContentType.ALBUM: "full_album",
        ContentType.TRACK: "tracks",
        ContentType.MOVIE: "movie",
        ContentType.TV_EPISODE: "episode",
    }.get(expected, "item")


def _strip(value: str | None) -> str | None:
    return None if value is None else value.strip()


def _query(q: QueryContextBody, ctype: ContentType) -> QueryContext:
    return QueryContext(
        expected=ctype, artist=_strip(q.artist), album=_strip(q.album), title=_strip(q.title),
        year=q.year, season=q.season, episode=q.episode, author=_strip(q.author),
        version=_strip(q.version), label=_strip(q.label),
        genres=tuple(g.strip() for g in q.genres or ()), description=_strip(q.description),
        tags=tuple(t.strip() for t in q.tags or ()), imdb_id=_strip(q.imdb_id),
        musicbrainz_release_id=_strip(q.musicbrainz_release_id),
    )


def _duration(value: float | None) -> float | None:
    return None if value is None else float(value)


def _track(t: TrackBody) -> TicketItem:
    return TicketItem(
        item_id=t.catalog_track_id, kind=ItemKind.TRACK, dest_path=t.dest_path,
        name=t.name.strip(), disc_number=t.disc_number or 1, track_number=t.track_number,
        duration_secs=_duration(t.duration_secs), requested=t.requested is not False,
    )


def _image(i: ImageBody) -> TicketItem:
    return TicketItem(item_id=i.catalog_image_id, kind=ItemKind.IMAGE, dest_path=i.dest_path,
                      image_type=i.type or "cover_front", requested=i.requested is not False)


def _item(i: ItemBody) -> TicketItem:
    return TicketItem(
        item_id=i.item_id, kind=ItemKind(i.kind or ItemKind.FILE.value), dest_path=i.dest_path,
        name=_strip(i.name), season=i.season, episode=i.episode, disc_number=i.disc_number,
        track_number=i.track_number, duration_secs=_duration(i.duration_secs),
        requested=i.requested is not False,
    )


def _constraints(c: ConstraintsBody | None) -> Constraints:
    if c is None:
        return Constraints()
    return Constraints(
        format=OutputFormat(c.format or OutputFormat.ORIGINAL.value),
        bitrate_kbps=c.bitrate_kbps,
        sample_rate_hz=c.sample_rate_hz,
        bit_depth=c.bit_depth,
        video_codec=c.video_codec,
        min_resolution=c.min_resolution,
        embed_metadata=c.embed_metadata is not False,
        embed_cover=bool(c.embed_cover),
        audio_languages=tuple(dict.fromkeys(c.audio_languages or ())),
        subtitle_languages=tuple(dict.fromkeys(c.subtitle_languages or ())),
        extract_subtitles=bool(c.extract_subtitles),
    )
