"""Every interface the agent's stages call; adapters implement them.

The naming rule is chalicelib/ports.py's: a port is named for its role (`TorrentClient`,
`TorrentCatalog`), implementations are technology + port (`QbittorrentClient`,
`LibtorrentClient`, `DynamoTorrentCatalog`). The agent also uses the service side's ports
(`TicketStore`, `AuditLog`, `Clock`...) through `FlowState`.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any, Protocol

from chalicelib.domain.bencode import TorrentMeta
from chalicelib.domain.catalog import CatalogContent, CatalogTorrent
from workers.agent.task import StageTask
from workers.agent.ticket_reporter import TicketReporter
from workers.torrent.client import TorrentFileEntry, TorrentStatus


class TorrentClient(Protocol):
    """What the agent needs from a torrent client, nothing more."""

    def add(
        self,
        *,
        magnet: str | None = None,
        torrent_bytes: bytes | None = None,
        save_path: Path,
        tag: str,
        paused: bool = False,
    ) -> str:
        """Add by magnet or .torrent bytes and return the lower-case hex info hash.

        Idempotent: adding a hash that is already present returns it unchanged. ``paused``
        downloads no payload until ``resume``; a magnet still fetches its metadata so that
        ``files`` and ``set_file_priorities`` work before the first byte of content.
        """
        ...

    def add_peer(self, info_hash: str, address: str) -> None:
        """Connect the torrent to ``host:port`` (for swarms without a tracker)."""
        ...

    def set_file_priorities(self, info_hash: str, wanted: set[int]) -> None:
        """Download only the files with these indices; every other file gets priority 0."""
        ...

    def files(self, info_hash: str) -> list[TorrentFileEntry]:
        """The torrent's files, waiting for a magnet's metadata if needed."""
        ...

    def status(self, info_hash: str) -> TorrentStatus: ...

    def list(self, tag: str | None = None) -> list[TorrentStatus]: ...

    def remove(self, info_hash: str, *, delete_data: bool) -> None:
        """Remove the torrent (and its files); returns once the client no longer has it."""
        ...

    def pause(self, info_hash: str) -> None: ...

    def resume(self, info_hash: str) -> None: ...

    def network_problem(self) -> str | None:
        """Why nothing may download now (e.g. the bound interface is down), or None."""
        ...

    def close(self) -> None: ...


class TorrentCatalog(Protocol):
    """The torrent catalog as the agent feeds it: what it downloaded and how it seeds."""

    def register_torrent(self, torrent: TorrentMeta, contents: Sequence[CatalogContent], *,
                         save_path: str | None = None,
                         agent_id: str | None = None) -> object: ...

    def update_seeding(self, info_hash: str, ratio: float, seeding_secs: int) -> None: ...

    def remove(self, info_hash: str) -> None: ...

    def get_cleanup_candidates(self, max_bytes: int) -> Sequence[CatalogTorrent]: ...


class StageHandler(Protocol):
    """One agent stage (download, convert, place) run for one task."""

    def run(self, task: StageTask, reporter: TicketReporter) -> dict[str, Any]: ...
