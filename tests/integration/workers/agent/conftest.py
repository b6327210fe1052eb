"""Fixtures for the agent's integration tests: embedded AWS, a harness per test, an album."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from local.aws_emulator import EmbeddedAws
from tests.integration.workers.agent.harness import Harness, make_harness
from tests.support.sample_content import make_album

# make test installs ffmpeg: without it these tests must fail, not vanish as skips.
assert shutil.which("ffmpeg"), "ffmpeg is not installed (make system-deps)"


@pytest.fixture(scope="session")
def agent_aws() -> Iterator[str]:
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


@pytest.fixture
def harness(agent_aws: str, tmp_path: Path) -> Harness:
    return make_harness(agent_aws, tmp_path)
