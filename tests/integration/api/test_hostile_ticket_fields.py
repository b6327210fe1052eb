"""Control characters in any text of a ticket (names, search terms, ids, paths, metadata to
embed) are a 400 naming that field, and nothing is created. The fields are every string in
the example ticket, so a new one is covered when the example grows."""

from __future__ import annotations

import copy
import re
from collections.abc import Iterator
from typing import Any

import pytest

from tests.integration.api.conftest import EXAMPLE_TICKET, settled
from tests.support.local_stack import RunningStack


def string_fields(value: Any, path: str = "") -> Iterator[str]:
    if isinstance(value, dict):
        for key, item in value.items():
            yield from string_fields(item, f"{path}.{key}" if path else key)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from string_fields(item, f"{path}[{index}]")
    elif isinstance(value, str):
        yield path


def replaced(body: dict[str, Any], path: str, change: str) -> dict[str, Any]:
    """The body with `change` inserted before the last character of the field at `path`."""
    result = copy.deepcopy(body)
    parts = [int(p) if p.isdigit() else p for p in re.findall(r"[^.\[\]]+", path)]
    holder: Any = result
    for part in parts[:-1]:
        holder = holder[part]
    text = holder[parts[-1]]
    holder[parts[-1]] = text[:-1] + change + text[-1:]
    return result


FIELDS = [f for f in string_fields(EXAMPLE_TICKET) if f not in ("request_scope",
                                                                "constraints.format",
                                                                "images[0].type")]
CONTROLS = {"LF": "\n", "CR": "\r", "ESC": "\x1b", "BEL": "\x07", "DEL": "\x7f",
            "C1 NEL": "\x85"}


@pytest.mark.parametrize("field", FIELDS)
@pytest.mark.parametrize("control", sorted(CONTROLS))
def test_a_control_character_in_any_ticket_text_is_a_400_naming_it(
        stack: RunningStack, field: str, control: str) -> None:
    before = settled(stack)["total"]  # the count moves while any ticket does
    answer = stack.call("POST", "/api/v1/ticket", replaced(EXAMPLE_TICKET, field,
                                                           CONTROLS[control]))
    assert answer.status == 400, answer.text
    assert field in [e["field"] for e in answer.body["errors"]], answer.text
    assert stack.call("GET", "/api/v1/stats").body["total"] == before


@pytest.mark.parametrize("field", [f for f in FIELDS if f.endswith("dest_path")])
@pytest.mark.parametrize("change", ["\u202e", "\u200b", "/./", "//"])
def test_a_dest_path_with_invisible_or_redundant_parts_is_a_400(
        stack: RunningStack, field: str, change: str) -> None:
    # A right-to-left override or a zero-width space shows one name and writes another; "/./"
    # and "//" make two spellings of one file (and escape naive duplicate checks).
    before = settled(stack)["total"]  # the count moves while any ticket does
    body = replaced(EXAMPLE_TICKET, field, change)
    answer = stack.call("POST", "/api/v1/ticket", body)
    assert answer.status == 400, (body, answer.text)
    assert field in [e["field"] for e in answer.body["errors"]], answer.text
    assert stack.call("GET", "/api/v1/stats").body["total"] == before
