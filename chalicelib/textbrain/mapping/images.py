"""Mapping image items (cover art, booklet) to image files by their conventional names."""

from __future__ import annotations

from collections.abc import Sequence

from chalicelib.content import extensions
from chalicelib.domain.candidate import TorrentFile
from chalicelib.domain.request import TicketItem
from chalicelib.textbrain.mapping.layout import segments, stem
from chalicelib.textbrain.mapping.model import MappedItem, UnmappedItem
from chalicelib.textbrain.normalise import normalise_text

# File stems that name each kind of image, best first.
_NAMES: dict[str, tuple[str, ...]] = {
    "cover_front": ("cover", "folder", "front", "cover front", "albumart", "album art"),
    "cover_back": ("back", "cover back", "rear"),
    "booklet": ("booklet",),
    "disc": ("cd", "disc", "disk"),
    "artist": ("artist",),
    "poster": ("poster", "cover", "folder"),
}


def map_images(
    items: Sequence[TicketItem], files: Sequence[TorrentFile], folder: str | None
) -> tuple[list[MappedItem], list[UnmappedItem]]:
    """Map each image item to the best-named image file, preferring the chosen album folder."""
    images = [(i, f) for i, f in enumerate(files)
              if extensions.extension_of(f.path) in extensions.IMAGE]
    mapped: list[MappedItem] = []
    unmapped: list[UnmappedItem] = []
    taken: set[int] = set()
    for item in items:
        kind = item.image_type or "cover_front"
        names = _NAMES.get(kind, (normalise_text(kind.replace("_", " ")),))
        best: tuple[tuple[int, int, int, str], int, str] | None = None
        for index, file in images:
            if index in taken:
                continue
            words = normalise_text(stem(file.path))
            rank = next((n for n, name in enumerate(names)
                         if words == name or words.startswith(name + " ")), None)
            if rank is None:
                continue
            outside = 0 if folder is None or file.path.startswith(folder + "/") else 1
            key = (outside, rank, len(segments(file.path)), file.path)
            if best is None or key < best[0]:
                best = (key, index, file.path)
        if best is None:
            unmapped.append(UnmappedItem(item.item_id, f"no {kind.replace('_', ' ')} image "
                                                        "in the torrent"))
            continue
        key, index, path = best
        taken.add(index)
        confidence = 0.9 if key[0] == 0 else 0.7
        mapped.append(MappedItem(item.item_id, path, index, confidence,
                                 f"{kind} <- '{segments(path)[-1]}' (conventional name)"))
    return mapped, unmapped
