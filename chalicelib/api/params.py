"""The other routes' request bodies and query strings as pydantic models.

app.py validates with these before it calls a service, and openapi.py publishes their JSON
Schema; the ticket body is chalicelib/domain/request_schema.py.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time
from typing import Annotated, Any, ClassVar

from pydantic import Field
from pydantic_core import PydanticCustomError

from chalicelib.domain.audit import AuditEventType
from chalicelib.domain.magnet import info_hash_from_magnet
from chalicelib.domain.request_schema import CONTENT_TYPES, OUTPUT_FORMATS
from chalicelib.domain.schema_types import (
    DIGITS,
    AnyText,
    Choice,
    Pattern,
    QueryModel,
    StrictModel,
    Text,
)
from chalicelib.domain.states import TicketState

MAX_PAGE = 200
UUID_REGEX = "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}"
# What encode_cursor writes: URL-safe base64 without padding.
CURSOR_REGEX = "[A-Za-z0-9_-]{0,4000}"  # empty: the first page
# 1 minute to 31 days, in minutes, hours or days (what services/stats.parse_window reads).
WINDOW_REGEX = ("0*(?:[1-9][0-9]{0,3}|[1-3][0-9]{4}|4[0-3][0-9]{3}|44[0-5][0-9]{2}"
                "|446[0-3][0-9]|44640)m|0*(?:[1-9][0-9]?|[1-6][0-9]{2}|7[0-3][0-9]|74[0-4])h"
                "|0*(?:[1-9]|[12][0-9]|3[01])d")
_HASH = "(?:[0-9a-fA-F]{40}|[A-Za-z2-7]{32})"
# A v1 magnet link whose first parameter is the info hash (as every client writes them).
MAGNET_REGEX = (rf"[mM][aA][gG][nN][eE][tT]:\?xt=[uU][rR][nN]:[bB][tT][iI][hH]:{_HASH}"
                r"(?:&[^#\x00-\x1f\x7f-\x9f]*)?(?:#[^\x00-\x1f\x7f-\x9f]*)?")
DATE_REGEX = "[0-9]{4}-[0-9]{2}-[0-9]{2}"
DATETIME_REGEX = (f"{DATE_REGEX}[Tt][0-9]{{2}}:[0-9]{{2}}:[0-9]{{2}}(?:\\.[0-9]{{1,6}})?"
                  "(?:[Zz]|[+-][0-9]{2}:[0-9]{2})")


class Magnet:
    """A magnet link: the pattern, and the one reading of magnet links (domain/magnet.py)."""

    _pattern = Pattern(MAGNET_REGEX, "must be a magnet link (magnet:?xt=urn:btih: with a "
                                     "40-hex or 32-base32 info hash first)")

    def __get_pydantic_core_schema__(self, source: Any, handler: Any) -> Any:
        from pydantic_core import core_schema

        return core_schema.no_info_after_validator_function(
            self._check, self._pattern.__get_pydantic_core_schema__(source, handler))

    def __get_pydantic_json_schema__(self, schema: Any, handler: Any) -> dict[str, Any]:
        return self._pattern.__get_pydantic_json_schema__(schema, handler)

    @staticmethod
    def _check(value: str) -> str:
        try:
            info_hash_from_magnet(value)
        except ValueError as e:
            raise PydanticCustomError("magnet", str(e)) from None
        return value


class Instant:
    """A query time: a date (UTC midnight) or an RFC 3339 date-time with its zone."""

    def __get_pydantic_core_schema__(self, source: Any, handler: Any) -> Any:
        from pydantic_core import core_schema

        return core_schema.no_info_plain_validator_function(
            parse_instant, json_schema_input_schema=core_schema.str_schema())

    def __get_pydantic_json_schema__(self, schema: Any, handler: Any) -> dict[str, Any]:
        return {"type": "string", "anyOf": [{"format": "date"}, {"format": "date-time"}],
                "description": "A date (YYYY-MM-DD: UTC midnight) or a date-time with its "
                               "zone (RFC 3339)"}


def parse_instant(raw: Any) -> datetime:
    if not isinstance(raw, str):
        raise PydanticCustomError("instant", "must be a date or a date-time")
    # An unencoded '+' in a query string arrives as a space.
    text = raw.replace(" ", "+")
    try:
        if re.fullmatch(DATE_REGEX, text):
            return datetime.combine(date.fromisoformat(text), time.min, UTC)
        if re.fullmatch(DATETIME_REGEX, text):
            return datetime.fromisoformat(text.upper())
    except ValueError:
        pass
    raise PydanticCustomError("instant", "must be a date (YYYY-MM-DD) or an ISO 8601 "
                                         "date-time with its zone (e.g. Z)")


Limit = Annotated[int, Field(ge=1, le=MAX_PAGE, description="Page size (default 50)"), DIGITS]
Cursor = Annotated[str, Pattern(CURSOR_REGEX, "is not a valid cursor"),
                   Field(description="Opaque cursor from the previous page (empty or left "
                                     "out: the first page)")]
Format = Annotated[str, Choice(OUTPUT_FORMATS)]
Year = Annotated[int, Field(ge=1000, le=3000)]
Short = Annotated[str, Field(max_length=300),
                  Pattern(r"[^\x00-\x1f\x7f-\x9f\u2028\u2029]*",
                          "must be a string without control characters")]
Uuid = Annotated[str, Pattern(UUID_REGEX, "must be a UUID")]
TimeParam = Annotated[datetime, Instant()]


# --- bodies --------------------------------------------------------------------------------
class ApproveBody(StrictModel):
    candidate_idx: Annotated[int, Field(ge=0)] | None = None


class RejectBody(StrictModel):
    reason: AnyText | None = None


class ForceSearchBody(StrictModel):
    query: Annotated[Text, Field(max_length=500)]


class ForceMagnetBody(StrictModel):
    magnet_uri: Annotated[str, Field(max_length=8000), Magnet()]


class SearchTestBody(StrictModel):
    query: Annotated[Text, Field(max_length=300)]
    expected: Annotated[str, Choice(CONTENT_TYPES)] | None = None
    artist: Short | None = None
    album: Short | None = None
    title: Short | None = None
    year: Annotated[int, Field(ge=0)] | None = None
    season: Annotated[int, Field(ge=0)] | None = None
    episode: Annotated[int, Field(ge=0)] | None = None


class AlbumLookupBody(StrictModel):
    """By artist + album (+ year); a musicbrainz_release_id gives a ticket skeleton; a
    release_group_id its editions."""

    alternatives: ClassVar = ((("musicbrainz_release_id",), ()),
                              (("release_group_id",), ("musicbrainz_release_id",)),
                              (("artist", "album"), ("musicbrainz_release_id",
                                                     "release_group_id")))
    artist: Text | None = None
    album: Text | None = None
    year: Year | None = None
    musicbrainz_release_id: Uuid | None = None
    release_group_id: Uuid | None = None
    format: Format | None = None


class MovieLookupBody(StrictModel):
    alternatives: ClassVar = ((("tmdb_id",), ()), (("title",), ("tmdb_id",)))
    title: Text | None = None
    year: Year | None = None
    tmdb_id: Annotated[int, Field(ge=1)] | None = None
    format: Format | None = None


class EpisodeLookupBody(StrictModel):
    alternatives: ClassVar = ((("tmdb_id", "season"), ()), (("series",), ("tmdb_id",)))
    series: Text | None = None
    year: Year | None = None
    tmdb_id: Annotated[int, Field(ge=1)] | None = None
    season: Annotated[int, Field(ge=0)] | None = None
    episode: Annotated[int, Field(ge=1)] | None = None
    format: Format | None = None


# --- query strings -------------------------------------------------------------------------
class TicketListQuery(QueryModel):
    state: Annotated[str, Choice([s.value for s in TicketState])] | None = None
    requested_by: Text | None = None
    limit: Limit | None = None
    cursor: Cursor | None = None


class CancelQuery(QueryModel):
    reason: AnyText | None = None


class AuditQuery(QueryModel):
    ticket_id: Text | None = None
    event_type: Annotated[str, Choice([t.value for t in AuditEventType])] | None = None
    since: TimeParam | None = Field(None, alias="from")
    until: TimeParam | None = Field(None, alias="to", description="As from")
    limit: Limit | None = None
    cursor: Cursor | None = None


class ExportQuery(QueryModel):
    format: Annotated[str, Choice(["jsonl"])] | None = None
    since: TimeParam | None = Field(None, alias="from")
    until: TimeParam | None = Field(None, alias="to")


class TrainingExportQuery(QueryModel):
    format: Annotated[str, Choice(["jsonl"])] | None = None


class StatsQuery(QueryModel):
    window: Annotated[str, Pattern(WINDOW_REGEX, "must be a number and m, h or d, at most "
                                                 "31d (e.g. 24h)"),
                      Field(description="90m, 24h (default), 7d; at most 31d")] | None = None


class CoverageQuery(QueryModel):
    artist: Text
