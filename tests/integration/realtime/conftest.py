from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from local.torznab_server import LocalRelease, TorznabServer
from tests.support.local_stack import RunningStack, free_port, start_stack, write_config

INDEXER_KEY = "realtime-indexer-key"
# What the tickets of these tests ask for, found by the indexer but never sure enough to be
# approved automatically: each ticket waits in needs_approval, an active state that does not
# change under the tests' feet (without an indexer, the search ends the ticket at once, and a
# snapshot taken a moment later rightly leaves it out).
RELEASE = LocalRelease("Radiohead - OK Computer (1997) [FLAC]", (3000, 3040), seeders=40,
                       magnet="magnet:?xt=urn:btih:" + "5" * 40 + "&dn=Radiohead+OK+Computer")


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningStack]:
    directory: Path = tmp_path_factory.mktemp("realtime-stack")
    indexer = TorznabServer([RELEASE], api_key=INDEXER_KEY).start()
    port = free_port()
    extra = f"""
[searcher]
backend = "jackett"
url = "{indexer.url}"
api_key = "{INDEXER_KEY}"
min_interval_secs = 0.0

[textbrain]
auto_approve_threshold = 1.0
"""
    try:
        running = start_stack(write_config(directory, port, extra), port)
        try:
            yield running
        finally:
            running.stop()
    finally:
        indexer.stop()
