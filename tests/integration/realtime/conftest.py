from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.local_stack import RunningStack, free_port, start_stack, write_config


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningStack]:
    directory: Path = tmp_path_factory.mktemp("realtime-stack")
    port = free_port()
    running = start_stack(write_config(directory, port), port)
    try:
        yield running
    finally:
        running.stop()
