"""The agent's small on-disk memory of each ticket, so a restarted agent resumes its work.

``<work_dir>/tickets/<ticket_id>/`` holds ``state.json`` (what each stage already achieved:
the torrent's info hash and save path, the download result, converted outputs, the placed
files) and ``out/`` with converted files. ``state.json`` is replaced atomically (temp file,
fsync, rename), so a SIGKILL leaves the previous or the new version, never a torn one.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
import tempfile
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

_TICKET_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$")
_ITEM_ID = re.compile(r"[^A-Za-z0-9_.-]")


def check_ticket_id(ticket_id: str) -> str:
    """A ticket id safe to use as a folder name (no '/', no '..')."""
    if not _TICKET_ID.match(ticket_id) or ".." in ticket_id:
        raise ValueError(f"ticket_id {ticket_id!r} is not a safe folder name")
    return ticket_id


def item_file_stem(item_id: str) -> str:
    """A file-name-safe form of an item id (ids come from consumers)."""
    cleaned = _ITEM_ID.sub("_", item_id).strip(".") or "item"
    return cleaned[:100]


class TicketWorkdir:
    """State and files of one ticket in the agent's work dir. Thread-safe per instance."""

    def __init__(self, root: Path, ticket_id: str) -> None:
        self.ticket_id = check_ticket_id(ticket_id)
        self.path = root / "tickets" / ticket_id
        self._lock = threading.RLock()

    @property
    def outputs_dir(self) -> Path:
        return self.path / "out"

    @property
    def state_file(self) -> Path:
        return self.path / "state.json"

    def exists(self) -> bool:
        return self.path.is_dir()

    def read(self) -> dict[str, Any]:
        try:
            data = json.loads(self.state_file.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return {}
        except ValueError:
            return {}  # cannot happen with atomic writes; start the stage afresh if it does
        return data if isinstance(data, dict) else {}

    def get(self, key: str) -> Any:
        return self.read().get(key)

    def update(self, **changes: Any) -> dict[str, Any]:
        """Merge `changes` into the state and write it durably; return the new state."""
        with self._lock:
            state = {**self.read(), **changes}
            self.path.mkdir(parents=True, exist_ok=True)
            handle, temp = tempfile.mkstemp(dir=self.path, prefix=".state-", suffix=".tmp")
            try:
                with os.fdopen(handle, "w", encoding="utf-8") as out:
                    json.dump(state, out, sort_keys=True)
                    out.flush()
                    os.fsync(out.fileno())
                os.replace(temp, self.state_file)
            except BaseException:
                with contextlib.suppress(OSError):
                    os.unlink(temp)
                raise
            return state

    def record_output(self, item_id: str, output: dict[str, Any]) -> None:
        """Remember one converted item (its final work path and sha256)."""
        with self._lock:
            outputs = dict(self.get("outputs") or {})
            outputs[item_id] = output
            self.update(outputs=outputs)

    def remove_outputs(self) -> None:
        shutil.rmtree(self.outputs_dir, ignore_errors=True)

    def remove(self) -> None:
        shutil.rmtree(self.path, ignore_errors=True)


def known_tickets(root: Path) -> Iterator[str]:
    """Ticket ids with a work dir under `root`."""
    folder = root / "tickets"
    if not folder.is_dir():
        return
    for entry in sorted(folder.iterdir()):
        if entry.is_dir() and _TICKET_ID.match(entry.name):
            yield entry.name
