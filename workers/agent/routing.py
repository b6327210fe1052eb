"""Which agent runs a stage: the one holding the ticket's files.

Stage queues are shared by every agent; each agent also has its own download, convert and
place queues (created on start, polled before the shared ones). A convert or place message
names its owner (the download result's `agent_id`), a download over kept files the agent
keeping them (the work order's `agent_id`, from the torrent catalog); a download that an
agent started belongs to it (the ticket's claim, see chalicelib/domain/agents.py), so a
redelivered or retried download message goes back to the host with the partial files.
Another agent that receives such a message forwards it to the owner's queue, unless the owner
has been silent longer than `gone_after_secs`: then the stage fails here with AgentGone
(retryable, not retried by the flow), and a retry of the ticket downloads again on an agent
that is alive. No change to the flow: the task token travels with the message.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from chalicelib.domain.agents import owner_of
from chalicelib.domain.stage_protocol import ERROR_AGENT_GONE, Stage
from chalicelib.ports import AgentRegistry
from workers.agent.ports import StageHandler
from workers.agent.task import StageFailure, StageStopped, StageTask, StopReason
from workers.agent.ticket_reporter import TicketReporter

log = logging.getLogger("quentin.agent.routing")
PASS_SECS = 2  # an owner without a queue yet: the message hides from us this long


RUN, FORWARD, WAIT = "run", "forward", "wait"


@dataclass(frozen=True)
class Route:
    action: str  # RUN here, FORWARD to the owner's queue, or WAIT (hidden a while) for it
    owner: str | None = None


class StageRouter:
    def __init__(self, agent_id: str, registry: AgentRegistry, gone_after_secs: float,
                 now: Callable[[], datetime],
                 claim_of: Callable[[str], str | None] = lambda ticket_id: None,
                 status_interval_secs: float = 30.0) -> None:
        self.agent_id = agent_id
        self._registry = registry
        self._gone_after = gone_after_secs
        # An owner that missed about three heartbeats is not forwarded to (see route).
        self._stale_after = min(gone_after_secs / 2, 3 * status_interval_secs + 2)
        self._now = now
        self._claim_of = claim_of

    def owner(self, task: StageTask) -> str | None:
        work = task.message.work
        kept = work.agent_id if work is not None else None
        claimed = None
        if task.message.stage is Stage.DOWNLOAD and not kept:
            try:
                claimed = self._claim_of(task.ticket_id)
            except Exception:  # the ticket store unreachable: the stage's own claim decides
                log.warning("download claim not read", exc_info=True,
                            extra={"ticket_id": task.ticket_id})
        return owner_of(task.message.stage.value, task.message.results, kept, claimed)

    def route(self, task: StageTask) -> Route:
        """Where `task` runs: here (ours, anyone's, or its owner is gone and the stage must
        be failed), forwarded to its owner, or left to wait while its owner is silent."""
        owner = self.owner(task)
        if owner is None or owner == self.agent_id:
            return Route(RUN)
        try:
            beat = self._registry.get(owner)
        except Exception:  # the registry unreachable: the owner's queue is the safe bet
            log.warning("agent registry unreachable", exc_info=True)
            return Route(FORWARD, owner)
        now = self._now()
        if beat is None or beat.is_gone(now, self._gone_after):
            return Route(RUN, owner)
        if beat.is_gone(now, self._stale_after):
            # Silent, not yet gone: a forwarded message would sit in a dead agent's queue
            # until the flow's heartbeat timeout; kept here, it is failed as soon as the
            # owner counts as gone, or forwarded once it reports again.
            return Route(WAIT, owner)
        return Route(FORWARD, owner)

    def gone_reason(self, owner: str, task: StageTask | None = None) -> str | None:
        """Why `owner` cannot run `task` (it is gone), or None while it is alive."""
        try:
            beat = self._registry.get(owner)
        except Exception:  # the registry unreachable: assume alive, never fail on a guess
            log.warning("agent registry unreachable", exc_info=True)
            return None
        holds = _what_it_holds(task)
        if beat is None:
            return (f"agent {owner}, {holds}, has never reported; retry the ticket to "
                    f"download it again on another agent")
        if not beat.is_gone(self._now(), self._gone_after):
            return None
        silent = int(beat.silent_for(self._now()).total_seconds())
        return (f"agent {owner}, {holds}, has been silent for {silent} s (limit "
                f"{self._gone_after:g} s); retry the ticket to download it again on "
                f"another agent")


class OwnedStage:
    """A stage that runs only on its owner, if it has one; fails when the owner is gone."""

    def __init__(self, inner: StageHandler, router: StageRouter) -> None:
        self._inner = inner
        self._router = router

    def run(self, task: StageTask, reporter: TicketReporter) -> dict[str, Any]:
        owner = self._router.owner(task)
        if owner is not None and owner != self._router.agent_id:
            reason = self._router.gone_reason(owner, task)
            if reason is not None:
                raise StageFailure(ERROR_AGENT_GONE, reason, retryable=True, agent_id=owner)
            # Its owner is back since the poller looked: hand the message back, to be
            # forwarded on its next delivery.
            raise StageStopped(StopReason.RELEASED)
        return self._inner.run(task, reporter)


def _what_it_holds(task: StageTask | None) -> str:
    if task is None or task.message.stage is not Stage.DOWNLOAD:
        return "which holds this ticket's downloaded files"
    if task.message.work is not None and task.message.work.agent_id:
        return "which holds this ticket's catalogued files"
    return "which was downloading this ticket"
