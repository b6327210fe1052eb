"""Mapping plain file items (software, ebooks, anything) by name and extension."""

from __future__ import annotations

from collections.abc import Sequence

from rapidfuzz import fuzz

from chalicelib.content.extensions import extension_of
from chalicelib.content.rules import ContentRules
from chalicelib.domain.candidate import TorrentFile
from chalicelib.domain.request import TicketItem
from chalicelib.textbrain.mapping.assignment import solve_assignment
from chalicelib.textbrain.mapping.layout import segments, stem
from chalicelib.textbrain.mapping.model import MappedItem, UnmappedItem
from chalicelib.textbrain.normalise import normalise_text

ACCEPT_SCORE = 0.35


def map_plain_files(
    items: Sequence[TicketItem], files: Sequence[TorrentFile], rules: ContentRules
) -> tuple[list[MappedItem], list[UnmappedItem]]:
    """Map file items to the files whose names and extensions fit best (optimal assignment)."""
    wanted = rules.wanted_extensions
    pool = [(i, f) for i, f in enumerate(files)
            if not wanted or extension_of(f.path) in wanted]
    if not pool:
        return [], [UnmappedItem(i.item_id, "no file of a wanted type in the torrent")
                    for i in items]
    largest = max(f.size for _, f in pool) or 1
    scores = [[_fit(item, file, largest) for _, file in pool] for item in items]
    pairs = dict(solve_assignment([[1.0 - s for s in row] for row in scores]))
    mapped: list[MappedItem] = []
    unmapped: list[UnmappedItem] = []
    for row, item in enumerate(items):
        column = pairs.get(row)
        if column is None:
            unmapped.append(UnmappedItem(item.item_id, "more items than fitting files"))
            continue
        index, file = pool[column]
        score = scores[row][column]
        if score < ACCEPT_SCORE:
            unmapped.append(UnmappedItem(item.item_id, f"no file fits '{item.name or item.item_id}'"
                                                        f" (best: '{file.path}' at {score:.2f})"))
            continue
        mapped.append(MappedItem(item.item_id, file.path, index, score,
                                 f"'{item.name or item.item_id}' <- '{segments(file.path)[-1]}'"
                                 f" (name and extension fit {score:.0%})"))
    return mapped, unmapped


def _fit(item: TicketItem, file: TorrentFile, largest: int) -> float:
    """Name similarity, extension agreement with the destination, and relative size."""
    wanted_name = normalise_text(item.name or stem(item.dest_path))
    similarity = fuzz.token_set_ratio(wanted_name, normalise_text(stem(file.path))) / 100
    wanted_ext = extension_of(item.dest_path)
    same_ext = 1.0 if wanted_ext and wanted_ext == extension_of(file.path) else 0.0
    # Size only breaks ties between equally named files (the full build over a readme).
    return 0.55 * similarity + 0.35 * same_ext + 0.1 * (file.size / largest)
