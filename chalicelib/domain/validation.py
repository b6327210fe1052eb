"""Turn a client's ticket JSON into a TicketRequest, naming every offending field."""

from __future__ import annotations

import posixpath
import unicodedata
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

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
from chalicelib.domain.video_codecs import TARGET_VIDEO_CODECS

MAX_ITEMS = 5000
MAX_TEXT = 1000
PRIORITY_RANGE = (0, 65535)
SERVER_OWNED = frozenset(
    {"ticket_id", "created_at", "updated_at", "requested_by", "linked_tickets", "state", "history"}
)
TOP_LEVEL = frozenset(
    {
        "priority",
        "dry_run",
        "request_scope",
        "search",
        "query_context",
        "tracks",
        "images",
        "items",
        "constraints",
        "metadata_to_embed",
    }
)
REQUEST_SCOPES = frozenset(
    {"full_album", "tracks", "track", "discography", "movie", "episode", "season", "item"}
)
SEARCH_FIELDS = frozenset(
    {
        "expected",
        "artist",
        "album",
        "title",
        "year",
        "season",
        "episode",
        "author",
        "version",
        "label",
        "genres",
        "description",
        "tags",
        "imdb_id",
        "musicbrainz_release_id",
    }
)
TRACK_FIELDS = frozenset(
    {"catalog_track_id", "disc_number", "track_number", "name", "duration_secs", "dest_path",
     "requested", "artist"}
)
IMAGE_FIELDS = frozenset({"catalog_image_id", "type", "dest_path", "requested"})
ITEM_FIELDS = frozenset(
    {"item_id", "kind", "dest_path", "name", "season", "episode", "duration_secs", "requested",
     "disc_number", "track_number"}
)
CONSTRAINT_FIELDS = frozenset(
    {"format", "bitrate_kbps", "sample_rate_hz", "bit_depth", "video_codec", "min_resolution",
     "embed_metadata", "embed_cover", "audio_languages", "subtitle_languages",
     "extract_subtitles"}
)
SAMPLE_RATES = frozenset({8000, 11025, 16000, 22050, 24000, 32000, 44100, 48000, 88200, 96000,
                          176400, 192000})
VIDEO_CODECS = frozenset(TARGET_VIDEO_CODECS)
RESOLUTIONS = frozenset({"480p", "576p", "720p", "1080p", "2160p"})
IMAGE_TYPES = frozenset({"cover_front", "cover_back", "booklet", "disc", "artist", "poster",
                         "fanart", "other"})

T = TypeVar("T")


class _Collector:
    """Gathers field errors so a client learns about every problem in one answer."""

    def __init__(self) -> None:
        self.errors: list[FieldError] = []

    def add(self, field: str, message: str) -> None:
        self.errors.append(FieldError(field, message))

    def unknown_keys(self, obj: dict[str, Any], allowed: frozenset[str], prefix: str) -> None:
        for key in obj:
            if key not in allowed:
                self.add(f"{prefix}{key}", "unknown field")

    def get(
        self,
        obj: dict[str, Any],
        key: str,
        path: str,
        check: Callable[[Any, str], T | None],
        *,
        required: bool = False,
        default: T | None = None,
    ) -> T | None:
        if key not in obj or obj[key] is None:
            if required:
                self.add(path, "is required")
            return default
        return check(obj[key], path)

    # Each checker returns the value, or None after recording an error.
    def text(self, value: Any, path: str) -> str | None:
        if not isinstance(value, str) or not value.strip():
            self.add(path, "must be a non-empty string")
            return None
        if len(value) > MAX_TEXT:
            self.add(path, f"must be at most {MAX_TEXT} characters")
            return None
        if "\x00" in value:
            self.add(path, "must not contain NUL characters")
            return None
        return value.strip()

    def boolean(self, value: Any, path: str) -> bool | None:
        if not isinstance(value, bool):
            self.add(path, "must be true or false")
            return None
        return value

    def integer(self, value: Any, path: str, low: int, high: int) -> int | None:
        if isinstance(value, bool) or not isinstance(value, int):
            self.add(path, "must be an integer")
            return None
        if not low <= value <= high:
            self.add(path, f"must be between {low} and {high}")
            return None
        return value

    def number(self, value: Any, path: str) -> float | None:
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            self.add(path, "must be a number")
            return None
        if value < 0:
            self.add(path, "must not be negative")
            return None
        return float(value)

    def choice(self, value: Any, path: str, allowed: Sequence[str] | frozenset[str]) -> str | None:
        if not isinstance(value, str) or value not in allowed:
            self.add(path, f"must be one of: {', '.join(sorted(allowed))}")
            return None
        return value

    def text_list(self, value: Any, path: str) -> tuple[str, ...] | None:
        if not isinstance(value, list):
            self.add(path, "must be a list of strings")
            return None
        out = [self.text(v, f"{path}[{i}]") for i, v in enumerate(value)]
        return tuple(v for v in out if v is not None)


