"""Which agent runs a stage: the one holding the ticket's files.

Stage queues are shared by every agent; each agent also has its own download, convert and
place queues (created on start, polled before the shared ones). A convert or place message
names its owner (the download result's `agent_id`), a download over kept files the agent
keeping them (the work order's `agent_id`, from the torrent catalog); another agent that
receives it forwards it to the owner's queue, unless the owner has been silent longer than
`gone_after_secs`: then the stage fails retryably here, and a retry of the ticket downloads
again on an agent that is alive. No change to the flow: the task token travels with the message.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime
from typing import Any

from chalicelib.domain.agents import owner_of
from chalicelib.domain.stage_protocol import ERROR_TRANSIENT
from chalicelib.ports import AgentRegistry
from workers.agent.ports import StageHandler
from workers.agent.task import StageFailure, StageTask
from workers.agent.ticket_reporter import TicketReporter

log = logging.getLogger("quentin.agent.routing")
PASS_SECS = 2  # an owner without a queue yet: the message hides from us this long


class StageRouter:
    def __init__(self, agent_id: str, registry: AgentRegistry, gone_after_secs: float,
                 now: Callable[[], datetime]) -> None:
        self.agent_id = agent_id
        self._registry = registry
        self._gone_after = gone_after_secs
        self._now = now

    def owner(self, task: StageTask) -> str | None:
        work = task.message.work
        return owner_of(task.message.stage.value, task.message.results,
                        work.agent_id if work is not None else None)

    def elsewhere(self, task: StageTask) -> str | None:
        """The live agent that must run `task`, when that is not this one; None: run it here
        (ours, anyone's, or its owner is gone and the stage must be failed)."""
        owner = self.owner(task)
        if owner is None or owner == self.agent_id or self.gone_reason(owner) is not None:
            return None
        return owner

    def gone_reason(self, owner: str) -> str | None:
        try:
            beat = self._registry.get(owner)
        except Exception:  # the registry unreachable: assume alive, never fail on a guess
            log.warning("agent registry unreachable", exc_info=True)
            return None
        if beat is None:
            return (f"agent {owner}, which holds this ticket's downloaded files, has never "
                    f"reported; retry the ticket to download it again on another agent")
        if not beat.is_gone(self._now(), self._gone_after):
            return None
        silent = int(beat.silent_for(self._now()).total_seconds())
        return (f"agent {owner}, which holds this ticket's downloaded files, has been silent "
                f"for {silent} s (limit {self._gone_after:g} s); retry the ticket to "
                f"download it again on another agent")


class OwnedStage:
    """A stage that runs only on its owner, if it has one; fails when the owner is gone."""

    def __init__(self, inner: StageHandler, router: StageRouter) -> None:
        self._inner = inner
        self._router = router

    def run(self, task: StageTask, reporter: TicketReporter) -> dict[str, Any]:
        owner = self._router.owner(task)
        if owner is not None and owner != self._router.agent_id:
            reason = self._router.gone_reason(owner)
            if reason is not None:
                raise StageFailure(ERROR_TRANSIENT, reason, retryable=True, agent_id=owner)
            raise StageFailure(ERROR_TRANSIENT, f"stage belongs to agent {owner}",
                               retryable=True)
        return self._inner.run(task, reporter)
