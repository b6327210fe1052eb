"""Mapping video files to video items: the feature film, or episodes by season and number."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from chalicelib.content import extensions
from chalicelib.domain.candidate import TorrentFile
from chalicelib.domain.request import TicketItem
from chalicelib.textbrain.mapping.layout import episode_numbers, is_extra, segments
from chalicelib.textbrain.mapping.model import MappedItem, UnmappedItem

# The feature is taken as clearly the main file when it is this many times the next one.
_CLEAR_LEAD = 3.0


@dataclass(frozen=True)
class VideoFile:
    """A video file of the torrent with the episodes its name carries."""

    index: int
    path: str
    size: int
    season: int | None
    episodes: tuple[int, ...]
    extra: bool


def video_files(files: Sequence[TorrentFile]) -> list[VideoFile]:
    """The video files of a torrent, in torrent order."""
    found = []
    for index, file in enumerate(files):
        if extensions.extension_of(file.path) in extensions.VIDEO:
            season, episodes = episode_numbers(file.path)
            found.append(VideoFile(index, file.path, file.size, season, episodes,
                                   is_extra(file.path)))
    return found


def map_feature(
    items: Sequence[TicketItem], files: Sequence[TorrentFile]
) -> tuple[list[MappedItem], list[UnmappedItem]]:
    """Map a movie's video item to the main file: the largest that is not a sample or extra."""
    videos = video_files(files)
    features = sorted((v for v in videos if not v.extra), key=lambda v: (-v.size, v.path))
    mapped: list[MappedItem] = []
    unmapped: list[UnmappedItem] = []
    for position, item in enumerate(items):
        if position >= len(features):
            reason = ("only samples or extras, no feature file" if videos
                      else "no video files in the torrent")
            unmapped.append(UnmappedItem(item.item_id, reason))
            continue
        chosen = features[position]
        following = features[position + 1] if position + 1 < len(features) else None
        skipped = len(videos) - len(features)
        if following is None or chosen.size >= _CLEAR_LEAD * following.size:
            confidence, why = 0.95, "the largest video file"
        else:
            confidence, why = 0.7, "the largest of several similar-sized video files"
        if skipped:
            why += f", {skipped} sample/extra file(s) skipped"
        mapped.append(MappedItem(item.item_id, chosen.path, chosen.index, confidence,
                                 f"feature <- '{segments(chosen.path)[-1]}' ({why})"))
    return mapped, unmapped


def map_episodes(
    items: Sequence[TicketItem], files: Sequence[TorrentFile], default_season: int | None,
    default_episode: int | None,
) -> tuple[list[MappedItem], list[UnmappedItem]]:
    """Map episode items to files by season and episode; a multi-episode file may serve several."""
    videos = [v for v in video_files(files) if not v.extra]
    mapped: list[MappedItem] = []
    unmapped: list[UnmappedItem] = []
    for item in items:
        season = item.season if item.season is not None else default_season
        episode = item.episode if item.episode is not None else default_episode
        if episode is None:
            unmapped.append(UnmappedItem(item.item_id, "the item names no episode number"))
            continue
        label = f"S{season or 0:02d}E{episode:02d}"
        holding = [v for v in videos if episode in v.episodes
                   and (season is None or v.season is None or v.season == season)]
        # A file with just this episode beats a multi-episode one; then the larger one.
        holding.sort(key=lambda v: (len(v.episodes), -v.size, v.path))
        if holding:
            chosen = holding[0]
            name = segments(chosen.path)[-1]
            if len(chosen.episodes) == 1:
                mapped.append(MappedItem(item.item_id, chosen.path, chosen.index, 0.95,
                                         f"{label} <- '{name}'"))
            else:
                mapped.append(MappedItem(
                    item.item_id, chosen.path, chosen.index, 0.85,
                    f"{label} <- '{name}' (multi-episode file with episodes "
                    f"{', '.join(str(e) for e in chosen.episodes)})"))
        elif len(videos) == 1 and len(items) == 1 and not videos[0].episodes:
            only = videos[0]
            mapped.append(MappedItem(item.item_id, only.path, only.index, 0.6,
                                     f"{label} <- '{segments(only.path)[-1]}' (the only video "
                                     "file; its name carries no episode number)"))
        else:
            unmapped.append(UnmappedItem(item.item_id, f"no video file for {label}"))
    return mapped, unmapped
