"""File mapping: which file of a torrent serves which requested ticket item."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from chalicelib.content.rules import rules_for
from chalicelib.domain.candidate import TorrentFile
from chalicelib.domain.request import ContentType, ItemKind, TicketRequest
from chalicelib.textbrain.mapping.generic import map_plain_files
from chalicelib.textbrain.mapping.images import map_images
from chalicelib.textbrain.mapping.model import FileMapping, MappedItem, UnmappedItem
from chalicelib.textbrain.mapping.music import map_tracks
from chalicelib.textbrain.mapping.video import map_episodes, map_feature

__all__ = ["FileMapping", "MappedItem", "UnmappedItem", "map_files"]


def map_files(
    request: TicketRequest,
    files: Sequence[TorrentFile],
    durations: Mapping[str, float] | None = None,
) -> FileMapping:
    """Map a torrent's files to the request's requested items.

    `durations` gives known play times in seconds by file path (the torrent itself does not
    carry them). Items with requested=false are left out entirely.
    """
    wanted = request.requested_items
    query = request.query
    mapped: list[MappedItem] = []
    unmapped: list[UnmappedItem] = []
    notes: list[str] = []
    folder: str | None = None
    tracks = [i for i in wanted if i.kind is ItemKind.TRACK]
    if tracks:
        result = map_tracks(tracks, files, query.album, query.year, durations or {},
                            query.release_track_count)
        mapped += result.mapped
        unmapped += result.unmapped
        notes += result.notes
        folder = result.folder
    videos = [i for i in wanted if i.kind is ItemKind.VIDEO]
    if videos:
        episodic = query.expected is ContentType.TV_EPISODE or any(
            i.episode is not None for i in videos)
        found, missing = (map_episodes(videos, files, query.season, query.episode) if episodic
                          else map_feature(videos, files))
        mapped += found
        unmapped += missing
    images = [i for i in wanted if i.kind is ItemKind.IMAGE]
    if images:
        found, missing = map_images(images, files, folder)
        mapped += found
        unmapped += missing
    plain = [i for i in wanted if i.kind is ItemKind.FILE]
    if plain:
        found, missing = map_plain_files(plain, files, rules_for(query.expected))
        mapped += found
        unmapped += missing
    order = {item.item_id: n for n, item in enumerate(wanted)}
    return FileMapping(
        mapped=tuple(sorted(mapped, key=lambda m: order[m.item_id])),
        unmapped=tuple(sorted(unmapped, key=lambda u: order[u.item_id])),
        folder=folder,
        notes=tuple(notes),
    )
