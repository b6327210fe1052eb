"""The placer's crash journal: one JSON file per ticket, replaced atomically on each step.

File: ``<work_dir>/placer-journal/<ticket_id>.json``::

    {
      "version": 1,
      "ticket_id": "T-1",
      "state": "placing" | "completed" | "rolling_back" | "rolled_back",
      "created_dirs": ["/lib/Artist", "/lib/Artist/Album"],      # creation order
      "entries": [                                               # placement order
        {"dest": "/lib/Artist/Album/01.flac",                     # the key within a ticket
         "source": "/work/T-1/01.flac",
         "expected_sha256": "…" | null,    # as given by the caller
         "sha256": "…" | null,             # of the source, once read
         "size": 123 | null,
         "status": "pending" | "writing" | "backing_up" | "replacing" | "placed"
                   | "unchanged",
         "temp": "/lib/Artist/Album/.qt-T-1-<hex>.part" | null,
         "backup": "/lib/Artist/Album/.qt-T-1-backup-<hex>" | null}
      ]
    }

Each status is written *before* the step it names, so after a crash: `writing` may have
left a temp file; `backing_up` may have left a backup (a hard link of the untouched
original); `replacing` is done iff its temp file is gone; `placed` entries with a backup
can be undone by moving the backup back. A directory is recorded before it is created.
The journal is deleted once a ticket is completed or rolled back and its files cleaned.
"""

from __future__ import annotations

import json
import os
import secrets
from dataclasses import asdict, dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Any

from workers.media.errors import PlacementError

JOURNAL_VERSION = 1


class TicketPlacementState(StrEnum):
    PLACING = "placing"
    COMPLETED = "completed"
    ROLLING_BACK = "rolling_back"
    ROLLED_BACK = "rolled_back"


class EntryStatus(StrEnum):
    PENDING = "pending"
    WRITING = "writing"
    BACKING_UP = "backing_up"
    REPLACING = "replacing"
    PLACED = "placed"
    UNCHANGED = "unchanged"  # dest already held exactly these bytes; nothing to undo


@dataclass
class JournalEntry:
    """One destination of a ticket and how far its placement got (mutable: it is a log)."""

    dest: str
    source: str
    expected_sha256: str | None = None
    sha256: str | None = None
    size: int | None = None
    status: EntryStatus = EntryStatus.PENDING
    temp: str | None = None
    backup: str | None = None


@dataclass
class TicketJournal:
    ticket_id: str
    state: TicketPlacementState = TicketPlacementState.PLACING
    created_dirs: list[str] = field(default_factory=list)
    entries: list[JournalEntry] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {"version": JOURNAL_VERSION, "ticket_id": self.ticket_id,
                "state": self.state.value, "created_dirs": list(self.created_dirs),
                "entries": [{**asdict(e), "status": e.status.value} for e in self.entries]}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> TicketJournal:
        if data.get("version") != JOURNAL_VERSION:
            raise PlacementError(f"journal version {data.get('version')!r} is not "
                                 f"{JOURNAL_VERSION}")
        entries = [JournalEntry(**{**raw, "status": EntryStatus(raw["status"])})
                   for raw in data["entries"]]
        return cls(ticket_id=data["ticket_id"], state=TicketPlacementState(data["state"]),
                   created_dirs=list(data["created_dirs"]), entries=entries)


class JournalStore:
    """Reads and atomically writes ticket journals under `work_dir`."""

    def __init__(self, work_dir: Path) -> None:
        self.directory = work_dir / "placer-journal"
        self.directory.mkdir(parents=True, exist_ok=True)

    def path_for(self, ticket_id: str) -> Path:
        return self.directory / f"{ticket_id}.json"

    def load(self, ticket_id: str) -> TicketJournal | None:
        path = self.path_for(ticket_id)
        try:
            text = path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return None
        try:
            return TicketJournal.from_json(json.loads(text))
        except (ValueError, KeyError, TypeError) as exc:
            raise PlacementError(f"journal {path} is unreadable ({exc})") from exc

    def save(self, journal: TicketJournal) -> None:
        """Write to a temp file, fsync, rename over the old journal, fsync the directory."""
        path = self.path_for(journal.ticket_id)
        temp = self.directory / f".{journal.ticket_id}.{secrets.token_hex(4)}.tmp"
        payload = json.dumps(journal.to_json(), indent=1).encode("utf-8")
        with open(temp, "wb") as handle:
            handle.write(payload)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temp, path)
        fsync_directory(self.directory)

    def delete(self, ticket_id: str) -> None:
        self.path_for(ticket_id).unlink(missing_ok=True)
        fsync_directory(self.directory)

    def remove_stale_temps(self, ticket_id: str | None) -> list[Path]:
        """Journal temp files a crash left between write and rename."""
        pattern = f".{ticket_id}.*.tmp" if ticket_id else ".*.tmp"
        removed = []
        for temp in self.directory.glob(pattern):
            temp.unlink(missing_ok=True)
            removed.append(temp)
        return removed

    def ticket_ids(self) -> list[str]:
        return sorted(p.stem for p in self.directory.glob("*.json"))


def fsync_directory(directory: Path) -> None:
    """Make a rename, create or unlink inside `directory` durable."""
    descriptor = os.open(directory, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)
