"""Fixtures for the agent's end-to-end tests: embedded AWS, an album torrent, a tracker."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from chalicelib.domain.bencode import info_hash_of_torrent
from local.aws_emulator import EmbeddedAws
from local.torrent_maker import make_torrent
from tests.integration.workers.agent.harness import Harness, make_harness
from tests.support.sample_content import make_album
from tests.support.swarm import OpentrackerProcess, missing_binaries

_missing = missing_binaries("ffmpeg", "opentracker")
# make test installs them: without them these tests must fail, not vanish as skips.
assert not _missing, f"not installed: {', '.join(_missing)} (make system-deps)"


@dataclass(frozen=True)
class AlbumTorrent:
    data_dir: Path  # contains the album folder
    album_dir: Path
    torrent: bytes
    info_hash: str
    tracker: OpentrackerProcess


@pytest.fixture(scope="session")
def agent_aws() -> Iterator[str]:
    aws = EmbeddedAws()
    endpoint = aws.start()
    try:
        yield endpoint
    finally:
        aws.stop()


@pytest.fixture(scope="session")
def album_torrent(tmp_path_factory: pytest.TempPathFactory) -> Iterator[AlbumTorrent]:
    """The generated album, its .torrent announcing to a loopback opentracker."""
    data = tmp_path_factory.mktemp("seed")
    album = make_album(data, seconds=3)
    port_dir = tmp_path_factory.mktemp("tracker")
    # The announce URL is outside the info dict: build once to learn the hash, then again.
    probe = make_torrent(album, ["http://127.0.0.1:1/announce"], piece_length=1 << 15)
    info_hash = info_hash_of_torrent(probe)
    with OpentrackerProcess.start(port_dir, [info_hash]) as tracker:
        torrent = make_torrent(album, [tracker.announce_url], piece_length=1 << 15)
        yield AlbumTorrent(data, album, torrent, info_hash, tracker)


@pytest.fixture
def harness(agent_aws: str, tmp_path: Path) -> Harness:
    return make_harness(agent_aws, tmp_path)
