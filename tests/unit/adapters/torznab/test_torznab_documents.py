import pytest

from chalicelib.adapters.torznab.documents import parse_xml, raise_if_error_document
from chalicelib.adapters.torznab.items import parse_feed
from chalicelib.domain.indexers import (
    IndexerAuthError,
    IndexerError,
    IndexerResponseError,
    IndexerUnavailable,
    RateLimited,
)
from local.torznab_server import BILLION_LAUGHS


def test_entity_expansion_document_is_refused_without_expanding() -> None:
    with pytest.raises(IndexerResponseError, match="DOCTYPE") as caught:
        parse_xml(BILLION_LAUGHS, "evil")
    assert caught.value.indexer == "evil"


def test_external_entity_is_refused() -> None:
    doc = b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]><r>&x;</r>'
    with pytest.raises(IndexerResponseError, match="DOCTYPE"):
        parse_xml(doc, "evil")


def test_doctype_in_utf16_is_refused_too() -> None:
    doc = '<?xml version="1.0" encoding="UTF-16"?><!DOCTYPE r [<!ENTITY a "b">]><r>&a;</r>'
    with pytest.raises(IndexerResponseError, match="DOCTYPE"):
        parse_xml(doc.encode("utf-16"), "evil")


@pytest.mark.parametrize("data", [b"", b"<rss><channel>", b"not xml", b"<a></b>"])
def test_malformed_xml(data: bytes) -> None:
    with pytest.raises(IndexerResponseError, match="XML"):
        parse_xml(data, "idx")


@pytest.mark.parametrize(
    ("code", "error_type"),
    [
        ("100", IndexerAuthError),
        ("101", IndexerAuthError),
        ("201", IndexerResponseError),
        ("500", RateLimited),
        ("900", IndexerUnavailable),
    ],
)
def test_error_document_becomes_typed_error(code: str, error_type: type[IndexerError]) -> None:
    root = parse_xml(f'<error code="{code}" description="Nope"/>'.encode(), "idx")
    with pytest.raises(error_type, match=f"Torznab error {code}: Nope") as caught:
        raise_if_error_document(root, "idx")
    assert caught.value.indexer == "idx"


def test_non_rss_root_is_a_response_error() -> None:
    with pytest.raises(IndexerResponseError, match="<caps>"):
        parse_feed(parse_xml(b"<caps/>", "idx"), "idx")
