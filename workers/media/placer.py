"""Atomic placement of a ticket's files at their destinations, all or nothing.

For each file: check the destination (allowed roots, symlinks, ``..``), create missing
directories, copy the source into ``.qt-<ticket>-<hex>.part`` beside the destination, fsync,
verify size and sha256, hard-link any existing file to ``.qt-<ticket>-backup-<hex>``, then
``os.replace`` onto the destination and fsync the directory. If any file fails, everything
the ticket did is undone: placed files removed, replaced files restored from their backups,
created directories removed when empty. Progress is journalled (see placement_journal) so a
crash leaves a ticket that `recover` can roll back or complete, and a re-run resumes:
files already placed with the right sha256 are not rewritten.

Sources are copied, not moved, so a failed ticket can be retried from its work files.
`cleanup_stale` is meant for start-up, before any placement runs.
"""

from __future__ import annotations

import errno
import hashlib
import logging
import os
import secrets
import shutil
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

from workers.media.errors import PlacementError, PlacementRefused
from workers.media.placement_cleanup import remove_stale_files
from workers.media.placement_guard import RESERVED_PREFIX, DestinationGuard, check_ticket_id
from workers.media.placement_journal import (
    EntryStatus,
    JournalEntry,
    JournalStore,
    TicketJournal,
    TicketPlacementState,
    fsync_directory,
)

log = logging.getLogger(__name__)

_CHUNK = 1024 * 1024

# Called with (step, dest) at each step; tests raise from it to inject faults and crashes.
StepHook = Callable[[str, Path], None]


@dataclass(frozen=True)
class Placement:
    """Put a copy of `source` at `dest`; `sha256` (hex), when given, must match the source."""

    source: Path
    dest: Path
    sha256: str | None = None


class PlacementAction(StrEnum):
    WRITTEN = "written"
    REPLACED = "replaced"
    UNCHANGED = "unchanged"


class RollbackStatus(StrEnum):
    NOT_NEEDED = "not_needed"
    COMPLETE = "complete"  # the destinations are exactly as before the ticket
    PARTIAL = "partial"  # see rollback_problems; the journal is kept for another try


class RecoveryAction(StrEnum):
    ROLLBACK = "rollback"
    COMPLETE = "complete"


@dataclass(frozen=True)
class PlacedFile:
    dest: Path
    sha256: str
    size: int
    action: PlacementAction


@dataclass(frozen=True)
class PlacementReport:
    ticket_id: str
    ok: bool
    files: tuple[PlacedFile, ...] = ()
    error: str | None = None
    failed_dest: Path | None = None
    rollback: RollbackStatus = RollbackStatus.NOT_NEEDED
    rollback_problems: tuple[str, ...] = ()


