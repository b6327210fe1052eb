"""A torrent client's value types and errors (the `TorrentClient` port: workers/agent/ports.py).

Vocabulary follows the torrent client's, not the ticket's: an info hash, files by index,
priorities, a save path. File paths are relative to the save path and start with the torrent's
own folder for multi-file torrents ("Album/01 - Track.flac"), as both qBittorrent and libtorrent
report them.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from pathlib import Path, PurePosixPath

from chalicelib.domain.bencode import info_hash_of_torrent
from chalicelib.domain.magnet import info_hash_from_magnet, normalise_info_hash


class TorrentState(Enum):
    """Lifecycle of one torrent, common to every client."""

    FETCHING_METADATA = "fetching_metadata"  # magnet without metadata yet
    CHECKING = "checking"  # hashing files or loading resume data
    QUEUED = "queued"  # waiting for a slot in the client's queue
    DOWNLOADING = "downloading"  # wants pieces (with or without peers right now)
    SEEDING = "seeding"  # every wanted piece is done and it is active
    PAUSED = "paused"  # stopped by the user or by the stop-after-metadata rule
    MOVING = "moving"
    ERROR = "error"  # includes files missing from disk
    UNKNOWN = "unknown"


@dataclass(frozen=True)
class TorrentStatus:
    """A snapshot of one torrent. Speeds in bytes/s, times in seconds, progress 0..1."""

    info_hash: str
    name: str
    state: TorrentState
    progress: float  # of the wanted files only
    download_speed_bps: int
    upload_speed_bps: int
    eta_seconds: int | None  # None when unknown (no peers, paused, done)
    downloaded_bytes: int  # payload received this session or in total, as the client counts it
    uploaded_bytes: int
    ratio: float
    seeding_time_seconds: int
    save_path: Path
    # Size of the pieces the selected files need: piece-granular, so a little more than the
    # files themselves when they share pieces with unselected neighbours; 0 before metadata.
    wanted_bytes: int
    tag: str | None = None
    error: str | None = None
    peers: int = 0  # connected peers (seeds and leechers)

    @property
    def is_complete(self) -> bool:
        """Every selected file is fully downloaded (it may be seeding or paused)."""
        return self.progress >= 1.0 and self.state not in (
            TorrentState.FETCHING_METADATA,
            TorrentState.CHECKING,
            TorrentState.ERROR,
        )


@dataclass(frozen=True)
class TorrentFileEntry:
    """One file of a torrent as the client holds it."""

    index: int
    path: PurePosixPath  # relative to the save path
    size: int
    progress: float
    priority: int  # 0 = not downloaded


class TorrentClientError(Exception):
    """Something went wrong talking to or inside the torrent client."""


class ClientUnreachable(TorrentClientError):
    """The client did not answer (connection refused, timeout, wrong address)."""


class ClientAuthError(TorrentClientError):
    """The client refused our credentials."""


class TorrentNotFound(TorrentClientError):
    """No torrent with that info hash is in the client."""


class InvalidTorrent(TorrentClientError):
    """A magnet link or .torrent payload that cannot be used."""


class MetadataTimeout(TorrentClientError):
    """A magnet's metadata did not arrive in time (no peer shared it)."""


def added_info_hash(magnet: str | None, torrent_bytes: bytes | None) -> str:
    """The v1 info hash of what is being added (the qBittorrent API answers only "Ok.").

    InvalidTorrent names the argument and says what is wrong with it.
    """
    try:
        if magnet is not None:
            return info_hash_from_magnet(magnet)
        return info_hash_of_torrent(torrent_bytes or b"")
    except ValueError as error:
        raise InvalidTorrent(f"{'magnet' if magnet is not None else 'torrent_bytes'}: "
                             f"{error}") from None


def checked_info_hash(info_hash: str) -> str:
    """`info_hash` as 40 lower-case hex digits, or InvalidTorrent (it reaches file paths)."""
    try:
        return normalise_info_hash(info_hash)
    except ValueError as error:
        raise InvalidTorrent(f"info_hash: {error}") from None


def check_add_arguments(magnet: str | None, torrent_bytes: bytes | None,
                        save_path: Path) -> None:
    """What every client's `add` refuses: not exactly one source, or a relative save path."""
    if (magnet is None) == (torrent_bytes is None):
        raise InvalidTorrent("add: give exactly one of magnet or torrent_bytes")
    if not save_path.is_absolute():
        raise InvalidTorrent(f"save_path: must be absolute, got {save_path}")
