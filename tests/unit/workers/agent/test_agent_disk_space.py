from __future__ import annotations

from pathlib import Path

from workers.agent.disk_space import Need, shortage


def test_needs_on_one_filesystem_add_up(tmp_path: Path) -> None:
    needs = [Need(tmp_path / "downloads", 600, "download"),
             Need(tmp_path / "work" / "not-yet", 500, "conversion")]
    assert shortage(needs, lambda _: 1100) is None
    assert shortage(needs, lambda _: 1099) == (
        f"not enough disk space at {tmp_path}: download + conversion need 1100 B, "
        f"1099 B free")


def test_nothing_needed_is_never_short(tmp_path: Path) -> None:
    assert shortage([Need(tmp_path, 0, "download")], lambda _: 0) is None


def test_sizes_read_in_mib_and_gib(tmp_path: Path) -> None:
    assert shortage([Need(tmp_path, 3 << 30, "destination")], lambda _: 5 << 20) == (
        f"not enough disk space at {tmp_path}: destination need 3.00 GiB, 5.00 MiB free")
