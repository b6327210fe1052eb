"""The published schema and the validation agree: the same bodies pass both or fail both.

The schema is the one the service serves (openapi_document with the configured roots); a
JSON Schema validator (jsonschema-rs, what schemathesis checks with) judges each body, and
parse_ticket_request must come to the same verdict.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

import jsonschema_rs
import pytest

from chalicelib.api.openapi import openapi_document
from chalicelib.domain.errors import ValidationError
from chalicelib.domain.validation import parse_ticket_request

ROOTS = ["/media", "/srv/music/"]
ALBUM: dict[str, Any] = {
    "request_scope": "full_album",
    "search": {"artist": "Radiohead", "album": "OK Computer", "year": 1997},
    "tracks": [{"catalog_track_id": "t1", "track_number": 1, "name": "Airbag",
                "dest_path": "/media/albums/ok/01.ogg"}],
    "images": [{"catalog_image_id": "img1", "dest_path": "/media/albums/ok/cover.jpg"}],
}
MOVIE: dict[str, Any] = {
    "query_context": {"expected": "movie", "title": "Heat"},
    "items": [{"item_id": "main", "kind": "video", "dest_path": "/media/movies/heat.mkv"}],
}


def _validator(name: str) -> Any:
    doc = openapi_document(ROOTS)
    root = {"$schema": "https://json-schema.org/draft/2020-12/schema",
            "components": doc["components"], "$ref": f"#/components/schemas/{name}"}
    return jsonschema_rs.validator_for(root)


TICKET = _validator("TicketRequest")


def _python_accepts(body: Any) -> bool:
    try:
        parse_ticket_request(body, ROOTS)
    except ValidationError:
        return False
    return True


def _changed(base: dict[str, Any], change: Callable[[dict[str, Any]], Any]) -> dict[str, Any]:
    body = copy.deepcopy(base)
    change(body)
    return body


CASES: list[tuple[str, dict[str, Any], bool]] = [
    ("album example", ALBUM, True),
    ("movie example", MOVIE, True),
    ("integral float", _changed(ALBUM, lambda b: b.update(priority=7.0)), True),
    ("fractional priority", _changed(ALBUM, lambda b: b.update(priority=7.5)), False),
    ("null priority", _changed(ALBUM, lambda b: b.update(priority=None)), False),
    ("boolean priority", _changed(ALBUM, lambda b: b.update(priority=True)), False),
    ("string number", _changed(ALBUM, lambda b: b["search"].update(year="1997")), False),
    ("second root", _changed(ALBUM, lambda b: b["tracks"][0].update(
        dest_path="/srv/music/ok/01.ogg")), True),
    ("outside the roots", _changed(ALBUM, lambda b: b["tracks"][0].update(
        dest_path="/srv/other/01.ogg")), False),
    ("root as prefix", _changed(ALBUM, lambda b: b["tracks"][0].update(
        dest_path="/mediax/01.ogg")), False),
    ("the root itself", _changed(ALBUM, lambda b: b["tracks"][0].update(dest_path="/media")),
     False),
    ("traversal", _changed(ALBUM, lambda b: b["tracks"][0].update(
        dest_path="/media/../etc/passwd")), False),
    ("dot segment", _changed(ALBUM, lambda b: b["tracks"][0].update(
        dest_path="/media/./01.ogg")), False),
    ("empty segment", _changed(ALBUM, lambda b: b["tracks"][0].update(
        dest_path="/media//01.ogg")), False),
    ("a directory", _changed(ALBUM, lambda b: b["tracks"][0].update(dest_path="/media/ok/")),
     False),
    ("three dots are a name", _changed(ALBUM, lambda b: b["tracks"][0].update(
        dest_path="/media/.../01.ogg")), True),
    ("newline in a path", _changed(ALBUM, lambda b: b["images"][0].update(
        dest_path="/media/a\nb.jpg")), False),
    ("NUL in a name", _changed(ALBUM, lambda b: b["tracks"][0].update(name="Air\x00bag")),
     False),
    ("escape in an artist", _changed(ALBUM, lambda b: b["search"].update(
        artist="\x1b[2JRadiohead")), False),
    ("line separator in a label", _changed(ALBUM, lambda b: b["search"].update(
        label="a\u2028b")), False),
    ("blank name", _changed(ALBUM, lambda b: b["tracks"][0].update(name="  ")), False),
    ("unicode name", _changed(ALBUM, lambda b: b["tracks"][0].update(name="Björk – Jóga")),
     True),
    ("id with a slash", _changed(ALBUM, lambda b: b["images"][0].update(
        catalog_image_id="../cover")), False),
    ("id '..'", _changed(MOVIE, lambda b: b["items"][0].update(item_id="..")), False),
    ("id with a backslash", _changed(MOVIE, lambda b: b["items"][0].update(item_id="a\\b")),
     False),
    ("unknown field", _changed(ALBUM, lambda b: b.update(colour="blue")), False),
    ("server-owned field", _changed(ALBUM, lambda b: b.update(ticket_id="x", state=None)),
     True),
    ("both query keys", _changed(ALBUM, lambda b: b.update(query_context=b["search"])), False),
    ("no query", _changed(ALBUM, lambda b: b.pop("search")), False),
    ("album needs its album", _changed(ALBUM, lambda b: b["search"].pop("album")), False),
    ("scope tracks implies track", _changed(ALBUM, lambda b: (
        b.update(request_scope="tracks"), b["search"].pop("album"))), True),
    ("artist + album imply album", _changed(ALBUM, lambda b: b.pop("request_scope")), True),
    ("nothing implies a type", _changed(ALBUM, lambda b: (
        b.pop("request_scope"), b["search"].pop("album"))), False),
    ("scope item needs expected", _changed(MOVIE, lambda b: (
        b.update(request_scope="item"), b["query_context"].pop("expected"))), False),
    ("scope movie implies movie", _changed(MOVIE, lambda b: (
        b.update(request_scope="movie"), b["query_context"].pop("expected"))), True),
    ("episode needs a season", _changed(MOVIE, lambda b: b["query_context"].update(
        expected="tv_episode")), False),
    ("other needs words", _changed(MOVIE, lambda b: b.update(
        query_context={"expected": "other", "tags": []})), False),
    ("other with tags", _changed(MOVIE, lambda b: b.update(
        query_context={"expected": "other", "tags": ["x"]})), True),
    ("only images", _changed(ALBUM, lambda b: b.pop("tracks")), False),
    ("an image item is not enough", _changed(MOVIE, lambda b: b["items"][0].update(
        kind="image")), False),
    ("no tracks at all", _changed(ALBUM, lambda b: b.update(tracks=[])), False),
    ("sample rate", _changed(ALBUM, lambda b: b.update(
        constraints={"sample_rate_hz": 44100})), True),
    ("odd sample rate", _changed(ALBUM, lambda b: b.update(
        constraints={"sample_rate_hz": 12345})), False),
    ("bit depth as text", _changed(ALBUM, lambda b: b.update(constraints={"bit_depth": "16"})),
     False),
    ("language code", _changed(MOVIE, lambda b: b.update(
        constraints={"audio_languages": ["eng", "fre"]})), True),
    ("upper-case language", _changed(MOVIE, lambda b: b.update(
        constraints={"audio_languages": ["ENG"]})), False),
    ("metadata", _changed(ALBUM, lambda b: b.update(
        metadata_to_embed={"year": 1997, "genre": "Rock", "empty": ""})), True),
    ("metadata list", _changed(ALBUM, lambda b: b.update(metadata_to_embed={"a": ["x"]})),
     False),
    ("metadata control", _changed(ALBUM, lambda b: b.update(metadata_to_embed={"a": "x\ny"})),
     False),
    ("metadata bool", _changed(ALBUM, lambda b: b.update(metadata_to_embed={"a": True})),
     False),
]


@pytest.mark.parametrize(("name", "body", "valid"), CASES, ids=[c[0] for c in CASES])
def test_schema_and_validation_agree(name: str, body: dict[str, Any], valid: bool) -> None:
    assert TICKET.is_valid(body) is valid, f"schema: {name}"
    assert _python_accepts(body) is valid, f"validation: {name}"


def test_uniqueness_is_the_one_ticket_rule_only_the_check_knows() -> None:
    body = _changed(ALBUM, lambda b: b["images"][0].update(
        dest_path=b["tracks"][0]["dest_path"]))
    assert TICKET.is_valid(body)
    with pytest.raises(ValidationError) as err:
        parse_ticket_request(body, ROOTS)
    assert [e.field for e in err.value.errors] == ["img1.dest_path"]


@pytest.mark.parametrize(("name", "body", "field"), [
    ("null", {"query": "x", "year": None}, "year"),
    ("float", {"query": "x", "year": 1.5}, "year"),
    ("blank query", {"query": " "}, "query"),
    ("unknown", {"query": "x", "colour": 1}, "colour"),
    ("control", {"query": "x", "artist": "a\rb"}, "artist"),
])
def test_other_bodies_agree_and_name_the_field(name: str, body: dict[str, Any],
                                              field: str) -> None:
    from chalicelib.api.params import SearchTestBody
    from chalicelib.domain.schema_types import validate

    assert not _validator("SearchTestRequest").is_valid(body)
    with pytest.raises(ValidationError) as err:
        validate(SearchTestBody, body)
    assert [e.field for e in err.value.errors] == [field]


def test_the_published_example_is_a_valid_ticket_in_every_deployment() -> None:
    for roots in (["/media"], ["/srv/library/"], ["/"]):
        doc = openapi_document(roots)
        example = doc["components"]["schemas"]["TicketRequest"]["examples"][0]
        root = {"components": doc["components"], "$ref": "#/components/schemas/TicketRequest"}
        assert jsonschema_rs.validator_for(root).is_valid(example), roots
        assert parse_ticket_request(example, roots).tracks[0].name == "Airbag"
