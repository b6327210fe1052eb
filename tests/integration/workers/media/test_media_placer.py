"""Placer on a real filesystem: atomic placement, rollback, escapes, crash recovery, cleanup.

Tests run as root, which ignores directory write permissions, so failures are caused by
(a) a destination whose parent path component is an existing regular file (mkdir fails
with ENOTDIR for anyone), (b) `chattr +i` on the destination directory where the
filesystem supports it, and (c) the Placer's `on_step` hook raising at a chosen step.
A simulated crash raises a BaseException from that hook: place_all only rolls back on
Exception, so the journal is left exactly as a killed process would leave it.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from workers.media.errors import PlacementRefused
from workers.media.placer import (
    Placement,
    PlacementAction,
    Placer,
    RecoveryAction,
    RollbackStatus,
    StepHook,
)

TICKET = "T-42"


class SimulatedCrash(BaseException):
    """Stands for the process dying at a step."""


def snapshot(root: Path) -> dict[str, bytes | None]:
    """Every path under root: file bytes, or None for a directory."""
    state: dict[str, bytes | None] = {}
    for path in sorted(root.rglob("*")):
        rel = str(path.relative_to(root))
        state[rel] = None if path.is_dir() and not path.is_symlink() else (
            os.readlink(path).encode() if path.is_symlink() else path.read_bytes())
    return state


def fail_at(step: str, dest_name: str, error: BaseException) -> StepHook:
    def hook(name: str, dest: Path) -> None:
        if name == step and dest.name == dest_name:
            raise error
    return hook


@pytest.fixture
def library(tmp_path: Path) -> Path:
    root = tmp_path / "library"
    (root / "Artist" / "Old Album").mkdir(parents=True)
    (root / "Artist" / "Old Album" / "01.flac").write_bytes(b"old track one")
    (root / "Artist" / "Album").mkdir()
    (root / "Artist" / "Album" / "02.ogg").write_bytes(b"previous version of two")
    return root


@pytest.fixture
def work(tmp_path: Path) -> Path:
    return tmp_path / "work"


@pytest.fixture
def sources(tmp_path: Path) -> list[Path]:
    folder = tmp_path / "converted"
    folder.mkdir()
    paths = []
    for index in range(1, 4):
        path = folder / f"{index:02}.ogg"
        path.write_bytes(f"new track {index} ".encode() * 1000)
        paths.append(path)
    return paths


def album_placements(library: Path, sources: list[Path]) -> list[Placement]:
    album = library / "Artist" / "Album"
    return [Placement(src, album / "Disc 1" / src.name) if src.name == "03.ogg"
            else Placement(src, album / src.name) for src in sources]


def leftovers(root: Path) -> list[Path]:
    return [p for p in root.rglob(".qt-*")]


def test_places_every_file_and_replaces_atomically(library: Path, work: Path,
                                                   sources: list[Path]) -> None:
    placer = Placer([library], work)
    old_inode = (library / "Artist" / "Album" / "02.ogg").stat().st_ino

    report = placer.place_all(TICKET, album_placements(library, sources))

    assert report.ok and report.rollback is RollbackStatus.NOT_NEEDED
    album = library / "Artist" / "Album"
    assert (album / "01.ogg").read_bytes() == sources[0].read_bytes()
    assert (album / "02.ogg").read_bytes() == sources[1].read_bytes()
    assert (album / "Disc 1" / "03.ogg").read_bytes() == sources[2].read_bytes()
    assert (album / "02.ogg").stat().st_ino != old_inode  # renamed over, not rewritten
    actions = {f.dest.name: f.action for f in report.files}
    assert actions == {"01.ogg": PlacementAction.WRITTEN, "02.ogg": PlacementAction.REPLACED,
                       "03.ogg": PlacementAction.WRITTEN}
    assert leftovers(library) == [] and placer.unfinished_tickets() == []


def test_rerun_is_idempotent(library: Path, work: Path, sources: list[Path]) -> None:
    placer = Placer([library], work)
    placer.place_all(TICKET, album_placements(library, sources))
    before = snapshot(library)
    inode = (library / "Artist" / "Album" / "01.ogg").stat().st_ino

    report = Placer([library], work).place_all(TICKET, album_placements(library, sources))

    assert report.ok
    assert {f.action for f in report.files} == {PlacementAction.UNCHANGED}
    assert snapshot(library) == before
    assert (library / "Artist" / "Album" / "01.ogg").stat().st_ino == inode


def test_parent_that_is_a_file_fails_and_rolls_back_everything(
    library: Path, work: Path, sources: list[Path]
) -> None:
    # "Disc 1" exists as a regular file, so creating the directory fails even for root.
    (library / "Artist" / "Album" / "Disc 1").write_bytes(b"not a directory")
    before = snapshot(library)

    report = Placer([library], work).place_all(TICKET, album_placements(library, sources))

    assert not report.ok
    assert report.failed_dest == library / "Artist" / "Album" / "Disc 1" / "03.ogg"
    assert report.rollback is RollbackStatus.COMPLETE, report.rollback_problems
    assert snapshot(library) == before  # 01 removed, 02 restored byte-identical
    assert leftovers(library) == []


def test_injected_fault_after_backup_rolls_back_and_restores(
    library: Path, work: Path, sources: list[Path]
) -> None:
    before = snapshot(library)
    original_inode = (library / "Artist" / "Album" / "02.ogg").stat().st_ino
    placer = Placer([library], work, on_step=fail_at("placed", "03.ogg", OSError(5, "disk")))

    report = placer.place_all(TICKET, album_placements(library, sources))

    assert not report.ok and "disk" in (report.error or "")
    assert report.rollback is RollbackStatus.COMPLETE
    assert snapshot(library) == before
    # The original file itself is back (restored from the hard-link backup), not a copy.
    assert (library / "Artist" / "Album" / "02.ogg").stat().st_ino == original_inode
    assert not (library / "Artist" / "Album" / "Disc 1").exists()  # created dir removed
    assert placer.unfinished_tickets() == []


def test_immutable_directory_fails_and_rolls_back(library: Path, work: Path,
                                                  sources: list[Path]) -> None:
    locked = library / "Artist" / "Album" / "Disc 1"
    locked.mkdir()
    if subprocess.run(["chattr", "+i", str(locked)], capture_output=True).returncode != 0:
        pytest.skip("chattr +i not supported here")
    try:
        before = snapshot(library)
        report = Placer([library], work).place_all(TICKET, album_placements(library, sources))
        assert not report.ok and report.rollback is RollbackStatus.COMPLETE
        assert snapshot(library) == before
    finally:
        subprocess.run(["chattr", "-i", str(locked)], check=True)


def test_source_sha256_mismatch_fails_before_touching_dest(library: Path, work: Path,
                                                           sources: list[Path]) -> None:
    before = snapshot(library)
    placements = album_placements(library, sources)
    placements[1] = Placement(placements[1].source, placements[1].dest, sha256="0" * 64)

    report = Placer([library], work).place_all(TICKET, placements)

    assert not report.ok and "sha256" in (report.error or "")
    assert snapshot(library) == before


def test_symlink_escape_is_refused(library: Path, work: Path, tmp_path: Path,
                                   sources: list[Path]) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (library / "sneaky").symlink_to(outside)
    placer = Placer([library], work)

    with pytest.raises(PlacementRefused, match="outside the allowed roots"):
        placer.place_all(TICKET, [Placement(sources[0], library / "sneaky" / "x.ogg")])
    with pytest.raises(PlacementRefused, match="outside the allowed roots"):
        placer.place_all(TICKET, [Placement(sources[0], library / "sneaky" / "new" / "x.ogg")])
    assert list(outside.iterdir()) == []


def test_symlinked_dest_file_is_refused(library: Path, work: Path, tmp_path: Path,
                                        sources: list[Path]) -> None:
    target = tmp_path / "victim"
    target.write_bytes(b"keep me")
    (library / "link.ogg").symlink_to(target)

    with pytest.raises(PlacementRefused, match="symlink"):
        Placer([library], work).place_all(TICKET, [Placement(sources[0], library / "link.ogg")])
    assert target.read_bytes() == b"keep me"


@pytest.mark.parametrize("dest", ["{root}/Artist/../../escape.ogg", "{root}/a/../b.ogg",
                                  "relative/x.ogg", "/etc/qt-test.ogg", "{root}",
                                  "{root}/Artist/.qt-T-42-0123456789abcdef.part"])
def test_bad_destinations_are_refused(library: Path, work: Path, sources: list[Path],
                                      dest: str) -> None:
    before = snapshot(library)
    with pytest.raises(PlacementRefused):
        Placer([library], work).place_all(
            TICKET, [Placement(sources[0], library / "ok.ogg"),
                     Placement(sources[1], Path(dest.format(root=library)))])
    assert snapshot(library) == before  # refused before anything was written


def test_bad_ticket_id_is_refused(library: Path, work: Path, sources: list[Path]) -> None:
    with pytest.raises(PlacementRefused, match="ticket_id"):
        Placer([library], work).place_all("../x", [Placement(sources[0], library / "a.ogg")])


def test_crash_between_files_then_fresh_placer_resumes(library: Path, work: Path,
                                                       sources: list[Path]) -> None:
    placements = album_placements(library, sources)
    crashing = Placer([library], work, on_step=fail_at("begin", "03.ogg", SimulatedCrash()))
    with pytest.raises(SimulatedCrash):
        crashing.place_all(TICKET, placements)
    placed_inode = (library / "Artist" / "Album" / "01.ogg").stat().st_ino
    assert crashing.unfinished_tickets() == [TICKET]
    assert len(leftovers(library)) == 1  # the backup of 02.ogg, needed to undo

    report = Placer([library], work).place_all(TICKET, placements)

    assert report.ok
    assert (library / "Artist" / "Album" / "01.ogg").stat().st_ino == placed_inode  # not rewritten
    assert (library / "Artist" / "Album" / "Disc 1" / "03.ogg").read_bytes() == \
        sources[2].read_bytes()
    assert {f.dest.name: f.action for f in report.files}["02.ogg"] is PlacementAction.REPLACED
    assert leftovers(library) == [] and Placer([library], work).unfinished_tickets() == []


def test_crash_then_recovery_rolls_back_to_the_original(library: Path, work: Path,
                                                        sources: list[Path]) -> None:
    before = snapshot(library)
    crashing = Placer([library], work, on_step=fail_at("replacing", "03.ogg", SimulatedCrash()))
    with pytest.raises(SimulatedCrash):
        crashing.place_all(TICKET, album_placements(library, sources))

    report = Placer([library], work).recover(TICKET, RecoveryAction.ROLLBACK)

    assert report.rollback is RollbackStatus.COMPLETE
    assert snapshot(library) == before


def test_crash_mid_replace_then_recovery_completes(library: Path, work: Path,
                                                  sources: list[Path]) -> None:
    # Crash right after os.replace of 02.ogg but before the journal said "placed".
    def crash_after_replace(name: str, dest: Path) -> None:
        if name == "replacing" and dest.name == "02.ogg":
            for temp in dest.parent.glob(".qt-*.part"):
                os.replace(temp, dest)
            raise SimulatedCrash()
    with pytest.raises(SimulatedCrash):
        Placer([library], work, on_step=crash_after_replace).place_all(
            TICKET, album_placements(library, sources))

    report = Placer([library], work).recover(TICKET, RecoveryAction.COMPLETE)

    assert report.ok
    album = library / "Artist" / "Album"
    assert [(album / n).read_bytes() for n in ("01.ogg", "02.ogg", "Disc 1/03.ogg")] == \
        [s.read_bytes() for s in sources]
    assert leftovers(library) == []


def test_resume_with_different_files_is_refused(library: Path, work: Path,
                                                sources: list[Path]) -> None:
    with pytest.raises(SimulatedCrash):
        Placer([library], work, on_step=fail_at("begin", "02.ogg", SimulatedCrash())).place_all(
            TICKET, album_placements(library, sources))

    with pytest.raises(PlacementRefused, match="unfinished"):
        Placer([library], work).place_all(TICKET, [Placement(sources[0], library / "z.ogg")])


def test_cleanup_stale_removes_temps_and_orphans_but_keeps_needed_backups(
    library: Path, work: Path, sources: list[Path]
) -> None:
    with pytest.raises(SimulatedCrash):
        Placer([library], work, on_step=fail_at("temp_written", "03.ogg",
                                                SimulatedCrash())).place_all(
            TICKET, album_placements(library, sources))
    orphan = library / "Artist" / ".qt-OLD-1-backup-00112233aabbccdd"
    orphan.write_bytes(b"from a ticket long gone")
    stray = library / "Artist" / "Old Album" / ".qt-OLD-1-0123456789abcdef.part"
    stray.write_bytes(b"half a file")
    crash_temp = next((library / "Artist" / "Album" / "Disc 1").glob(".qt-*.part"))
    placer = Placer([library], work)
    journal_temp = work / "placer-journal" / f".{TICKET}.deadbeef.tmp"
    journal_temp.write_text("{")

    removed = set(placer.cleanup_stale())

    assert {orphan, stray, crash_temp, journal_temp} <= removed
    assert not journal_temp.exists()
    remaining = leftovers(library)
    assert len(remaining) == 1 and "backup" in remaining[0].name  # 02.ogg's original
    assert placer.recover(TICKET, RecoveryAction.ROLLBACK).rollback is RollbackStatus.COMPLETE
    assert (library / "Artist" / "Album" / "02.ogg").read_bytes() == b"previous version of two"
    assert leftovers(library) == []


def test_cleanup_stale_for_one_ticket_leaves_others(library: Path, work: Path) -> None:
    mine = library / ".qt-T-42-0123456789abcdef.part"
    theirs = library / ".qt-T-7-0123456789abcdef.part"
    mine.write_bytes(b"x")
    theirs.write_bytes(b"y")

    removed = Placer([library], work).cleanup_stale(TICKET)

    assert removed == [mine] and theirs.exists()


def test_second_root_is_allowed(tmp_path: Path, work: Path, sources: list[Path]) -> None:
    music, films = tmp_path / "music", tmp_path / "films"
    music.mkdir()
    films.mkdir()
    report = Placer([music, films], work).place_all(
        TICKET, [Placement(sources[0], films / "a" / "b.ogg")])

    assert report.ok and (films / "a" / "b.ogg").exists()
    shutil.rmtree(films / "a")


def test_root_reached_through_a_symlink_keeps_needed_backups(
    library: Path, work: Path, sources: list[Path], tmp_path: Path
) -> None:
    linked_root = tmp_path / "library-link"
    linked_root.symlink_to(library)
    before = snapshot(library)
    placements = album_placements(linked_root, sources)
    with pytest.raises(SimulatedCrash):
        Placer([linked_root], work, on_step=fail_at("begin", "03.ogg",
                                                    SimulatedCrash())).place_all(TICKET, placements)
    placer = Placer([linked_root], work)

    placer.cleanup_stale()
    report = placer.recover(TICKET, RecoveryAction.ROLLBACK)

    assert report.rollback is RollbackStatus.COMPLETE
    assert snapshot(library) == before


def test_a_directory_made_by_a_concurrent_placement_is_shared_not_an_error(
        library: Path, work: Path, sources: list[Path],
        monkeypatch: pytest.MonkeyPatch) -> None:
    # Two agents place tickets of one album at once: both see the album folder missing, and
    # the other one creates it between this placement's look and its mkdir.
    target = library / "New Artist" / "New Album"
    real_mkdir = Path.mkdir
    raced: list[Path] = []

    def racing_mkdir(self: Path, *args: object, **kwargs: object) -> None:
        if self == target and not raced:
            raced.append(self)
            real_mkdir(self)  # the other placement wins the race...
            (target / "theirs.ogg").write_bytes(b"the other ticket's track")
        real_mkdir(self, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(Path, "mkdir", racing_mkdir)
    placements = [Placement(source=s, dest=target / s.name) for s in sources]
    fail_last = fail_at("placed", sources[-1].name, OSError(5, "disk"))
    report = Placer([library], work, on_step=fail_last).place_all(TICKET, placements)
    monkeypatch.undo()

    assert raced, "the race was not staged"
    assert report.failed_dest == target / sources[-1].name, report  # not at the mkdir
    # Rolled back: our files are gone, the other placement's folder and file are kept.
    assert sorted(p.name for p in target.iterdir()) == ["theirs.ogg"]
    assert report.rollback is RollbackStatus.COMPLETE, report