class Placer:
    """Places tickets' files under `allowed_roots`, journalling in `work_dir`."""

    def __init__(self, allowed_roots: Sequence[Path], work_dir: Path,
                 *, on_step: StepHook | None = None) -> None:
        self.guard = DestinationGuard(allowed_roots)
        self.journals = JournalStore(work_dir)
        self._on_step = on_step

    def place_all(self, ticket_id: str, placements: Sequence[Placement]) -> PlacementReport:
        """Place every file or none. Bad input raises PlacementRefused before any change;
        failures while placing come back as a report with ok=False after a rollback."""
        check_ticket_id(ticket_id)
        journal = self._plan(ticket_id, placements)
        self.journals.save(journal)
        current: JournalEntry | None = None
        try:
            for current in journal.entries:
                self._place_one(journal, current)
        except Exception as exc:
            failed = Path(current.dest) if current else None
            log.warning("placement failed, rolling back", extra={
                "ticket_id": ticket_id, "dest": str(failed), "error": str(exc)})
            problems = self._rollback(journal)
            return PlacementReport(
                ticket_id, ok=False, error=f"{type(exc).__name__}: {exc}", failed_dest=failed,
                rollback=RollbackStatus.PARTIAL if problems else RollbackStatus.COMPLETE,
                rollback_problems=tuple(problems))
        files = tuple(_placed_file(e) for e in journal.entries)
        self._finish(journal)
        return PlacementReport(ticket_id, ok=True, files=files)

    def unfinished_tickets(self) -> list[str]:
        """Tickets with a journal left behind by a crash."""
        return self.journals.ticket_ids()

    def recover(self, ticket_id: str, action: RecoveryAction) -> PlacementReport:
        """Settle a ticket a crash left half-placed: undo it, or finish it from the journal."""
        check_ticket_id(ticket_id)
        journal = self.journals.load(ticket_id)
        if journal is None:
            return PlacementReport(ticket_id, ok=True)
        if journal.state is TicketPlacementState.COMPLETED:
            files = tuple(_placed_file(e) for e in journal.entries)
            self._finish(journal)
            return PlacementReport(ticket_id, ok=True, files=files)
        if action is RecoveryAction.COMPLETE and journal.state is TicketPlacementState.PLACING:
            return self.place_all(ticket_id, [
                Placement(Path(e.source), Path(e.dest), e.expected_sha256)
                for e in journal.entries])
        problems = self._rollback(journal)
        return PlacementReport(
            ticket_id, ok=not problems, error="rolled back on recovery",
            rollback=RollbackStatus.PARTIAL if problems else RollbackStatus.COMPLETE,
            rollback_problems=tuple(problems))

    def cleanup_stale(self, ticket_id: str | None = None) -> list[Path]:
        """Remove leftover temp and backup files of one ticket (or all); return them.

        Backups still needed to undo an unfinished ticket are kept; call `recover` for it.
        """
        if ticket_id is not None:
            check_ticket_id(ticket_id)
        removed: list[Path] = []
        keep: set[str] = set()
        for tid in self.journals.ticket_ids():
            if ticket_id is not None and tid != ticket_id:
                continue
            journal = self.journals.load(tid)
            if journal is None:
                continue
            if journal.state is TicketPlacementState.COMPLETED:
                self._finish(journal)
                continue
            self._settle(journal, removed)
            self.journals.save(journal)
            # realpath: roots are walked resolved, journals hold paths as the caller gave them
            keep.update(os.path.realpath(e.backup) for e in journal.entries if e.backup)
        removed += self.journals.remove_stale_temps(ticket_id)
        removed += remove_stale_files(self.guard.roots, ticket_id, keep)
        return removed

    # --- one file ---------------------------------------------------------------------

    def _plan(self, ticket_id: str, placements: Sequence[Placement]) -> TicketJournal:
        if not placements:
            raise PlacementRefused("placements must not be empty")
        planned: list[JournalEntry] = []
        seen: set[str] = set()
        for index, placement in enumerate(placements):
            dest = str(self.guard.check(placement.dest))
            if dest in seen:
                raise PlacementRefused(f"placements[{index}].dest {dest} appears twice")
            seen.add(dest)
            if not placement.source.is_file():
                raise PlacementRefused(f"placements[{index}].source {placement.source} "
                                       f"is not a file")
            expected = placement.sha256.lower() if placement.sha256 else None
            planned.append(JournalEntry(dest=dest, source=str(placement.source),
                                        expected_sha256=expected))
        journal = self.journals.load(ticket_id)
        if journal is None or journal.state is not TicketPlacementState.PLACING:
            if journal is not None:
                self._finish(journal)  # a finished earlier run: only its cleanup was left
            return TicketJournal(ticket_id=ticket_id, entries=planned)
        if [e.dest for e in journal.entries] != [e.dest for e in planned]:
            raise PlacementRefused(
                f"ticket {ticket_id} has an unfinished placement of other files; "
                f"recover it with RecoveryAction.ROLLBACK first")
        self._settle(journal, [])  # resume: keep what was placed, drop half-written temps
        return journal

    def _place_one(self, journal: TicketJournal, entry: JournalEntry) -> None:
        dest = Path(entry.dest)
        self._step("begin", dest)
        if entry.status in (EntryStatus.PLACED, EntryStatus.UNCHANGED) and \
                dest.is_file() and _sha256_of(dest) == entry.sha256:
            return  # done before a crash
        self.guard.check_parent(dest)
        self._make_dirs(journal, dest.parent)
        self.guard.check_parent(dest)
        if entry.sha256 is None:
            entry.sha256, entry.size = _sha256_and_size(Path(entry.source))
            if entry.expected_sha256 and entry.expected_sha256 != entry.sha256:
                raise PlacementError(f"source {entry.source} has sha256 {entry.sha256}, "
                                     f"expected {entry.expected_sha256}")
        if entry.backup is None and dest.is_file() and _sha256_of(dest) == entry.sha256:
            entry.status = EntryStatus.UNCHANGED
            self.journals.save(journal)
            return
        temp = dest.parent / f"{RESERVED_PREFIX}{journal.ticket_id}-{secrets.token_hex(8)}.part"
        entry.temp, entry.status = str(temp), EntryStatus.WRITING
        self.journals.save(journal)
        self._write_verified(entry, temp, dest)
        self._step("temp_written", dest)
        if entry.backup is None and os.path.lexists(dest):
            backup = dest.parent / (f"{RESERVED_PREFIX}{journal.ticket_id}-backup-"
                                    f"{secrets.token_hex(8)}")
            entry.backup, entry.status = str(backup), EntryStatus.BACKING_UP
            self.journals.save(journal)
            _back_up(dest, backup)
            self._step("backed_up", dest)
        entry.status = EntryStatus.REPLACING
        self.journals.save(journal)
        self._step("replacing", dest)
        os.replace(temp, dest)
        fsync_directory(dest.parent)
        entry.temp, entry.status = None, EntryStatus.PLACED
        self.journals.save(journal)
        self._step("placed", dest)

    def _make_dirs(self, journal: TicketJournal, directory: Path) -> None:
        missing: list[Path] = []
        while not os.path.lexists(directory):
            missing.append(directory)
            directory = directory.parent
        for new in reversed(missing):
            journal.created_dirs.append(str(new))
            self.journals.save(journal)
            try:
                new.mkdir()
            except FileExistsError:
                # Another placement (a second agent, another ticket of the album) made it
                # first: it is theirs to keep, not ours to remove on rollback.
                journal.created_dirs.remove(str(new))
                self.journals.save(journal)
                if new.is_symlink() or not new.is_dir():
                    raise
                continue
            fsync_directory(new.parent)
        if missing:
            self._step("dirs_created", missing[0])

    def _write_verified(self, entry: JournalEntry, temp: Path, dest: Path) -> None:
        source = Path(entry.source)
        digest = hashlib.sha256()
        descriptor = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
        with os.fdopen(descriptor, "wb") as out, open(source, "rb") as src:
            while chunk := src.read(_CHUNK):
                digest.update(chunk)
                out.write(chunk)
            out.flush()
            os.fsync(out.fileno())
        if dest.is_file():  # a replaced file keeps its permissions
            os.chmod(temp, dest.stat().st_mode & 0o7777)
        if digest.hexdigest() != entry.sha256:
            raise PlacementError(f"source {source} changed while being copied")
        written_sha, written_size = _sha256_and_size(temp)
        if written_size != entry.size or written_sha != entry.sha256:
            raise PlacementError(f"{temp} does not match its source after writing "
                                 f"({written_size} bytes, sha256 {written_sha})")

    def _step(self, name: str, dest: Path) -> None:
        if self._on_step is not None:
            self._on_step(name, dest)

    # --- undo and cleanup -------------------------------------------------------------

    def _settle(self, journal: TicketJournal, removed: list[Path]) -> None:
        """Bring every entry to a state with no step half-done: drop temps, resolve replaces."""
        for entry in journal.entries:
            if entry.status is EntryStatus.REPLACING:
                replaced = entry.temp is None or not os.path.lexists(entry.temp)
                entry.status = EntryStatus.PLACED if replaced else EntryStatus.PENDING
            if entry.temp and os.path.lexists(entry.temp):
                os.unlink(entry.temp)
                removed.append(Path(entry.temp))
            entry.temp = None
            if entry.backup and not os.path.lexists(entry.backup):
                entry.backup = None
            if entry.status in (EntryStatus.WRITING, EntryStatus.BACKING_UP):
                entry.status = EntryStatus.PENDING

    def _rollback(self, journal: TicketJournal) -> list[str]:
        """Undo the ticket; return problems (empty when the destinations are as before)."""
        journal.state = TicketPlacementState.ROLLING_BACK
        problems: list[str] = []
        try:
            self._settle(journal, [])
        except OSError as exc:
            problems.append(f"removing temp files: {exc}")
        self._save_quietly(journal, problems)
        for entry in reversed(journal.entries):
            try:
                self._undo(entry, problems)
            except OSError as exc:
                problems.append(f"{entry.dest}: {exc}")
            self._save_quietly(journal, problems)
        for directory in reversed(list(journal.created_dirs)):
            try:
                if os.path.lexists(directory):  # recorded before mkdir, which may have failed
                    os.rmdir(directory)
                    fsync_directory(Path(directory).parent)
            except OSError as exc:
                if exc.errno == errno.ENOTEMPTY:  # another placement put files there since
                    journal.created_dirs.remove(directory)
                    continue
                problems.append(f"created directory {directory} not removed: {exc}")
                continue
            journal.created_dirs.remove(directory)
        if problems:
            self._save_quietly(journal, problems)
            log.error("rollback incomplete", extra={"ticket_id": journal.ticket_id,
                                                    "problems": problems})
        else:
            journal.state = TicketPlacementState.ROLLED_BACK
            self.journals.delete(journal.ticket_id)
        return problems

    def _save_quietly(self, journal: TicketJournal, problems: list[str]) -> None:
        """Rollback goes on even when the journal cannot be written (e.g. a full disk)."""
        try:
            self.journals.save(journal)
        except OSError as exc:
            problems.append(f"journal not saved: {exc}")

    def _undo(self, entry: JournalEntry, problems: list[str]) -> None:
        dest = Path(entry.dest)
        if entry.status is EntryStatus.PLACED:
            if entry.backup:
                os.replace(entry.backup, dest)
                entry.backup = None
            elif dest.is_file() and _sha256_of(dest) == entry.sha256:
                dest.unlink()
            elif os.path.lexists(dest):
                problems.append(f"{dest} changed after placement; left in place")
                return
            fsync_directory(dest.parent)
        elif entry.backup:
            # Not replaced yet: dest still holds the original; the link is just spare.
            os.unlink(entry.backup)
            entry.backup = None
        entry.status = EntryStatus.PENDING

    def _finish(self, journal: TicketJournal) -> None:
        """After success: drop backups and temps, then the journal."""
        journal.state = TicketPlacementState.COMPLETED
        self.journals.save(journal)
        for entry in journal.entries:
            for leftover in (entry.backup, entry.temp):
                if leftover and os.path.lexists(leftover):
                    os.unlink(leftover)
            entry.backup = entry.temp = None
        self.journals.delete(journal.ticket_id)


def _placed_file(entry: JournalEntry) -> PlacedFile:
    assert entry.sha256 is not None and entry.size is not None
    if entry.status is EntryStatus.UNCHANGED:
        action = PlacementAction.UNCHANGED
    else:
        action = PlacementAction.REPLACED if entry.backup else PlacementAction.WRITTEN
    return PlacedFile(Path(entry.dest), entry.sha256, entry.size, action)


def _back_up(dest: Path, backup: Path) -> None:
    """Hard-link so dest never disappears; copy where the filesystem has no hard links."""
    try:
        os.link(dest, backup, follow_symlinks=False)
    except OSError:
        shutil.copy2(dest, backup)
        with open(backup, "rb") as handle:
            os.fsync(handle.fileno())
    fsync_directory(dest.parent)


def _sha256_and_size(path: Path) -> tuple[str, int]:
    digest = hashlib.sha256()
    size = 0
    with open(path, "rb") as handle:
        while chunk := handle.read(_CHUNK):
            digest.update(chunk)
            size += len(chunk)
    return digest.hexdigest(), size


def _sha256_of(path: Path) -> str:
    return _sha256_and_size(path)[0]
