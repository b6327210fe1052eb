"""The agent reads source files only below their root, and refuses hostile .torrent names."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from local.torrent_maker import make_torrent
from tests.support.hostile_torrents import CASES, hostile_torrent
from workers.agent.source_paths import (
    SourcePathRefused,
    check_local_file,
    contained_file,
    safe_relative,
)
from workers.agent.torrent_names import check_torrent_names


@pytest.fixture
def album(tmp_path: Path) -> Path:
    root = tmp_path / "album"
    (root / "CD1").mkdir(parents=True)
    (root / "CD1" / "01.flac").write_bytes(b"fLaC" + b"\0" * 5000)
    (root / "cover.jpg").write_bytes(b"\xff\xd8\xff" + b"\0" * 100)
    return root


@pytest.mark.parametrize(("path", "why"), [
    ("../x.flac", r"'\.\.'"), ("CD1/../../x.flac", r"'\.\.'"), ("/etc/passwd", "absolute"),
    ("C:\\x.flac", "absolute"), ("a\x00b", "control"), ("a\nb", "control"),
    ("\x1b[2J.flac", "control"), ("a\u0085b", "control"), ("", "names no file"),
    (".", "names no file"), ("..\\..\\x.flac", r"'\.\.'"),
])
def test_hostile_relative_paths_are_refused_with_the_reason(path: str, why: str) -> None:
    with pytest.raises(SourcePathRefused, match=why):
        safe_relative(path)


def test_a_plain_path_below_the_root_is_accepted(album: Path) -> None:
    assert contained_file(album, "CD1/01.flac") == album / "CD1" / "01.flac"
    assert contained_file(album, "CD1/not-yet.flac") == album / "CD1" / "not-yet.flac"


def test_a_symlinked_file_is_refused_even_pointing_inside(album: Path, tmp_path: Path
                                                          ) -> None:
    (album / "link.flac").symlink_to(album / "CD1" / "01.flac")
    (tmp_path / "secret.jpg").write_bytes(b"\xff\xd8\xffprivate")
    (album / "folder.jpg").symlink_to(tmp_path / "secret.jpg")
    for name in ("link.flac", "folder.jpg"):
        with pytest.raises(SourcePathRefused, match="is a symlink"):
            contained_file(album, name)


def test_a_symlinked_folder_on_the_way_is_refused(album: Path, tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "01.flac").write_bytes(b"not from the torrent")
    (album / "CD2").symlink_to(outside, target_is_directory=True)
    with pytest.raises(SourcePathRefused, match="CD2 is a symlink"):
        contained_file(album, "CD2/01.flac")


def test_a_root_reached_through_a_symlink_still_works(album: Path, tmp_path: Path) -> None:
    # The save path itself may sit behind a symlink (a mounted disk): only below it counts.
    linked = tmp_path / "linked-album"
    linked.symlink_to(album, target_is_directory=True)
    assert contained_file(linked, "CD1/01.flac").read_bytes().startswith(b"fLaC")


def test_a_reported_local_file_must_stay_below_the_save_path(album: Path, tmp_path: Path
                                                             ) -> None:
    assert check_local_file(album / "CD1" / "01.flac", album) == album / "CD1" / "01.flac"
    with pytest.raises(SourcePathRefused, match=re.escape("'..'")):
        check_local_file(tmp_path / "elsewhere.flac", album)
    os.symlink(album / "cover.jpg", tmp_path / "loose-link.jpg")
    with pytest.raises(SourcePathRefused, match="symlink"):
        check_local_file(tmp_path / "loose-link.jpg", None)


@pytest.mark.parametrize("case", CASES)
def test_a_torrent_with_a_hostile_name_is_refused(album: Path, case: str) -> None:
    with pytest.raises(SourcePathRefused, match=r"the \.torrent is refused"):
        check_torrent_names(hostile_torrent(album, case))


def test_an_ordinary_torrent_passes(album: Path) -> None:
    check_torrent_names(make_torrent(album, []))


def test_a_torrent_that_is_not_bencode_is_refused() -> None:
    with pytest.raises(SourcePathRefused, match="refused"):
        check_torrent_names(b"<html>not a torrent</html>")
