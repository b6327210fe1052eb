"""Remove finished torrents once they gave back enough to the swarm (and were placed)."""

from __future__ import annotations

import logging
import shutil

from workers.agent.ports import TorrentCatalog, TorrentClient
from workers.agent.settings import AgentSettings
from workers.agent.ticket_workdir import TicketWorkdir, known_tickets
from workers.torrent.client import TorrentClientError, TorrentNotFound
from workers.torrent.seeding import SeedingPolicy

log = logging.getLogger("quentin.agent.seeding")
DEFAULT_MAX_SEEDING_SECS = 7 * 24 * 3600


def seeding_policy(settings: AgentSettings) -> SeedingPolicy:
    """The configured policy; a seed time of 0 means "no time limit" (the default week)."""
    return SeedingPolicy(min_ratio=settings.seed_ratio,
                         max_seeding_seconds=settings.seed_time_secs or DEFAULT_MAX_SEEDING_SECS)


class SeedingReaper:
    """Checks every downloaded ticket's torrent against the seeding policy.

    The torrent catalog learns each torrent's ratio and seeding time, and forgets a torrent
    once its data is removed (so no later ticket is sent to files that are gone).
    """

    def __init__(self, settings: AgentSettings, client: TorrentClient,
                 catalog: TorrentCatalog | None = None, *, budget_bytes: int = 0) -> None:
        self._settings = settings
        self._client = client
        self._catalog = catalog
        self._policy = seeding_policy(settings)
        # With a storage budget, seeded torrents stay for reuse until the kept ones exceed
        # it; the catalog then names the least recently used that may go.
        self._budget = budget_bytes if catalog is not None else 0

    def sweep(self) -> list[str]:
        """Remove the torrents (with data) that may go; return their info hashes."""
        removed: list[str] = []
        over_budget: set[str] = set()
        if self._budget and self._catalog is not None:
            try:
                over_budget = {t.info_hash for t in
                               self._catalog.get_cleanup_candidates(self._budget)}
            except Exception:  # the catalog is advice: keep everything this round
                log.warning("storage budget not checked", exc_info=True)
        for ticket_id in known_tickets(self._settings.work_dir):
            workdir = TicketWorkdir(self._settings.work_dir, ticket_id)
            state = workdir.read()
            info_hash = state.get("info_hash")
            # The data is the conversion's input until the files are placed.
            if not info_hash or not state.get("place_result"):
                continue
            try:
                status = self._client.status(info_hash)
            except TorrentNotFound:
                workdir.update(info_hash=None)
                continue
            except TorrentClientError as exc:
                log.warning("seeding check failed: %s", exc, extra={"ticket_id": ticket_id})
                continue
            self._tell_catalog("update_seeding", info_hash, status.ratio,
                               status.seeding_time_seconds)
            decision = self._policy.decide(status)
            if not decision.eligible_for_cleanup:
                continue
            if self._budget and info_hash not in over_budget:
                continue  # seeded, but kept for reuse while the catalog fits its budget
            try:
                self._client.remove(info_hash, delete_data=True)
            except TorrentClientError as exc:
                log.warning("torrent not removed: %s", exc, extra={"ticket_id": ticket_id})
                continue
            self._tell_catalog("remove", info_hash)
            shutil.rmtree(self._settings.download_dir / ticket_id, ignore_errors=True)
            workdir.update(info_hash=None, seeding_done=decision.reason)
            log.info("seeding finished: %s", decision.reason,
                     extra={"ticket_id": ticket_id, "info_hash": info_hash})
            removed.append(info_hash)
        return removed

    def _tell_catalog(self, method: str, *args: object) -> None:
        if self._catalog is None:
            return
        try:
            getattr(self._catalog, method)(*args)
        except Exception:  # the catalog is advice; seeding goes on without it
            log.warning("torrent catalog not updated", exc_info=True)
