"""Real indexer answers (saved by other projects' tests) parse to the values those tests assert."""

import json
import os
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from chalicelib.adapters.torznab.documents import parse_xml
from chalicelib.adapters.torznab.items import parse_feed

REPO_ROOT = Path(__file__).resolve().parents[4]
CORPORA = Path(os.environ.get("QT_CORPORA_DIR") or REPO_ROOT.parent / "shared" / "corpora")
TORZNAB = CORPORA / "torznab"

pytestmark = pytest.mark.skipif(
    not (TORZNAB / "expected.json").is_file(),
    reason=f"Torznab corpus not found at {TORZNAB} (set QT_CORPORA_DIR)",
)


def _expected() -> dict[str, Any]:
    if not (TORZNAB / "expected.json").is_file():
        return {}
    data: dict[str, Any] = json.loads((TORZNAB / "expected.json").read_text())
    return data


EXPECTED = _expected()


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_corpus_file_parses_to_the_asserted_values(name: str) -> None:
    expected = EXPECTED[name]
    feed = parse_feed(parse_xml((TORZNAB / name).read_bytes(), "corpus"), "corpus")
    assert len(feed.candidates) == expected["release_count"]
    assert feed.dropped == 0
    first = feed.candidates[0]
    want = expected["first_release"]
    assert first.title == want["Title"]
    assert first.download_url == want["DownloadUrl"]
    assert first.info_url == want["InfoUrl"]
    assert first.size == want["Size"]
    assert first.info_hash == want["InfoHash"]
    assert first.seeders == want["Seeders"]
    assert first.peers == want["Peers"]
    if want.get("MagnetUrl"):
        assert first.magnet_uri == want["MagnetUrl"]
    utc_text = want["PublishDate"]["utc"].split(" ")[0].removesuffix("Z")
    assert first.publish_date == datetime.fromisoformat(utc_text).replace(tzinfo=UTC)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_every_corpus_item_matches_its_source_fields(name: str) -> None:
    feed = parse_feed(parse_xml((TORZNAB / name).read_bytes(), "corpus"), "corpus")
    items = EXPECTED[name]["xml_items_unasserted"]
    assert len(items) == len(feed.candidates)
    for item, candidate in zip(items, feed.candidates, strict=True):
        assert candidate.title == item["title"]
        assert candidate.size == item["size"]
        assert candidate.info_hash == item["infohash"]
        assert candidate.download_url == item["enclosure_url"]
        assert candidate.guid == item["guid"]
        assert candidate.info_url == item["comments"].removesuffix("#comments")
        assert candidate.seeders == item.get("seeders")
        assert candidate.peers == item.get("peers")
        if "seeders" in item:
            assert candidate.leechers == item["peers"] - item["seeders"]
        assert candidate.magnet_uri == item.get("magneturl")
        if "categories" in item:
            assert candidate.categories == tuple(item["categories"])
        assert candidate.publish_date is not None
        assert candidate.publish_date.tzinfo is UTC


def test_corpus_channel_titles_name_the_indexer() -> None:
    names = {
        name: parse_feed(parse_xml((TORZNAB / name).read_bytes(), "x"), "x").candidates[0].indexer
        for name in EXPECTED
    }
    assert names == {
        "torznab_animetosho.xml": "Anime Tosho",
        "torznab_hdaccess_net.xml": "HDAccess",
        "torznab_tpb.xml": "The Pirate Bay",
    }


def test_animetosho_second_item_picks_the_torrent_enclosure_not_the_nzb() -> None:
    name = "torznab_animetosho.xml"
    feed = parse_feed(parse_xml((TORZNAB / name).read_bytes(), "x"), "x")
    assert feed.candidates[1].download_url == "http://storage.localhost/torrents/123452.torrent"
    assert feed.candidates[1].files_count == 1
