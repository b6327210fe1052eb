"""The ticket request body (`POST /api/v1/ticket`) as pydantic models.

The models validate the body (chalicelib/domain/validation.py) and their JSON Schema is the
published one (chalicelib/api/openapi.py). The rules that span fields — which query fields a
content type needs, at least one track or item — are written once here as tables; both the
check and the schema's `anyOf` shapes are derived from them. What JSON Schema cannot say (a
dest_path inside the configured roots, unique ids and paths) stays a check, described in the
schema's text; the served document adds the configured roots to the dest_path pattern.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from typing import Annotated, Any

from pydantic import Field, GetCoreSchemaHandler, GetJsonSchemaHandler, ValidationInfo
from pydantic_core import CoreSchema, PydanticCustomError, core_schema

from chalicelib.domain.request import ContentType, ItemKind, OutputFormat
from chalicelib.domain.schema_types import (
    CONTROL,
    MAX_TEXT,
    Choice,
    Pattern,
    StrictModel,
    Text,
)
from chalicelib.domain.video_codecs import TARGET_VIDEO_CODECS

MAX_ITEMS = 5000
PRIORITY_RANGE = (0, 65535)
SERVER_OWNED = ("ticket_id", "created_at", "updated_at", "requested_by", "linked_tickets",
                "state", "history")
REQUEST_SCOPES = ("full_album", "tracks", "track", "discography", "movie", "episode", "season",
                  "item")
SAMPLE_RATES = (8000, 11025, 16000, 22050, 24000, 32000, 44100, 48000, 88200, 96000, 176400,
                192000)
BIT_DEPTHS = (16, 24, 32)
VIDEO_CODECS = tuple(sorted(TARGET_VIDEO_CODECS))
RESOLUTIONS = ("480p", "576p", "720p", "1080p", "2160p")
IMAGE_TYPES = ("cover_front", "cover_back", "booklet", "disc", "artist", "poster", "fanart",
               "other")
CONTENT_TYPES = tuple(c.value for c in ContentType)
ITEM_KINDS = tuple(k.value for k in ItemKind)
OUTPUT_FORMATS = tuple(f.value for f in OutputFormat)
QUERY_KEYS = ("query_context", "search")  # `search` is the music-shaped alias

# Which query fields each content type needs; `other` needs any one of OTHER_NEEDS_ONE.
REQUIRED_QUERY_FIELDS: dict[str, tuple[str, ...]] = {
    "album": ("artist", "album"), "track": ("artist",), "movie": ("title",),
    "tv_episode": ("title", "season"), "ebook": ("title",), "software": ("title",),
    "other": (),
}
OTHER_NEEDS_ONE = ("title", "description", "tags")
# Without `expected`, the request scope (else an artist and an album) implies the type, in
# this order; with neither, `expected` is required.
SCOPE_IMPLIES: tuple[tuple[tuple[str, ...], str], ...] = (
    (("tracks", "track"), "track"),
    (("full_album", "discography"), "album"),
    (("episode", "season"), "tv_episode"),
    (("movie",), "movie"),
)

# Invisible format characters (bidi overrides, zero-width spaces and joiners, BOM, soft
# hyphen): in a file name they show one name and write another.
INVISIBLE = r"\u00ad\u061c\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u206f\ufeff"
_INVISIBLE = re.compile(f"[{INVISIBLE}]")
_NOT_IN_PATH = CONTROL + INVISIBLE
# A path segment: no '/', no controls or invisible characters, and neither '.' nor '..'.
_SEG = (rf"(?:[^/.{_NOT_IN_PATH}][^/{_NOT_IN_PATH}]*|\.[^/.{_NOT_IN_PATH}][^/{_NOT_IN_PATH}]*"
        rf"|\.\.[^/{_NOT_IN_PATH}]+)")
# An id names files and keys: the same, without white space first and without '\'.
ID_REGEX = (rf"(?:[^/\\.\s{CONTROL}][^/\\{CONTROL}]*|\.[^/\\.{CONTROL}][^/\\{CONTROL}]*"
            rf"|\.\.[^/\\{CONTROL}]+)")
_REGEX_SPECIAL = set(".^$*+?()[]{}|\\")
_CONTROL_CATEGORIES = frozenset({"Cc", "Zl", "Zp"})


def _escape(text: str) -> str:
    """A literal for a regex that Python, Rust and ECMA-262 engines all read the same way."""
    return "".join(f"\\{ch}" if ch in _REGEX_SPECIAL else ch for ch in text)


def _root_prefix(root: str) -> str:
    parts = [p for p in root.split("/") if p not in ("", ".")]
    return "".join(f"/{p}" for p in parts)


def dest_path_regex(roots: tuple[str, ...] | None = None) -> str:
    """A dest_path: an absolute file path of plain segments, inside one of `roots`."""
    if roots is None:
        return f"(?:/{_SEG})+"
    if not roots:
        return r"[^\s\S]"  # no root configured: nothing is inside
    prefixes = sorted({_escape(_root_prefix(r)) for r in roots})
    return f"(?:{'|'.join(prefixes)})(?:/{_SEG})+"


def check_dest_path(value: str, allowed_roots: Sequence[str]) -> str | None:
    """Why a destination path is unacceptable, or None when it is fine.

    The specific reasons come first; `dest_path_regex(roots)` (the schema's pattern) has the
    last word, so the check and the published pattern accept exactly the same paths."""
    control = next((ch for ch in value if unicodedata.category(ch) in _CONTROL_CATEGORIES),
                   None)
    if control is not None:
        # A newline or NUL in a file name splits log lines and breaks every tool downstream.
        return f"must not contain control characters (found U+{ord(control):04X})"
    invisible = _INVISIBLE.search(value)
    if invisible is not None:
        return f"must not contain invisible characters (found U+{ord(invisible[0]):04X})"
    if not value.startswith("/"):
        return "must be an absolute path"
    segments = value.split("/")[1:]
    if ".." in segments:
        return "must not contain '..'"
    if value.endswith("/"):
        return "must name a file"
    if "" in segments or "." in segments:
        return "must not contain empty or '.' segments"
    if len(value) > MAX_TEXT:
        return f"must be at most {MAX_TEXT} characters"
    if re.fullmatch(dest_path_regex(tuple(allowed_roots)), value) is None:
        return f"must be inside one of the allowed roots: {', '.join(allowed_roots)}"
    return None


class DestPath:
    """A dest_path's check: the roots come from the configuration (the validation context)."""

    def __get_pydantic_core_schema__(self, source: Any, handler: GetCoreSchemaHandler
                                     ) -> CoreSchema:
        return core_schema.with_info_after_validator_function(self._check, handler(source))

    def __get_pydantic_json_schema__(self, schema: CoreSchema, handler: GetJsonSchemaHandler
                                     ) -> dict[str, Any]:
        result = dict(handler(schema))
        result["pattern"] = f"^{dest_path_regex()}$"
        result["description"] = ("An absolute file path inside one of the configured "
                                 "allowed roots; unique within the ticket")
        return result

    @staticmethod
    def _check(value: str, info: ValidationInfo) -> str:
        roots = (info.context or {}).get("roots", ())
        problem = check_dest_path(value, roots)
        if problem:
            raise PydanticCustomError("dest_path", problem)
        return value


DestPathText = Annotated[str, Field(max_length=MAX_TEXT), DestPath()]
ItemId = Annotated[str, Field(max_length=200),
                   Pattern(ID_REGEX, "must be a non-empty name without '/', '\\', controls, "
                                     "and not '.' or '..'")]
ContentTypeName = Annotated[str, Choice(CONTENT_TYPES)]
Language = Annotated[str, Pattern("[a-z]{3}", 'must be a three-letter language code ("eng")')]


class QueryContextBody(StrictModel):
    """What to look for; `expected` may be left out when the request scope implies it."""

    expected: ContentTypeName | None = None
    artist: Text | None = None
    album: Text | None = None
    title: Text | None = None
    year: Annotated[int, Field(ge=1000, le=3000)] | None = None
    season: Annotated[int, Field(ge=0, le=10000)] | None = None
    episode: Annotated[int, Field(ge=0, le=100000)] | None = None
    author: Text | None = None
    version: Text | None = None
    label: Text | None = None
    genres: Annotated[list[Text], Field(max_length=100)] | None = None
    description: Text | None = None
    tags: Annotated[list[Text], Field(max_length=100)] | None = None
    imdb_id: Text | None = None
    musicbrainz_release_id: Text | None = None


class TrackBody(StrictModel):
    catalog_track_id: ItemId
    track_number: Annotated[int, Field(ge=1, le=9999)]
    name: Text
    dest_path: DestPathText
    disc_number: Annotated[int, Field(ge=1, le=999)] | None = None
    duration_secs: Annotated[float, Field(ge=0, allow_inf_nan=False)] | None = None
    requested: bool | None = None
    artist: Text | None = None


class ImageBody(StrictModel):
    catalog_image_id: ItemId
    dest_path: DestPathText
    type: Annotated[str, Choice(IMAGE_TYPES)] | None = None
    requested: bool | None = None


class ItemBody(StrictModel):
    item_id: ItemId
    dest_path: DestPathText
    kind: Annotated[str, Choice(ITEM_KINDS)] | None = None
    name: Text | None = None
    season: Annotated[int, Field(ge=0, le=10000)] | None = None
    episode: Annotated[int, Field(ge=0, le=100000)] | None = None
    disc_number: Annotated[int, Field(ge=1, le=999)] | None = None
    track_number: Annotated[int, Field(ge=1, le=9999)] | None = None
    duration_secs: Annotated[float, Field(ge=0, allow_inf_nan=False)] | None = None
    requested: bool | None = None


class ConstraintsBody(StrictModel):
    format: Annotated[str, Choice(OUTPUT_FORMATS)] | None = None
    bitrate_kbps: Annotated[int, Field(ge=8, le=5000)] | None = None
    sample_rate_hz: Annotated[int, Choice(SAMPLE_RATES)] | None = None
    bit_depth: Annotated[int, Choice(BIT_DEPTHS)] | None = None
    video_codec: Annotated[str, Choice(VIDEO_CODECS)] | None = None
    min_resolution: Annotated[str, Choice(RESOLUTIONS)] | None = None
    embed_metadata: bool | None = None
    embed_cover: bool | None = None
    audio_languages: Annotated[list[Language], Field(max_length=20)] | None = None
    subtitle_languages: Annotated[list[Language], Field(max_length=20)] | None = None
    extract_subtitles: bool | None = None


class MetadataValue:
    """A value to embed in the files' tags: a string (no controls) or a finite number."""

    _text = Pattern(rf"[^{CONTROL}]*", "must be a string without control characters")

    def __get_pydantic_core_schema__(self, source: Any, handler: GetCoreSchemaHandler
                                     ) -> CoreSchema:
        return core_schema.no_info_plain_validator_function(
            self._check, json_schema_input_schema=core_schema.any_schema())

    def __get_pydantic_json_schema__(self, schema: CoreSchema, handler: GetJsonSchemaHandler
                                     ) -> dict[str, Any]:
        return {"anyOf": [{"type": "string", "maxLength": MAX_TEXT,
                           "pattern": f"^(?:[^{CONTROL}]*)$"}, {"type": "number"}]}

    def _check(self, value: Any) -> str | int | float:
        if isinstance(value, str):
            if len(value) > MAX_TEXT:
                raise PydanticCustomError("metadata", f"must be at most {MAX_TEXT} characters")
            return self._text._check(value)
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            if value != value or value in (float("inf"), float("-inf")):
                raise PydanticCustomError("metadata", "must be a finite number")
            return value
        raise PydanticCustomError("metadata", "must be a string or a number")


Metadata = Annotated[Any, MetadataValue()]


EXAMPLE_ROOT = "/media"
TICKET_EXAMPLE: dict[str, Any] = {
    "priority": 100, "request_scope": "full_album",
    "search": {"artist": "Radiohead", "album": "OK Computer", "year": 1997},
    "tracks": [{"catalog_track_id": "t1", "disc_number": 1, "track_number": 1,
                "name": "Airbag", "duration_secs": 284,
                "dest_path": f"{EXAMPLE_ROOT}/albums/ok-computer/d1t01.ogg"}],
    "images": [{"catalog_image_id": "img1", "type": "cover_front",
                "dest_path": f"{EXAMPLE_ROOT}/albums/ok-computer/cover.jpg"}],
    "constraints": {"format": "ogg_vorbis", "bitrate_kbps": 320, "embed_cover": True},
    "metadata_to_embed": {"artist": "Radiohead", "album": "OK Computer", "year": 1997},
}


def _ticket_schema_extra(schema: dict[str, Any]) -> None:
    schema["description"] = (
        "Give `search` or `query_context` (not both), and at least one track or non-image "
        "item. `expected` may be left out when `request_scope` implies it (tracks/track: "
        "track; full_album/discography: album; episode/season: tv_episode; movie: movie) "
        "or the query names an artist and an album (album). Ids and dest paths must be "
        "unique within the ticket; dest paths must lie inside the configured allowed roots.")
    schema["allOf"] = [{"anyOf": query_shapes()}, {"anyOf": item_shapes()}]
    schema["examples"] = [TICKET_EXAMPLE]
    schema["not"] = {"required": list(QUERY_KEYS)}
    for name in SERVER_OWNED:
        schema["properties"][name] = {"description": "Set by the server; ignored if sent"}


class TicketRequestBody(StrictModel, json_schema_extra=_ticket_schema_extra):
    """A ticket request as a client sends it."""

    priority: Annotated[int, Field(ge=PRIORITY_RANGE[0], le=PRIORITY_RANGE[1])] | None = None
    dry_run: bool | None = None
    request_scope: Annotated[str, Choice(REQUEST_SCOPES)] | None = None
    search: QueryContextBody | None = None
    query_context: QueryContextBody | None = None
    tracks: Annotated[list[TrackBody], Field(max_length=MAX_ITEMS)] | None = None
    images: Annotated[list[ImageBody], Field(max_length=MAX_ITEMS)] | None = None
    items: Annotated[list[ItemBody], Field(max_length=MAX_ITEMS)] | None = None
    constraints: ConstraintsBody | None = None
    metadata_to_embed: dict[str, Metadata] | None = None
    # Sent back by clients that copy a ticket: accepted and ignored (see SERVER_OWNED).
    ticket_id: Any = None
    created_at: Any = None
    updated_at: Any = None
    requested_by: Any = None
    linked_tickets: Any = None
    state: Any = None
    history: Any = None


# --- the cross-field rules as JSON Schema, from the tables above ---------------------------
def _scope_in(scopes: tuple[str, ...]) -> dict[str, Any]:
    return {"required": ["request_scope"],
            "properties": {"request_scope": {"enum": list(scopes)}}}


def query_shapes() -> list[dict[str, Any]]:
    """The accepted ways to describe the query: one `anyOf` branch each."""
    shapes: list[dict[str, Any]] = []
    for key in QUERY_KEYS:
        for ctype, needs in REQUIRED_QUERY_FIELDS.items():
            ones: tuple[tuple[str, ...], ...] = tuple((f,) for f in OTHER_NEEDS_ONE) \
                if ctype == "other" else ((),)
            for one in ones:
                query: dict[str, Any] = {"required": ["expected", *needs, *one],
                                         "properties": {"expected": {"const": ctype}}}
                if "tags" in one:
                    query["properties"]["tags"] = {"minItems": 1}
                shapes.append({"required": [key], "properties": {key: query}})
        implied = {"not": {"required": ["expected"]}}
        for scopes, ctype in SCOPE_IMPLIES:
            shape = _scope_in(scopes)
            shape["required"] = [key, "request_scope"]
            shape["properties"][key] = {**implied,
                                        "required": list(REQUIRED_QUERY_FIELDS[ctype])}
            shapes.append(shape)
        # An artist and an album imply an album unless the scope says tracks.
        first = SCOPE_IMPLIES[0][0]
        shapes.append({"required": [key], "properties": {
            "request_scope": {"not": {"enum": list(first)}},
            key: {**implied, "required": ["artist", "album"]}}})
    return shapes


def item_shapes() -> list[dict[str, Any]]:
    non_image = [k for k in ITEM_KINDS if k != ItemKind.IMAGE.value]
    return [{"required": ["tracks"], "properties": {"tracks": {"minItems": 1}}},
            {"required": ["items"], "properties": {"items": {
                "contains": {"properties": {"kind": {"enum": non_image}}}}}}]