# Control characters (NUL, newline, DEL, C1 ...) and the Unicode line and paragraph separators.
_CONTROL_CATEGORIES = frozenset({"Cc", "Zl", "Zp"})


def check_dest_path(value: str, allowed_roots: Sequence[str]) -> str | None:
    """Why a destination path is unacceptable, or None when it is fine."""
    control = next((ch for ch in value if unicodedata.category(ch) in _CONTROL_CATEGORIES), None)
    if control is not None:
        # A newline or NUL in a file name splits log lines and breaks every tool downstream.
        return f"must not contain control characters (found U+{ord(control):04X})"
    if not value.startswith("/"):
        return "must be an absolute path"
    if ".." in value.split("/"):
        return "must not contain '..'"
    if value.endswith("/"):
        return "must name a file"
    normal = posixpath.normpath(value)
    for root in allowed_roots:
        root_n = posixpath.normpath(root)
        if normal.startswith(root_n.rstrip("/") + "/"):
            return None
    return f"must be inside one of the allowed roots: {', '.join(allowed_roots)}"


def parse_ticket_request(body: Any, allowed_roots: Sequence[str]) -> TicketRequest:
    """Validate a ticket JSON body; raise ValidationError naming every bad field."""
    c = _Collector()
    if not isinstance(body, dict):
        raise ValidationError(FieldError("body", "must be a JSON object"))
    c.unknown_keys(body, TOP_LEVEL | SERVER_OWNED, "")

    priority = c.get(body, "priority", "priority", lambda v, p: c.integer(v, p, *PRIORITY_RANGE),
                     default=100)
    dry_run = c.get(body, "dry_run", "dry_run", c.boolean, default=False)
    scope = c.get(body, "request_scope", "request_scope",
                  lambda v, p: c.choice(v, p, REQUEST_SCOPES))

    query = _parse_query(c, body, scope)
    items = _parse_items(c, body, allowed_roots)
    constraints = _parse_constraints(c, body.get("constraints"))
    metadata = body.get("metadata_to_embed") or {}
    if not isinstance(metadata, dict):
        c.add("metadata_to_embed", "must be an object")
        metadata = {}
    for key, value in metadata.items():
        if not isinstance(value, (str, int, float)) or isinstance(value, bool):
            c.add(f"metadata_to_embed.{key}", "must be a string or a number")

    if c.errors or query is None or priority is None:
        raise ValidationError(c.errors or [FieldError("body", "is invalid")])
    return TicketRequest(
        priority=priority,
        dry_run=bool(dry_run),
        request_scope=scope or _default_scope(query.expected),
        query=query,
        items=items,
        constraints=constraints,
        metadata_to_embed=dict(metadata),
    )


def _default_scope(expected: ContentType) -> str:
    return {
        ContentType.ALBUM: "full_album",
        ContentType.TRACK: "tracks",
        ContentType.MOVIE: "movie",
        ContentType.TV_EPISODE: "episode",
    }.get(expected, "item")


def _parse_query(c: _Collector, body: dict[str, Any], scope: str | None) -> QueryContext | None:
    key = "query_context" if "query_context" in body else "search"
    raw = body.get(key)
    if raw is None:
        c.add("search", "is required (or query_context)")
        return None
    if not isinstance(raw, dict):
        c.add(key, "must be an object")
        return None
    c.unknown_keys(raw, SEARCH_FIELDS, f"{key}.")
    expected_raw = raw.get("expected")
    if expected_raw is None:
        expected_raw = "tracks" if scope in ("tracks", "track") else None
        expected_raw = "track" if expected_raw else _guess_expected(raw, scope)
    expected = c.choice(expected_raw, f"{key}.expected", [t.value for t in ContentType])
    if expected is None:
        return None
    ctype = ContentType(expected)

    def text(name: str) -> str | None:
        return c.get(raw, name, f"{key}.{name}", c.text)

    def integer(name: str, low: int, high: int) -> int | None:
        return c.get(raw, name, f"{key}.{name}", lambda v, p: c.integer(v, p, low, high))

    q = QueryContext(
        expected=ctype,
        artist=text("artist"),
        album=text("album"),
        title=text("title"),
        year=integer("year", 1000, 3000),
        season=integer("season", 0, 10000),
        episode=integer("episode", 0, 100000),
        author=text("author"),
        version=text("version"),
        label=text("label"),
        genres=c.get(raw, "genres", f"{key}.genres", c.text_list) or (),
        description=text("description"),
        tags=c.get(raw, "tags", f"{key}.tags", c.text_list) or (),
        imdb_id=text("imdb_id"),
        musicbrainz_release_id=text("musicbrainz_release_id"),
    )
    required = {
        ContentType.ALBUM: ("artist", "album"),
        ContentType.TRACK: ("artist",),
        ContentType.MOVIE: ("title",),
        ContentType.TV_EPISODE: ("title", "season"),
        ContentType.EBOOK: ("title",),
        ContentType.SOFTWARE: ("title",),
    }.get(ctype, ())
    for name in required:
        if getattr(q, name) is None and name in raw:
            continue  # already reported as bad
        if getattr(q, name) is None:
            c.add(f"{key}.{name}", f"is required for {ctype.value} tickets")
    if ctype is ContentType.OTHER and not (q.title or q.description or q.tags):
        c.add(f"{key}.title", "a title, description or tags are required")
    return q


