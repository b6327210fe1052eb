"""Which files of a torrent a work order wants: by index when given, else by path."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import PurePosixPath

from chalicelib.domain.stage_protocol import WorkFile
from workers.torrent.client import TorrentFileEntry


class SelectionError(ValueError):
    """A work file that the torrent does not hold."""


@dataclass(frozen=True)
class SelectedFile:
    item_id: str
    index: int
    path: PurePosixPath  # relative to the torrent's save path


def _without_top(path: PurePosixPath) -> PurePosixPath:
    return PurePosixPath(*path.parts[1:]) if len(path.parts) > 1 else path


def _norm(path: str) -> PurePosixPath:
    return PurePosixPath(path.replace("\\", "/").strip("/"))


def select_files(files: Sequence[WorkFile], entries: Sequence[TorrentFileEntry]
                 ) -> list[SelectedFile]:
    """Map each work file with a `path` or `file_index` to a torrent entry.

    `file_index` wins when it names an entry whose path agrees with `path` (or no path is
    given); a path matches with or without the torrent's top folder. Work files with
    neither (nothing to fetch) are skipped. SelectionError names the first unmatched file.
    """
    by_index = {e.index: e for e in entries}
    by_path: dict[PurePosixPath, TorrentFileEntry] = {}
    for each in entries:
        by_path.setdefault(each.path, each)
        by_path.setdefault(_without_top(each.path), each)
    chosen: list[SelectedFile] = []
    for number, work in enumerate(files):
        if work.path is None and work.file_index is None:
            continue
        wanted = _norm(work.path) if work.path else None
        entry: TorrentFileEntry | None = (
            by_index.get(work.file_index) if work.file_index is not None else None)
        if entry is not None and wanted is not None and wanted not in (
                entry.path, _without_top(entry.path)):
            entry = None  # the index disagrees with the path: trust the path
        if entry is None and wanted is not None:
            entry = by_path.get(wanted)
        if entry is None:
            raise SelectionError(
                f"files[{number}] (item {work.item_id}): {work.path or work.file_index!r} "
                f"is not in the torrent")
        chosen.append(SelectedFile(work.item_id, entry.index, entry.path))
    return chosen
