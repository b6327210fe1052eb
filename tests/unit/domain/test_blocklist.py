"""Release title keys for the blocklist, and validated block entries."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from chalicelib.domain.blocklist import BlockEntry, block_entry_id, release_title_key
from chalicelib.domain.errors import ValidationError

AT = datetime(2024, 5, 1, tzinfo=UTC)


@pytest.mark.parametrize(
    ("decorated", "plain"),
    [
        ("Pink.Floyd-Animals-WEB-2016-GRP", "Pink Floyd - Animals WEB 2016 GRP"),
        ("www.Site.org - Pink Floyd - Animals WEB 2016 GRP", "pink floyd animals web 2016 grp"),
        ("[site.com] Pink_Floyd_Animals_WEB_2016_GRP [rarbg]", "PINK FLOYD ANIMALS WEB 2016 GRP"),
        ("Heat.1995.1080p.BluRay.x264-SPARKS.mkv", "Heat 1995 1080p BluRay x264 SPARKS"),
        ("Heat.1995.1080p.BluRay.x264-SPARKS-Obfuscated", "heat 1995 1080p bluray x264 sparks"),
        ("[TGx] Better.Call.Saul.S01E05.720p.WEB (eztv.re)", "Better Call Saul S01E05 720p WEB"),
        ("Beyoncé – Lemonade (2016)", "Beyonce - Lemonade [2016]"),
    ],
)
def test_decorations_of_the_same_release_fold_to_one_key(decorated: str, plain: str) -> None:
    assert release_title_key(decorated) == release_title_key(plain)


@pytest.mark.parametrize(
    ("one", "other"),
    [
        ("Pink Floyd - Animals (1977) [FLAC]", "Pink Floyd - Animals (1977) [MP3]"),
        ("Heat.1995.1080p.BluRay.x264-SPARKS", "Heat.1995.1080p.BluRay.x264-GECKOS"),
        ("Heat.1995.1080p.BluRay", "Heat.1995.2160p.BluRay"),
    ],
)
def test_different_releases_keep_different_keys(one: str, other: str) -> None:
    assert release_title_key(one) != release_title_key(other)


def test_entry_is_keyed_by_normalised_hash_or_by_title() -> None:
    upper = "ABCDEF0123456789ABCDEF0123456789ABCDEF01"
    entry = BlockEntry.create(upper, " Fake.Album-GRP ", "fake upload", "admin", AT)
    assert entry.entry_id == entry.info_hash == upper.lower()
    assert entry.title == "Fake.Album-GRP"
    assert entry.title_key == "fake album grp"
    by_title = BlockEntry.create(None, "Fake.Album-GRP", "fake", "admin", AT)
    assert by_title.info_hash is None
    assert by_title.entry_id == block_entry_id(None, "fake album grp")
    assert by_title.entry_id.startswith("title:")
    assert BlockEntry.from_dict(entry.to_dict()) == entry


def test_bad_entries_name_every_offending_field() -> None:
    with pytest.raises(ValidationError) as caught:
        BlockEntry.create("not-a-hash", "  [rarbg] ", " ", "", AT)
    assert [e.field for e in caught.value.errors] == ["info_hash", "title", "reason", "actor"]