def _guess_expected(raw: dict[str, Any], scope: str | None) -> str | None:
    if scope in ("full_album", "discography") or ("artist" in raw and "album" in raw):
        return "album"
    if scope in ("episode", "season"):
        return "tv_episode"
    if scope == "movie":
        return "movie"
    return None


def _parse_items(
    c: _Collector, body: dict[str, Any], roots: Sequence[str]
) -> tuple[TicketItem, ...]:
    items: list[TicketItem] = []
    for key, parser in (("tracks", _parse_track), ("images", _parse_image), ("items", _parse_item)):
        raw = body.get(key)
        if raw is None:
            continue
        if not isinstance(raw, list):
            c.add(key, "must be a list")
            continue
        if len(raw) > MAX_ITEMS:
            c.add(key, f"must have at most {MAX_ITEMS} entries")
            continue
        for i, entry in enumerate(raw):
            path = f"{key}[{i}]"
            if not isinstance(entry, dict):
                c.add(path, "must be an object")
                continue
            item = parser(c, entry, path, roots)
            if item is not None:
                items.append(item)
    if not any(i.kind is not ItemKind.IMAGE for i in items) and not c.errors:
        c.add("tracks", "at least one track or item is required")
    _check_unique(c, items)
    return tuple(items)


def _check_unique(c: _Collector, items: list[TicketItem]) -> None:
    seen_paths: dict[str, str] = {}
    seen_ids: set[str] = set()
    for item in items:
        dest = posixpath.normpath(item.dest_path)
        if dest in seen_paths:
            c.add(f"{item.item_id}.dest_path", f"duplicates the dest_path of {seen_paths[dest]}")
        seen_paths.setdefault(dest, item.item_id)
        if item.item_id in seen_ids:
            c.add(f"{item.item_id}", "duplicate item id")
        seen_ids.add(item.item_id)


def _dest(c: _Collector, entry: dict[str, Any], path: str, roots: Sequence[str]) -> str | None:
    dest = c.get(entry, "dest_path", f"{path}.dest_path", c.text, required=True)
    if dest is None:
        return None
    problem = check_dest_path(dest, roots)
    if problem:
        c.add(f"{path}.dest_path", problem)
        return None
    return dest


def _parse_track(
    c: _Collector, e: dict[str, Any], path: str, roots: Sequence[str]
) -> TicketItem | None:
    c.unknown_keys(e, TRACK_FIELDS, f"{path}.")
    track_id = c.get(e, "catalog_track_id", f"{path}.catalog_track_id", c.text, required=True)
    name = c.get(e, "name", f"{path}.name", c.text, required=True)
    disc = c.get(e, "disc_number", f"{path}.disc_number", lambda v, p: c.integer(v, p, 1, 999),
                 default=1)
    number = c.get(e, "track_number", f"{path}.track_number",
                   lambda v, p: c.integer(v, p, 1, 9999), required=True)
    duration = c.get(e, "duration_secs", f"{path}.duration_secs", c.number)
    requested = c.get(e, "requested", f"{path}.requested", c.boolean, default=True)
    dest = _dest(c, e, path, roots)
    if track_id is None or name is None or number is None or dest is None:
        return None
    return TicketItem(
        item_id=track_id, kind=ItemKind.TRACK, dest_path=dest, name=name, disc_number=disc,
        track_number=number, duration_secs=duration, requested=bool(requested),
    )


def _parse_image(
    c: _Collector, e: dict[str, Any], path: str, roots: Sequence[str]
) -> TicketItem | None:
    c.unknown_keys(e, IMAGE_FIELDS, f"{path}.")
    image_id = c.get(e, "catalog_image_id", f"{path}.catalog_image_id", c.text, required=True)
    kind = c.get(e, "type", f"{path}.type", lambda v, p: c.choice(v, p, IMAGE_TYPES),
                 default="cover_front")
    requested = c.get(e, "requested", f"{path}.requested", c.boolean, default=True)
    dest = _dest(c, e, path, roots)
    if image_id is None or dest is None:
        return None
    return TicketItem(item_id=image_id, kind=ItemKind.IMAGE, dest_path=dest, image_type=kind,
                      requested=bool(requested))


