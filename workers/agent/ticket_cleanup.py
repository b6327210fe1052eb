"""Undo a ticket's work on this machine: its torrents and data, work files, placements."""

from __future__ import annotations

import contextlib
import logging
import shutil

from workers.agent.download_stage import torrent_tag
from workers.agent.ports import TorrentClient
from workers.agent.settings import AgentSettings
from workers.agent.ticket_workdir import TicketWorkdir
from workers.media import Placer, RecoveryAction
from workers.torrent.client import TorrentClientError, TorrentNotFound

log = logging.getLogger("quentin.agent.cleanup")


class TicketCleanup:
    """What cancellation removes. Every step tolerates what is already gone."""

    def __init__(self, settings: AgentSettings, client: TorrentClient | None,
                 placer: Placer) -> None:
        self._settings = settings
        self._client = client
        self._placer = placer

    def cancel(self, ticket_id: str) -> list[str]:
        """Remove everything of `ticket_id`; return what was done (for the log)."""
        workdir = TicketWorkdir(self._settings.work_dir, ticket_id)
        done: list[str] = []
        hashes = {workdir.get("info_hash")} - {None}
        if self._client is not None:
            with contextlib.suppress(TorrentClientError):
                hashes |= {s.info_hash for s in self._client.list(torrent_tag(ticket_id))}
            for info_hash in sorted(hashes):
                try:
                    self._client.remove(str(info_hash), delete_data=True)
                    done.append(f"removed torrent {info_hash} with its data")
                except TorrentNotFound:
                    pass
                except TorrentClientError as exc:
                    log.warning("torrent not removed: %s", exc, extra={"ticket_id": ticket_id})
        if ticket_id in self._placer.unfinished_tickets():
            report = self._placer.recover(ticket_id, RecoveryAction.ROLLBACK)
            done.append(f"placement rolled back ({report.rollback.value})")
        download = self._settings.download_dir / ticket_id
        if download.exists():
            shutil.rmtree(download, ignore_errors=True)
            done.append("download folder removed")
        if workdir.exists():
            workdir.remove()
            done.append("work files removed")
        log.info("ticket cleaned up", extra={"ticket_id": ticket_id, "done": done})
        return done
