from __future__ import annotations

import pytest

from chalicelib.domain.magnet import info_hash_from_magnet, known_info_hash, normalise_info_hash

HEX = "c12fe1c06bba254a9dc9f519b335aa7c1367a88a"
B32 = "YEX6DQDLXISUVHOJ6UM3GNNKPQJWPKEK"  # the same 20 bytes in base32


def test_hex_info_hash_is_lower_cased() -> None:
    assert normalise_info_hash(HEX.upper()) == HEX


def test_base32_info_hash_becomes_hex() -> None:
    assert normalise_info_hash(B32) == HEX
    assert normalise_info_hash(B32.lower()) == HEX


@pytest.mark.parametrize("bad", ["", "abc", "g" * 40, HEX + "0", "1" * 32, "../etc/passwd"])
def test_bad_info_hash_is_refused(bad: str) -> None:
    with pytest.raises(ValueError, match="info hash"):
        normalise_info_hash(bad)


def test_hex_and_base32_magnets() -> None:
    assert info_hash_from_magnet(f"magnet:?xt=urn:btih:{HEX.upper()}&dn=x") == HEX
    assert info_hash_from_magnet(f"magnet:?dn=x&xt=urn:btih:{B32}&tr=udp:%2F%2Ft:1") == HEX
    assert info_hash_from_magnet(f"MAGNET:?xt=urn:btih:{HEX}") == HEX


@pytest.mark.parametrize(("uri", "message"), [
    ("http://x/y.torrent", "must be a magnet link"),
    ("", "must be a magnet link"),
    ("magnet:?dn=x", "xt=urn:btih:"),
    (f"magnet:?xt=urn:sha1:{HEX}", "xt=urn:btih:"),
    ("magnet:?xt=urn:btmh:1220" + "a" * 64, "xt=urn:btih:"),
    ("magnet:?xt=urn:btih:1234", "xt=urn:btih:"),
    ("magnet:?xt=urn:btih:" + "g" * 40, "xt=urn:btih:"),
])
def test_a_magnet_without_a_v1_hash_is_a_value_error(uri: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        info_hash_from_magnet(uri)


def test_known_info_hash_prefers_the_stated_hash_and_never_raises() -> None:
    magnet = f"magnet:?xt=urn:btih:{HEX}"
    assert known_info_hash("AB" * 20, magnet) == "ab" * 20
    assert known_info_hash("not a hash", magnet) == HEX
    assert known_info_hash(None, magnet) == HEX
    assert known_info_hash(None, "magnet:?xt=urn:btih:nothex") is None
    assert known_info_hash(None, "http://example.invalid/x.torrent") is None
    assert known_info_hash(None, None) is None
