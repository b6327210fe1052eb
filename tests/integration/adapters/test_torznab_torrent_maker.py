"""local.torrent_maker produces the info hash the real mktorrent produces for the same content."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from chalicelib.domain.bencode import read_torrent_files
from local.torrent_maker import make_torrent

MKTORRENT = shutil.which("mktorrent")
TRACKER = "http://127.0.0.1:6969/announce"


def _content(root: Path) -> Path:
    album = root / "Album Name"
    (album / "a b").mkdir(parents=True)
    (album / "a").mkdir()
    (album / "a b" / "01.flac").write_bytes(bytes(range(256)) * 1200)
    (album / "a" / "02.flac").write_bytes(b"x" * 70_001)
    (album / "empty.txt").write_bytes(b"")
    (album / "Zed.jpg").write_bytes(b"z" * 33)
    return album


def _mktorrent(target: Path, out: Path, power: int) -> bytes:
    assert MKTORRENT is not None
    subprocess.run(
        [MKTORRENT, "-a", TRACKER, "-l", str(power), "-o", str(out), str(target)],
        check=True, capture_output=True, timeout=60,
    )  # fmt: skip
    return out.read_bytes()


@pytest.mark.parametrize("power", [15, 18])
def test_same_info_hash_as_mktorrent_multi_file(tmp_path: Path, power: int) -> None:
    album = _content(tmp_path)
    theirs = read_torrent_files(_mktorrent(album, tmp_path / "m.torrent", power))
    ours = read_torrent_files(make_torrent(album, [TRACKER], 1 << power))
    assert ours.info_hash == theirs.info_hash
    assert ours.files == theirs.files
    assert ours.trackers == theirs.trackers == (TRACKER,)
    assert not ours.private


def test_same_info_hash_as_mktorrent_single_file(tmp_path: Path) -> None:
    file = tmp_path / "track.flac"
    file.write_bytes(b"abc" * 100_000)
    theirs = read_torrent_files(_mktorrent(file, tmp_path / "s.torrent", 16))
    ours = read_torrent_files(make_torrent(file, [TRACKER], 1 << 16))
    assert ours.info_hash == theirs.info_hash
    assert ours.files == theirs.files


def test_make_torrent_refuses_bad_input(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        make_torrent(tmp_path / "missing", [])
    with pytest.raises(ValueError, match="power of two"):
        make_torrent(tmp_path, [], 1000)
    (tmp_path / "empty").mkdir()
    with pytest.raises(ValueError, match="holds no files"):
        make_torrent(tmp_path / "empty", [])


def test_several_trackers_make_an_announce_list(tmp_path: Path) -> None:
    file = tmp_path / "f.bin"
    file.write_bytes(b"1")
    meta = read_torrent_files(make_torrent(file, ["http://a/1", "udp://b:2"]))
    assert meta.trackers == ("http://a/1", "udp://b:2")
    assert meta.piece_length == 1 << 18
