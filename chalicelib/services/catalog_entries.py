"""What the torrent catalog records about a finished download (used by every agent)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from chalicelib.content import extensions
from chalicelib.domain.bencode import TorrentMeta
from chalicelib.domain.candidate import TorrentFile
from chalicelib.domain.catalog import CatalogContent
from chalicelib.domain.stage_protocol import WorkOrder
from chalicelib.services.work_orders import LINK_SEPARATOR
from chalicelib.textbrain.mapping.layout import title_words, track_numbering
from chalicelib.textbrain.parsing import parse


def downloaded_torrent(name: str, info_hash: str,
                       files: Iterable[tuple[str, int]]) -> TorrentMeta:
    """A TorrentMeta for a torrent known from the client (a magnet has no .torrent bytes)."""
    listed = tuple(TorrentFile(path=path, size=size) for path, size in files)
    return TorrentMeta(name=name, info_hash=info_hash, files=listed,
                       total_size=sum(f.size for f in listed), piece_length=0, trackers=())


def catalog_contents(work: WorkOrder, sizes: Mapping[str, int]) -> list[CatalogContent]:
    """The torrent's files this work order identified, named with the ticket's item ids.

    A linked ticket's item (`<ticket>:<item>`) is recorded under its own item id, so a later
    ticket for the same catalog track finds it. Each file is recorded once.
    """
    artist = _text(work.metadata.get("album_artist") or work.metadata.get("artist"))
    album = _text(work.metadata.get("album"))
    contents: dict[str, CatalogContent] = {}
    for f in work.files:
        if not f.path or f.path in contents or f.kind not in ("track", "video", "file"):
            continue
        contents[f.path] = CatalogContent(
            path=f.path,
            size=int(sizes.get(f.path, 0)),
            catalog_track_id=f.item_id.rsplit(LINK_SEPARATOR, 1)[-1],
            artist=artist,
            album=album,
            title=f.name,
            duration_secs=f.duration_secs,
            disc_number=f.disc_number,
            track_number=f.track_number,
        )
    return list(contents.values())


def name_contents(torrent: TorrentMeta) -> tuple[CatalogContent, ...]:
    """Name a torrent's audio files from its title (artist, album) and file names (tracks).

    For when the registrant knows no better; a caller that mapped files to ticket items
    should pass those contents (with catalog track ids and probed durations) instead.
    """
    release = parse(torrent.name)
    contents = []
    for file in torrent.files:
        if extensions.extension_of(file.path) not in extensions.AUDIO:
            continue
        numbering = track_numbering(file.path)
        contents.append(
            CatalogContent(
                path=file.path,
                size=file.size,
                artist=release.artist,
                album=release.album,
                title=title_words(file.path) or None,
                disc_number=numbering.disc,
                track_number=numbering.track,
            )
        )
    return tuple(contents)


def _text(value: object) -> str | None:
    return str(value) if value not in (None, "") else None