def _parse_item(
    c: _Collector, e: dict[str, Any], path: str, roots: Sequence[str]
) -> TicketItem | None:
    c.unknown_keys(e, ITEM_FIELDS, f"{path}.")
    item_id = c.get(e, "item_id", f"{path}.item_id", c.text, required=True)
    kind = c.get(e, "kind", f"{path}.kind",
                 lambda v, p: c.choice(v, p, [k.value for k in ItemKind]), default="file")
    name = c.get(e, "name", f"{path}.name", c.text)
    season = c.get(e, "season", f"{path}.season", lambda v, p: c.integer(v, p, 0, 10000))
    episode = c.get(e, "episode", f"{path}.episode", lambda v, p: c.integer(v, p, 0, 100000))
    disc = c.get(e, "disc_number", f"{path}.disc_number", lambda v, p: c.integer(v, p, 1, 999))
    number = c.get(e, "track_number", f"{path}.track_number",
                   lambda v, p: c.integer(v, p, 1, 9999))
    duration = c.get(e, "duration_secs", f"{path}.duration_secs", c.number)
    requested = c.get(e, "requested", f"{path}.requested", c.boolean, default=True)
    dest = _dest(c, e, path, roots)
    if item_id is None or dest is None or kind is None:
        return None
    return TicketItem(
        item_id=item_id, kind=ItemKind(kind), dest_path=dest, name=name, season=season,
        episode=episode, disc_number=disc, track_number=number, duration_secs=duration,
        requested=bool(requested),
    )


def _parse_constraints(c: _Collector, raw: Any) -> Constraints:
    if raw is None:
        return Constraints()
    if not isinstance(raw, dict):
        c.add("constraints", "must be an object")
        return Constraints()
    c.unknown_keys(raw, CONSTRAINT_FIELDS, "constraints.")
    fmt = c.get(raw, "format", "constraints.format",
                lambda v, p: c.choice(v, p, [f.value for f in OutputFormat]), default="original")
    bitrate = c.get(raw, "bitrate_kbps", "constraints.bitrate_kbps",
                    lambda v, p: c.integer(v, p, 8, 5000))
    rate: int | None = None
    if "sample_rate_hz" in raw and raw["sample_rate_hz"] is not None:
        value = raw["sample_rate_hz"]
        if isinstance(value, bool) or value not in SAMPLE_RATES:
            c.add("constraints.sample_rate_hz",
                  f"must be one of: {', '.join(str(r) for r in sorted(SAMPLE_RATES))}")
        else:
            rate = int(value)
    depth = c.get(raw, "bit_depth", "constraints.bit_depth",
                  lambda v, p: c.choice(str(v), p, ["16", "24", "32"]))
    codec = c.get(raw, "video_codec", "constraints.video_codec",
                  lambda v, p: c.choice(v, p, VIDEO_CODECS))
    resolution = c.get(raw, "min_resolution", "constraints.min_resolution",
                       lambda v, p: c.choice(v, p, RESOLUTIONS))
    embed_meta = c.get(raw, "embed_metadata", "constraints.embed_metadata", c.boolean,
                       default=True)
    embed_cover = c.get(raw, "embed_cover", "constraints.embed_cover", c.boolean, default=False)
    audio = _languages(c, raw, "audio_languages")
    subtitles = _languages(c, raw, "subtitle_languages")
    extract = c.get(raw, "extract_subtitles", "constraints.extract_subtitles", c.boolean,
                    default=False)
    return Constraints(
        format=OutputFormat(fmt or "original"),
        bitrate_kbps=bitrate,
        sample_rate_hz=rate,
        bit_depth=int(depth) if depth else None,
        video_codec=codec,
        min_resolution=resolution,
        embed_metadata=bool(embed_meta),
        embed_cover=bool(embed_cover),
        audio_languages=audio,
        subtitle_languages=subtitles,
        extract_subtitles=bool(extract),
    )


def _languages(c: _Collector, raw: dict[str, Any], key: str) -> tuple[str, ...]:
    """A list of ISO 639-2 codes ("eng", "fre"), as ffprobe reports stream languages."""
    value = raw.get(key)
    if value is None:
        return ()
    path = f"constraints.{key}"
    if not isinstance(value, list) or len(value) > 20 or not all(
            isinstance(v, str) and len(v) == 3 and v.isalpha() and v.islower() for v in value):
        c.add(path, 'must be a list of up to 20 three-letter language codes ("eng")')
        return ()
    return tuple(dict.fromkeys(value))
