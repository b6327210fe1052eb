"""The cover to embed, from the first source that has one, in the issue's order.

1. remote sources (Cover Art Archive by MusicBrainz id, then Discogs by artist + album),
2. the torrent's own files (a mapped image item, or cover/folder/front.jpg beside the tracks),
3. a picture embedded in the downloaded audio files' tags (`tagger.read_cover`).
A source that is down or has nothing passes to the next; which one served is returned
so the convert stage can audit it.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from chalicelib.domain.errors import DomainError
from chalicelib.domain.media_catalog import CoverImage, CoverWanted, picture_mime
from chalicelib.domain.stage_protocol import WorkFile
from chalicelib.ports import CoverSource
from workers.agent.media_plan import find_cover
from workers.media import read_cover
from workers.media.errors import MediaError

log = logging.getLogger("quentin.agent.covers")


def wanted_cover(metadata: Mapping[str, Any]) -> CoverWanted:
    """What the ticket's metadata says about the album (skeletons carry the MusicBrainz id)."""
    def text(*keys: str) -> str | None:
        for key in keys:
            value = metadata.get(key)
            if isinstance(value, str) and value.strip():
                return value.strip()
        return None

    return CoverWanted(
        release_id=text("musicbrainz_albumid", "musicbrainz_release_id"),
        release_group_id=text("musicbrainz_releasegroupid", "musicbrainz_release_group_id"),
        artist=text("album_artist", "albumartist", "artist"), album=text("album"))


class CoverChain:
    def __init__(self, remote: Sequence[CoverSource] = ()) -> None:
        self._remote = list(remote)

    def find(self, metadata: Mapping[str, Any], files: Sequence[WorkFile],
             sources: Mapping[str, Path]) -> tuple[CoverImage | None, list[str]]:
        """The cover, and why each source before it gave none (for the audit trail)."""
        misses: list[str] = []
        wanted = wanted_cover(metadata)
        for source in self._remote:
            try:
                image = source.front(wanted)
            except DomainError as e:
                image = None
                misses.append(f"{source.name}: {e.message}")
            else:
                if image is None:
                    misses.append(f"{source.name}: none")
            if image is not None:
                return image, misses
        tracks = [sources[f.item_id] for f in files
                  if f.kind == "track" and f.item_id in sources]
        path = find_cover(files, sources, sorted({t.parent for t in tracks}))
        if path is not None:
            data = path.read_bytes()
            mime = picture_mime(data)
            if mime:
                return CoverImage(data, mime, "torrent_file", path.name), misses
        misses.append("torrent_file: none")
        for track in tracks:
            try:
                art = read_cover(track) if track.is_file() else None
            except MediaError as e:  # an unreadable file is not a reason to fail the ticket
                log.info("no cover read from %s: %s", track.name, e)
                continue
            if art is not None and picture_mime(art.data):
                return CoverImage(art.data, art.mime, "audio_tags", track.name), misses
        misses.append("audio_tags: none")
        return None, misses
