"""The agent's settings, derived once from the service configuration."""

from __future__ import annotations

import os
import socket
from pathlib import Path
from typing import Annotated

from pydantic import Field, model_validator
from pydantic.dataclasses import dataclass

from chalicelib.config import Config
from chalicelib.domain.agents import agent_queue_name
from chalicelib.domain.priority import BANDS_HIGH_FIRST
from chalicelib.domain.stage_protocol import Stage

AGENT_STAGES: tuple[Stage, ...] = (Stage.DOWNLOAD, Stage.CONVERT, Stage.PLACE)
MAX_LONG_POLL_SECS = 20  # SQS refuses longer waits


def stage_queue_name(prefix: str, stage: Stage, band: str) -> str:
    """`<prefix>-<stage>-<band>`: one queue per agent stage and priority band."""
    return f"{prefix}-{stage.value}-{band}"


def control_queue_name(prefix: str) -> str:
    return f"{prefix}-agent-control"


@dataclass(frozen=True)
class AgentSettings:
    """Everything the agent's loop and stages need to know about their limits and places.

    `from_config` derives it from keys the config loader already checked; the constraints
    here guard direct construction (tests, other front ends).
    """

    resource_prefix: str
    work_dir: Path
    download_dir: Path
    allowed_roots: tuple[Path, ...]
    max_downloads: Annotated[int, Field(ge=1)]
    max_conversions: Annotated[int, Field(ge=1)]  # files converted at once (ffmpeg processes)
    poll_wait_secs: Annotated[int, Field(ge=0, le=MAX_LONG_POLL_SECS)]
    heartbeat_interval_secs: Annotated[float, Field(gt=0)]
    visibility_timeout_secs: int
    progress_interval_secs: float
    stall_timeout_secs: Annotated[float, Field(gt=0)]
    seed_ratio: float
    seed_time_secs: int
    seeding_check_secs: float
    agent_id: str = "agent"
    status_interval_secs: Annotated[float, Field(gt=0)] = 30.0
    gone_after_secs: Annotated[float, Field(gt=0)] = 900.0
    # Room kept in work_dir for a conversion, as a share of the selected files' size.
    conversion_headroom_pct: Annotated[int, Field(ge=0)] = 100

    @model_validator(mode="after")
    def _hidden_between_heartbeats(self) -> AgentSettings:
        if self.visibility_timeout_secs < 2 * self.heartbeat_interval_secs:
            raise ValueError("visibility_timeout_secs must be at least twice the heartbeat "
                             "interval, or messages reappear while being worked on")
        return self

    @classmethod
    def from_config(cls, config: Config, base_dir: Path) -> AgentSettings:
        """Relative paths in `config` are taken relative to `base_dir` (the config's folder)."""
        agent = config.agent
        heartbeat = agent.heartbeat_interval_secs or max(
            1.0, config.orchestrator.heartbeat_timeout_secs / 5)
        return cls(
            resource_prefix=config.aws.resource_prefix,
            work_dir=(base_dir / agent.work_dir).resolve(),
            download_dir=(base_dir / config.torrent_client.download_dir).resolve(),
            allowed_roots=tuple(Path(r) for r in config.placement.allowed_roots),
            max_downloads=config.orchestrator.max_concurrent_downloads,
            max_conversions=config.orchestrator.max_concurrent_conversions
            or os.cpu_count() or 1,
            poll_wait_secs=agent.poll_wait_secs,
            heartbeat_interval_secs=heartbeat,
            visibility_timeout_secs=max(agent.visibility_timeout_secs,
                                        int(heartbeat * 3) + 1),
            progress_interval_secs=agent.progress_interval_secs,
            stall_timeout_secs=agent.stall_timeout_secs
            or float(config.torrent_client.stall_timeout_secs),
            seed_ratio=config.torrent_client.seed_ratio,
            seed_time_secs=config.torrent_client.seed_time_secs,
            seeding_check_secs=agent.seeding_check_secs,
            conversion_headroom_pct=agent.conversion_headroom_pct,
            agent_id=agent.id or socket.gethostname(),
            status_interval_secs=agent.status_interval_secs,
            gone_after_secs=agent.gone_after_secs,
        )

    def stage_queues(self, stage: Stage) -> tuple[str, ...]:
        """The stage's queue names, highest band first."""
        return tuple(stage_queue_name(self.resource_prefix, stage, band.value)
                     for band in BANDS_HIGH_FIRST)

    def own_queue(self, stage: Stage) -> str:
        """This agent's queue of `stage` messages for tickets whose files it holds
        (forwarded there by whichever agent received them first)."""
        return agent_queue_name(self.resource_prefix, self.agent_id, stage.value)

    @property
    def own_control_queue(self) -> str:
        """Cancel messages for tickets this agent works on (the service addresses them)."""
        return agent_queue_name(self.resource_prefix, self.agent_id, "control")

    @property
    def control_queue(self) -> str:
        return control_queue_name(self.resource_prefix)
