"""Fixtures for the fault campaign: embedded AWS for the agent's flows, an album, and small
filesystems that fill up (tmpfs, unmounted again whatever the test did)."""

from __future__ import annotations

import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from local.aws_emulator import EmbeddedAws
from tests.support.sample_content import make_album


@pytest.fixture(scope="session")
def faults_aws() -> Iterator[str]:
    aws = EmbeddedAws()
    endpoint = aws.start()
    try:
        yield endpoint
    finally:
        aws.stop()


@pytest.fixture(scope="session")
def album_source(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """`<dir>/Test Artist - Test Album (2020) [FLAC]` with five 3 s tracks and cover.jpg."""
    return make_album(tmp_path_factory.mktemp("album"))


SmallFs = Callable[[Path, int], Path]


@pytest.fixture
def small_fs() -> Iterator[SmallFs]:
    """Mount a tmpfs of `size` bytes at a path (created); every mount is undone at teardown."""
    mounted: list[Path] = []

    def mount(path: Path, size: int) -> Path:
        path.mkdir(parents=True, exist_ok=True)
        subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size},mode=0755", "tmpfs",
                        str(path)], check=True, capture_output=True)
        mounted.append(path)
        return path

    try:
        yield mount
    finally:
        for path in reversed(mounted):
            # Lazy: a file still open by a dying worker must not leave the mount behind.
            subprocess.run(["umount", "-l", str(path)], check=False, capture_output=True)

