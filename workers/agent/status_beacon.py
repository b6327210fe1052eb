"""The agent's heartbeat in the registry: id, version, free space, torrent client status."""

from __future__ import annotations

import logging
import shutil
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from chalicelib.domain.agents import AgentBeat
from chalicelib.ports import AgentRegistry
from workers.agent.ports import TorrentClient

log = logging.getLogger("quentin.agent")
AGENT_VERSION = "0.1.0"  # pyproject.toml's version


class StatusBeacon:
    def __init__(self, agent_id: str, registry: AgentRegistry, client: TorrentClient,
                 folders: list[Path], now: Callable[[], datetime],
                 running: Callable[[], int] = lambda: 0) -> None:
        self._agent_id = agent_id
        self._registry = registry
        self._client = client
        self._folders = folders
        self._now = now
        self.running = running

    def current(self) -> AgentBeat:
        free: dict[str, int] = {}
        for folder in self._folders:
            try:
                free[str(folder)] = shutil.disk_usage(folder).free
            except OSError:
                continue  # a missing root is reported by the placer, not here
        try:
            status = self._client.network_problem() or "ok"
        except Exception as error:  # a client that does not answer is exactly the news
            status = f"torrent client unreachable: {error}"
        return AgentBeat(self._agent_id, AGENT_VERSION, self._now(), free, status,
                         self.running())

    def beat(self) -> None:
        try:
            self._registry.beat(self.current())
        except Exception:
            log.warning("heartbeat not recorded", exc_info=True)
