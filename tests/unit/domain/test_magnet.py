from __future__ import annotations

import pytest

from chalicelib.domain.errors import ValidationError
from chalicelib.domain.magnet import info_hash_from_magnet

HEX = "c12fe1c06bba254a9dc9f519b335aa7c1367a88a"


def test_hex_and_base32_hashes() -> None:
    assert info_hash_from_magnet(f"magnet:?xt=urn:btih:{HEX.upper()}&dn=x") == HEX
    b32 = "YEX6DQDLXISUVHOJ6UM3GNNKPQJWPKEK"
    assert info_hash_from_magnet(f"magnet:?dn=x&xt=urn:btih:{b32}") == HEX


@pytest.mark.parametrize("uri", [
    "http://x/y.torrent", "magnet:?dn=x", f"magnet:?xt=urn:sha1:{HEX}",
    "magnet:?xt=urn:btih:1234", "magnet:?xt=urn:btih:" + "g" * 40, "",
])
def test_invalid(uri: str) -> None:
    with pytest.raises(ValidationError) as err:
        info_hash_from_magnet(uri)
    assert err.value.errors[0].field == "magnet_uri"
