"""DynamoBlocklist against moto's server: by hash, by title across indexers, paging, unblock."""

from __future__ import annotations

import pytest

from chalicelib.adapters.aws.blocklist import DynamoBlocklist
from chalicelib.adapters.aws.searcher_models import build_searcher_models
from chalicelib.config import Config
from chalicelib.domain.candidate import TorrentCandidate
from chalicelib.domain.errors import NotFound, ValidationError
from tests.support.fakes import FakeClock

HASH = "a1" * 20



@pytest.fixture
def blocklist(aws_config: Config) -> DynamoBlocklist:
    return DynamoBlocklist(build_searcher_models(aws_config), FakeClock(tick_secs=1))


def offer(title: str, indexer: str, info_hash: str | None = None,
          magnet: str | None = None) -> TorrentCandidate:  # fmt: skip
    return TorrentCandidate(title, indexer.title(), indexer, info_hash=info_hash,
                            magnet_uri=magnet)  # fmt: skip


def test_blocked_by_info_hash_whatever_the_title(blocklist: DynamoBlocklist) -> None:
    entry = blocklist.block(HASH.upper(), "Pink.Floyd-Animals-WEB-2016-GRP", "fake", "admin")
    found = blocklist.is_blocked(offer("Totally different name", "tracker-a", HASH))
    assert found == entry
    assert found is not None and found.reason == "fake" and found.actor == "admin"
    by_magnet = offer("x", "tracker-b", magnet=f"magnet:?xt=urn:btih:{HASH.upper()}&dn=x")
    assert blocklist.is_blocked(by_magnet) == entry
    assert blocklist.is_blocked(offer("Another release", "tracker-a", "b2" * 20)) is None


def test_blocked_by_normalised_title_on_another_indexer(blocklist: DynamoBlocklist) -> None:
    blocklist.block(HASH, "Pink.Floyd-Animals-WEB-2016-GRP", "transcode posing as lossless",
                    "admin")  # fmt: skip
    elsewhere = offer("www.Other.org - Pink Floyd - Animals WEB 2016 GRP [rarbg]", "tracker-b",
                      "c3" * 20)  # fmt: skip
    entry = blocklist.is_blocked(elsewhere)
    assert entry is not None and entry.info_hash == HASH
    assert entry.reason == "transcode posing as lossless"
    no_hash = offer("PINK FLOYD ANIMALS WEB 2016 GRP", "tracker-c")
    assert blocklist.is_blocked(no_hash) == entry
    other_group = offer("Pink.Floyd-Animals-WEB-2016-OTHERGRP", "tracker-b", "d4" * 20)
    assert blocklist.is_blocked(other_group) is None


def test_title_only_entries_and_validation(blocklist: DynamoBlocklist) -> None:
    entry = blocklist.block(None, "Some.Fake.Movie.2024.1080p-NOPE", "malware", "admin")
    assert entry.entry_id.startswith("title:")
    assert blocklist.is_blocked(offer("Some Fake Movie 2024 1080p NOPE", "x", "e5" * 20)) == entry
    with pytest.raises(ValidationError) as caught:
        blocklist.block("zz", "", "", "admin")
    assert [e.field for e in caught.value.errors] == ["info_hash", "title", "reason"]


def test_list_pages_newest_first_and_unblock(blocklist: DynamoBlocklist) -> None:
    hashes = [f"{n:040x}" for n in range(1, 6)]
    for n, info_hash in enumerate(hashes, 1):
        blocklist.block(info_hash, f"Release {n}", "bad", "admin")
    first = blocklist.list(limit=2)
    assert [e.title for e in first.items] == ["Release 5", "Release 4"]
    assert first.cursor is not None
    second = blocklist.list(limit=2, cursor=first.cursor)
    assert [e.title for e in second.items] == ["Release 3", "Release 2"]
    third = blocklist.list(limit=2, cursor=second.cursor)
    assert [e.title for e in third.items] == ["Release 1"]
    assert third.cursor is None
    removed = blocklist.unblock(hashes[0])
    assert removed.title == "Release 1"
    assert blocklist.is_blocked(offer("Release 1", "x", hashes[0])) is None
    with pytest.raises(NotFound):
        blocklist.unblock(hashes[0])
    with pytest.raises(ValidationError, match="cursor"):
        blocklist.list(limit=2, cursor="garbage!")
    with pytest.raises(ValidationError, match="limit"):
        blocklist.list(limit=0)
