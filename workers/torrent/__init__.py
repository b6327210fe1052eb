"""Torrent clients for the agent: one small interface, qBittorrent and embedded libtorrent."""

from workers.torrent.client import (
    ClientAuthError,
    ClientUnreachable,
    InvalidTorrent,
    MetadataTimeout,
    TorrentClient,
    TorrentClientError,
    TorrentFileEntry,
    TorrentNotFound,
    TorrentState,
    TorrentStatus,
)

__all__ = [
    "ClientAuthError",
    "ClientUnreachable",
    "InvalidTorrent",
    "MetadataTimeout",
    "TorrentClient",
    "TorrentClientError",
    "TorrentFileEntry",
    "TorrentNotFound",
    "TorrentState",
    "TorrentStatus",
]
