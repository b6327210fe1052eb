from __future__ import annotations

import base64
import hashlib
from pathlib import Path

import pytest

from chalicelib.domain.bencode import Bencoded as Bencodable
from chalicelib.domain.bencode import encode as bencode
from chalicelib.domain.bencode import info_hash_of_torrent
from local.torrent_maker import MadeTorrent
from workers.torrent.client import InvalidTorrent, added_info_hash, checked_info_hash
from workers.torrent.resume_store import ResumeStore

INFO: dict[bytes, Bencodable] = {
    b"name": b"x",
    b"piece length": 16384,
    b"pieces": b"\x00" * 20,
    b"length": 3,
}
INFO_HASH = hashlib.sha1(bencode(INFO)).hexdigest()


def test_hash_of_the_info_dictionary_whatever_comes_around_it() -> None:
    torrent = bencode(
        {
            b"announce": b"http://127.0.0.1/announce",
            b"info": INFO,
            b"nested": [1, {b"k": b"v"}],
            b"zzz": 7,
        }
    )
    assert info_hash_of_torrent(torrent) == INFO_HASH == added_info_hash(None, torrent)


def test_hash_matches_libtorrent(tmp_path: Path) -> None:
    import libtorrent as lt

    (tmp_path / "album").mkdir()
    (tmp_path / "album" / "a.flac").write_bytes(b"a" * 70_000)
    (tmp_path / "album" / "b.jpg").write_bytes(b"b" * 10)
    made = MadeTorrent.build(tmp_path / "album", announce="http://127.0.0.1:1/announce")
    assert info_hash_of_torrent(made.torrent_bytes) == made.info_hash
    assert str(lt.torrent_info(made.torrent_bytes).info_hashes().v1) == made.info_hash


@pytest.mark.parametrize(
    ("payload", "message"),
    [
        (b"", r"^torrent_bytes: bad bencode at byte 0"),
        (b"le", r"^torrent_bytes: .torrent is not a dictionary"),
        (b"d4:infoi3ee", r"^torrent_bytes: info: missing or not a dictionary"),
        (b"d3:foo3:bare", r"^torrent_bytes: info: missing or not a dictionary"),
        (b"d4:infod4:name", r"^torrent_bytes: bad bencode"),
        (b"d4:info", r"^torrent_bytes: bad bencode"),
    ],
)
def test_bad_torrent_bytes_are_refused_clearly(payload: bytes, message: str) -> None:
    with pytest.raises(InvalidTorrent, match=message):
        added_info_hash(None, payload)


def test_magnet_with_hex_hash() -> None:
    magnet = f"magnet:?xt=urn:btih:{INFO_HASH.upper()}&dn=x&tr=http%3A%2F%2F127.0.0.1%2Fa"
    assert added_info_hash(magnet, None) == INFO_HASH


def test_magnet_with_base32_hash() -> None:
    encoded = base64.b32encode(bytes.fromhex(INFO_HASH)).decode()
    assert added_info_hash(f"magnet:?dn=x&xt=urn:btih:{encoded}", None) == INFO_HASH


@pytest.mark.parametrize(
    "magnet",
    [
        "http://example.invalid/x.torrent",
        "magnet:?dn=x",
        "magnet:?xt=urn:btih:1234",
        "magnet:?xt=urn:btmh:1220" + "a" * 64,
    ],
)
def test_bad_magnets_are_refused(magnet: str) -> None:
    with pytest.raises(InvalidTorrent, match=r"^magnet: must"):
        added_info_hash(magnet, None)


def test_info_hash_is_validated_and_lower_cased() -> None:
    assert checked_info_hash("AB" * 20) == "ab" * 20
    with pytest.raises(InvalidTorrent, match=r"^info_hash: not a 40-hex"):
        checked_info_hash("../etc/passwd")


def test_resume_store_round_trip_and_atomic_names(tmp_path: Path) -> None:
    store = ResumeStore(tmp_path / "state")
    store.write("a" * 40, b"first")
    store.write("a" * 40, b"second")
    (tmp_path / "state" / ".leftover.tmp").write_bytes(b"torn")
    assert store.load_all() == {"a" * 40: b"second"}
    store.delete("a" * 40)
    assert store.load_all() == {}
    with pytest.raises(ValueError, match="info_hash"):
        store.path_for("../../x")
