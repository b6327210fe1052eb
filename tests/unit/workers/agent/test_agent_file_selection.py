from __future__ import annotations

from pathlib import PurePosixPath

import pytest

from chalicelib.domain.stage_protocol import WorkFile
from workers.agent.file_selection import SelectionError, select_files
from workers.torrent.client import TorrentFileEntry

ENTRIES = [TorrentFileEntry(i, PurePosixPath(p), 100, 0.0, 1) for i, p in enumerate(
    ["Album/01 - A.flac", "Album/02 - B.flac", "Album/cover.jpg"])]


def work(item: str, path: str | None = None, index: int | None = None) -> WorkFile:
    return WorkFile(item_id=item, kind="track", dest_path=f"/media/{item}", path=path,
                    file_index=index)


def test_paths_match_with_or_without_the_top_folder() -> None:
    chosen = select_files([work("a", "Album/01 - A.flac"), work("b", "02 - B.flac")], ENTRIES)
    assert [(c.item_id, c.index) for c in chosen] == [("a", 0), ("b", 1)]


def test_an_index_that_disagrees_with_the_path_loses_to_the_path() -> None:
    chosen = select_files([work("c", "Album/cover.jpg", index=0)], ENTRIES)
    assert chosen[0].index == 2


def test_an_index_alone_is_enough_and_unmapped_items_are_skipped() -> None:
    chosen = select_files([work("b", index=1), work("x")], ENTRIES)
    assert [(c.item_id, c.index) for c in chosen] == [("b", 1)]


def test_a_file_the_torrent_lacks_is_named() -> None:
    with pytest.raises(SelectionError, match=r"files\[1\] \(item z\).*missing.flac"):
        select_files([work("a", "01 - A.flac"), work("z", "missing.flac")], ENTRIES)
