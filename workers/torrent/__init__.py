"""Torrent clients for the agent (the `TorrentClient` port is in workers/agent/ports.py)."""

from workers.torrent.client import (
    ClientAuthError,
    ClientUnreachable,
    InvalidTorrent,
    MetadataTimeout,
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
    "TorrentClientError",
    "TorrentFileEntry",
    "TorrentNotFound",
    "TorrentState",
    "TorrentStatus",
]
