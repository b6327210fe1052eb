"""Parsing indexer XML safely, and turning Torznab error documents into typed errors.

Any DOCTYPE is refused outright: Torznab never needs one, and without a DTD there is no
way to declare entities, so entity expansion ("billion laughs") and external entities
cannot happen. Checked by the XML parser itself, so it holds whatever the encoding.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from typing import NoReturn
from xml.parsers import expat

from chalicelib.domain.indexers import (
    IndexerAuthError,
    IndexerError,
    IndexerResponseError,
    IndexerUnavailable,
    RateLimited,
)

TORZNAB_NS = "http://torznab.com/schemas/2015/feed"
NEWZNAB_NS = "http://www.newznab.com/DTD/2010/feeds/attributes/"


class _Forbidden(Exception):
    """Raised from inside the expat callbacks to stop at a forbidden construct."""


def parse_xml(data: bytes, indexer: str) -> ET.Element:
    """The document's root element; IndexerResponseError if malformed or it has a DOCTYPE."""
    builder = ET.TreeBuilder()
    parser = expat.ParserCreate(namespace_separator="}")

    def start(tag: str, attrs: dict[str, str]) -> None:
        builder.start(_qualified(tag), {_qualified(k): v for k, v in attrs.items()})

    def end(tag: str) -> None:
        builder.end(_qualified(tag))

    def forbid(*_args: object) -> NoReturn:
        raise _Forbidden

    parser.buffer_text = True
    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.CharacterDataHandler = builder.data
    parser.StartDoctypeDeclHandler = forbid
    parser.EntityDeclHandler = forbid
    parser.ExternalEntityRefHandler = forbid
    try:
        parser.Parse(data, True)
        root = builder.close()
    except _Forbidden:
        raise IndexerResponseError(
            indexer, "response declares a DOCTYPE/entities, refused (no entity expansion)"
        ) from None
    except expat.ExpatError as error:
        raise IndexerResponseError(indexer, f"malformed XML: {error}") from None
    except AssertionError:  # TreeBuilder.close on an empty document
        raise IndexerResponseError(indexer, "empty XML document") from None
    return root


def _qualified(name: str) -> str:
    """expat's 'uri}local' as ElementTree's '{uri}local'."""
    return "{" + name if "}" in name else name


def raise_if_error_document(root: ET.Element, indexer: str) -> None:
    """Raise the typed error a Torznab `<error code=".." description=".."/>` stands for."""
    if root.tag != "error":
        return
    raise error_for_code(indexer, root.get("code", ""), root.get("description", ""))


def error_for_code(indexer: str, code: str, description: str) -> IndexerError:
    """The typed error for a Torznab error code (spec: 1xx account, 2xx request, 5xx limits)."""
    message = f"Torznab error {code or '?'}: {description or 'no description'}"
    if code in ("100", "101", "102"):
        return IndexerAuthError(indexer, message)
    if code in ("500", "501"):
        return RateLimited(indexer, 3600.0, message)
    if code.startswith("9"):
        return IndexerUnavailable(indexer, message)
    return IndexerResponseError(indexer, message)
