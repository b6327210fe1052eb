import hashlib

import pytest

from chalicelib.domain.bencode import (
    Bencoded,
    BencodeError,
    TorrentMetaError,
    TorrentTooLarge,
    decode,
    encode,
    read_torrent_files,
)
from chalicelib.domain.candidate import TorrentFile

PIECES = b"\x01" * 20


def _single(**extra: object) -> dict[bytes, object]:
    info = {b"name": b"song.flac", b"length": 1234, b"piece length": 16384, b"pieces": PIECES}
    info.update(extra)  # type: ignore[arg-type]
    return info


def test_encode_decode_round_trip() -> None:
    value = {b"b": [1, -2, b"x"], b"a": {b"n": 0, b"s": b""}}
    data = encode(value)  # type: ignore[arg-type]
    assert data == b"d1:ad1:ni0e1:s0:e1:bli1ei-2e1:xee"
    assert decode(data) == value


@pytest.mark.parametrize(
    ("data", "problem"),
    [
        (b"i03e", "non-canonical integer"),
        (b"i-0e", "non-canonical integer"),
        (b"i12", "without closing"),
        (b"ie", "bad integer"),
        (b"5:abc", "runs past the end"),
        (b"li1e", "unexpected end"),
        (b"di1ei2ee", "key is not a byte string"),
        (b"d1:ai1e1:ai2ee", "duplicate dictionary key"),
        (b"i1ei2e", "trailing bytes"),
        (b"x", "unexpected byte"),
        (b"", "unexpected end"),
        (b"l" * 100 + b"e" * 100, "nesting deeper"),
    ],
)
def test_bad_bencode_names_the_problem_and_position(data: bytes, problem: str) -> None:
    with pytest.raises(BencodeError, match=f"bad bencode at byte \\d+: .*{problem}"):
        decode(data)


def test_single_file_torrent() -> None:
    data = encode({b"announce": b"http://t/a", b"info": _single()})  # type: ignore[dict-item]
    meta = read_torrent_files(data)
    assert meta.name == "song.flac"
    assert meta.files == (TorrentFile("song.flac", 1234),)
    assert meta.total_size == 1234
    assert meta.piece_length == 16384
    assert meta.trackers == ("http://t/a",)
    assert meta.info_hash == hashlib.sha1(encode(_single())).hexdigest()  # type: ignore[arg-type]
    assert not meta.private


def test_multi_file_torrent_paths_start_with_the_root_folder_and_skip_padding() -> None:
    info: dict[bytes, Bencoded] = {
        b"name": b"Album",
        b"piece length": 16384,
        b"pieces": PIECES,
        b"files": [
            {b"length": 10, b"path": [b"CD1", b"01 - Intro.flac"]},
            {b"length": 5, b"path": [b".pad", b"5"], b"attr": b"p"},
            {b"length": 20, b"path": [b"x"], b"path.utf-8": [b"caf\xc3\xa9.jpg"]},
        ],
    }
    meta = read_torrent_files(
        encode(
            {
                b"info": info,
                b"announce": b"http://a/1",
                b"announce-list": [[b"http://a/1"], [b"udp://b:2", b"udp://c:3"]],
            }
        )
    )
    assert meta.files == (
        TorrentFile("Album/CD1/01 - Intro.flac", 10),
        TorrentFile("Album/café.jpg", 20),
    )
    assert meta.total_size == 30
    assert meta.trackers == ("http://a/1", "udp://b:2", "udp://c:3")


def test_info_hash_uses_the_bytes_as_written_even_with_unsorted_keys() -> None:
    raw_info = b"d4:name1:x6:lengthi1e12:piece lengthi16384e6:pieces20:" + PIECES + b"e"
    data = b"d4:info" + raw_info + b"e"
    assert read_torrent_files(data).info_hash == hashlib.sha1(raw_info).hexdigest()


@pytest.mark.parametrize(
    ("info", "field"),
    [
        ({b"name": b"a", b"piece length": 1, b"pieces": PIECES}, "info.length"),
        ({b"name": b"..", b"length": 1, b"piece length": 1, b"pieces": PIECES}, "info.name"),
        ({b"length": 1, b"piece length": 1, b"pieces": PIECES}, "info.name"),
        ({b"name": b"a", b"length": 1, b"pieces": PIECES}, "info.piece length"),
        (
            {b"name": b"a", b"piece length": 1, b"files": [{b"length": 1, b"path": [b"..", b"x"]}]},
            r"info.files\[0\].path",
        ),
        (
            {b"name": b"a", b"piece length": 1, b"files": [{b"length": -1, b"path": [b"x"]}]},
            r"info.files\[0\].length",
        ),
        ({b"name": b"a", b"piece length": 1, b"file tree": {}}, "v2-only"),
    ],
)
def test_unusable_torrent_names_the_field(info: dict[bytes, object], field: str) -> None:
    with pytest.raises(TorrentMetaError, match=field):
        read_torrent_files(encode({b"info": info}))  # type: ignore[dict-item]


def test_torrent_without_info_or_not_a_dict() -> None:
    with pytest.raises(TorrentMetaError, match="info"):
        read_torrent_files(encode({b"announce": b"x"}))
    with pytest.raises(TorrentMetaError, match="not a dictionary"):
        read_torrent_files(b"li1ee")


def test_size_limit() -> None:
    data = encode({b"info": _single(), b"comment": b"x" * 2000})  # type: ignore[dict-item]
    with pytest.raises(TorrentTooLarge, match="more than the 1000 allowed"):
        read_torrent_files(data, max_bytes=1000)
    assert read_torrent_files(data, max_bytes=len(data)).name == "song.flac"


def test_html_instead_of_a_torrent_is_a_bencode_error() -> None:
    with pytest.raises(BencodeError, match="byte 0"):
        read_torrent_files(b"<html>login required</html>")
