"""The messages the flow sends to its stages over SQS, and what the stages answer.

Version 1 (`qt.stage/1`). Every stage message is a JSON object:

    {"schema": "qt.stage/1", "stage": "acquire" | "next_candidate" | "approval" |
     "record_failure" | "download" | "convert" | "place",
     "ticket_id": str, "attempt": int, "retry_count": int, "priority": int,
     "task_token": str, "work": WorkOrder | null,
     "results": {"download": {...}, "convert": {...}},   # what earlier stages answered
     "error": {"Error": str, "Cause": str} | null}       # for next_candidate / record_failure

A stage answers through Step Functions: SendTaskSuccess with the stage's result object,
SendTaskHeartbeat while it works, or SendTaskFailure with one of the ERROR_* names below and a
JSON `cause` ({"reason": str, "retryable": bool, ...}).

A WorkOrder (built by the acquisition stage, the approval, a forced magnet or a retry) holds
everything the agent needs, so it never reads the ticket store to do its work:

    {"ticket_id", "priority", "candidate": {"title", "info_hash", "magnet_uri",
     "download_url", "indexer", "size"} | null, "source_dir": str | null,
     "files": [{"item_id", "kind", "file_index", "path", "dest_path", "name",
                "disc_number", "track_number", "duration_secs"}],
     "constraints": {...}, "metadata": {...}, "agent_id": str | null}

`files[].path` is the file's path inside the torrent (or below `source_dir`); `file_index` its
index in the torrent (null when unknown, e.g. for a magnet before metadata). `agent_id` names
the agent that keeps `source_dir` (a work order over kept files, from the torrent catalog):
only that agent can run its download stage; null means any agent may.

Agent control messages are `{"schema": "qt.control/1", "action": "cancel", "ticket_id":
str}`: stop work on that ticket and clean up. They are addressed: the service sends them to
the control queue of each agent that works on the ticket (`<prefix>-agent-<id>-control`), or
of every agent alive when it knows none.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from enum import StrEnum
from typing import Any

SCHEMA = "qt.stage/1"
CONTROL_SCHEMA = "qt.control/1"

# Error names a stage may answer with (SendTaskFailure `error`).
ERROR_TRANSIENT = "Transient"  # retried by the flow with backoff
ERROR_DOWNLOAD_FAILED = "DownloadFailed"  # the release is blocklisted; the next candidate is tried
ERROR_CONVERSION_FAILED = "ConversionFailed"
ERROR_PLACEMENT_FAILED = "PlacementFailed"
ERROR_CANCELLED = "Cancelled"
ERROR_INVALID = "InvalidMessage"
# The agent holding the ticket's files (its download, partial or whole) has been silent too
# long: not retried by the flow (the files stay there); the ticket fails retryably, and a
# retry starts the download again on an agent that is alive.
ERROR_AGENT_GONE = "AgentGone"


class Stage(StrEnum):
    ACQUIRE = "acquire"
    NEXT_CANDIDATE = "next_candidate"
    APPROVAL = "approval"
    RECORD_FAILURE = "record_failure"
    DOWNLOAD = "download"
    CONVERT = "convert"
    PLACE = "place"

    @property
    def runs_on_agent(self) -> bool:
        return self in (Stage.DOWNLOAD, Stage.CONVERT, Stage.PLACE)


class ProtocolError(ValueError):
    """A message that is not a valid stage message."""


@dataclass(frozen=True)
class SourceCandidate:
    title: str
    info_hash: str | None = None
    magnet_uri: str | None = None
    download_url: str | None = None
    indexer: str | None = None
    size: int | None = None


@dataclass(frozen=True)
class WorkFile:
    item_id: str
    kind: str
    dest_path: str
    path: str | None = None
    file_index: int | None = None
    name: str | None = None
    disc_number: int | None = None
    track_number: int | None = None
    duration_secs: float | None = None


@dataclass(frozen=True)
class WorkOrder:
    ticket_id: str
    priority: int
    files: tuple[WorkFile, ...]
    candidate: SourceCandidate | None = None
    source_dir: str | None = None
    constraints: dict[str, Any] = field(default_factory=dict)
    metadata: dict[str, Any] = field(default_factory=dict)
    # What identifies the content for lookups on the agent (subtitles): title, year, season,
    # episode, imdb_id from the ticket's query; `metadata` (the tags to embed) wins over it.
    lookup: dict[str, Any] = field(default_factory=dict)
    agent_id: str | None = None  # the agent that keeps source_dir; None: any agent

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> WorkOrder:
        try:
            cand = d.get("candidate")
            return cls(
                ticket_id=str(d["ticket_id"]),
                priority=int(d.get("priority", 0)),
                files=tuple(WorkFile(**f) for f in d.get("files", [])),
                candidate=SourceCandidate(**cand) if cand else None,
                source_dir=d.get("source_dir"),
                constraints=dict(d.get("constraints") or {}),
                metadata=dict(d.get("metadata") or {}),
                lookup=dict(d.get("lookup") or {}),
                agent_id=str(d["agent_id"]) if d.get("agent_id") else None,
            )
        except (KeyError, TypeError, ValueError) as e:
            raise ProtocolError(f"invalid work order: {e}") from e


@dataclass(frozen=True)
class StageMessage:
    stage: Stage
    ticket_id: str
    task_token: str
    attempt: int = 1
    retry_count: int = 0
    priority: int = 0
    work: WorkOrder | None = None
    results: dict[str, Any] = field(default_factory=dict)
    error: dict[str, Any] | None = None

    @classmethod
    def parse(cls, body: str | dict[str, Any]) -> StageMessage:
        """Read a stage message; ProtocolError when it is not one (of this version)."""
        try:
            data = json.loads(body) if isinstance(body, str) else dict(body)
        except ValueError as e:
            raise ProtocolError(f"not JSON: {e}") from e
        if not isinstance(data, dict):
            raise ProtocolError("a stage message must be a JSON object")
        if data.get("schema") != SCHEMA:
            raise ProtocolError(f"unknown schema {data.get('schema')!r}; expected {SCHEMA}")
        try:
            stage = Stage(data["stage"])
            ticket_id = data["ticket_id"]
            token = data["task_token"]
        except (KeyError, ValueError) as e:
            raise ProtocolError(f"missing or invalid field: {e}") from e
        if not isinstance(ticket_id, str) or not isinstance(token, str) or not token:
            raise ProtocolError("ticket_id and task_token must be strings")
        work = data.get("work")
        return cls(
            stage=stage,
            ticket_id=ticket_id,
            task_token=token,
            attempt=int(data.get("attempt") or 1),
            retry_count=int(data.get("retry_count") or 0),
            priority=int(data.get("priority") or 0),
            work=WorkOrder.from_dict(work) if isinstance(work, dict) else None,
            results=dict(data.get("results") or {}),
            error=data.get("error"),
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "schema": SCHEMA,
            "stage": self.stage.value,
            "ticket_id": self.ticket_id,
            "attempt": self.attempt,
            "retry_count": self.retry_count,
            "priority": self.priority,
            "task_token": self.task_token,
            "work": self.work.to_dict() if self.work else None,
            "results": self.results,
            "error": self.error,
        }


def failure_cause(reason: str, *, retryable: bool, **extra: Any) -> str:
    """The JSON `cause` a stage sends with SendTaskFailure."""
    return json.dumps({"reason": reason, "retryable": retryable, **extra})


def read_cause(cause: str | None) -> dict[str, Any]:
    """The cause a stage sent, or a plain-text reason wrapped the same way."""
    if not cause:
        return {"reason": "", "retryable": True}
    try:
        data = json.loads(cause)
    except ValueError:
        return {"reason": cause, "retryable": True}
    return data if isinstance(data, dict) else {"reason": str(data), "retryable": True}


def control_message(action: str, ticket_id: str) -> dict[str, Any]:
    return {"schema": CONTROL_SCHEMA, "action": action, "ticket_id": ticket_id}
