"""A running stack with a local indexer and the test agent, for driving tickets end to end."""

from __future__ import annotations

import copy
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import pytest

from chalicelib.config import Config, load_config
from local.torrent_maker import make_torrent
from local.torznab_server import LocalRelease, TorznabServer
from tests.support.local_stack import RunningStack, free_port, start_stack, write_config
from tests.support.test_agent import TestAgent, wait_for

INDEXER_KEY = "torznab-test-key"
TRACKS = ["Opening", "Second Song", "Third Song", "Fourth Song", "Fifth Song", "Sixth Song",
          "Seventh Song", "Closing"]


def album_torrent(root: Path, folder: str, tracks: list[str]) -> bytes:
    """A real .torrent of a folder of (small, fake) FLAC files named like a real album."""
    album = root / folder
    album.mkdir(parents=True)
    for n, name in enumerate(tracks, 1):
        (album / f"{n:02d} - {name}.flac").write_bytes(f"{folder}{n}".encode() * 4096)
    (album / "cover.jpg").write_bytes(b"\xff\xd8jpeg" * 100)
    return make_torrent(album, ["http://127.0.0.1:1/announce"], piece_length=32768)


@dataclass
class FlowRig:
    stack: RunningStack
    agent: TestAgent
    config: Config
    media: Path
    indexer: TorznabServer

    def ticket(self, *, artist: str = "Test Artist", album: str = "Test Album",
               tracks: range = range(1, 4), behaviour: str = "ok", priority: int = 100,
               dry_run: bool = False, tag: str = "",
               catalog: bool = False) -> dict[str, Any]:
        body = {
            "priority": priority, "dry_run": dry_run,
            "search": {"artist": artist, "album": album, "year": 2020},
            "tracks": [{"catalog_track_id": f"t{n}", "track_number": n, "disc_number": 1,
                        "name": TRACKS[n - 1],
                        "dest_path": f"{self.media}/{artist}/{album}{tag}/{n:02d}.ogg"}
                       for n in tracks],
            "constraints": {"format": "ogg_vorbis", "bitrate_kbps": 320},
            "metadata_to_embed": {"artist": artist, "album": album,
                                  "test_behaviour": behaviour,
                                  "test_catalog": "register" if catalog else "no"},
        }
        return copy.deepcopy(body)

    def create(self, body: dict[str, Any]) -> str:
        answer = self.stack.call("POST", "/api/v1/ticket", body)
        assert answer.status == 201, answer.text
        return str(answer.body["ticket_id"])

    def get(self, ticket_id: str) -> dict[str, Any]:
        body: dict[str, Any] = self.stack.call("GET", f"/api/v1/ticket/{ticket_id}").body
        return body

    def wait_state(self, ticket_id: str, *states: str, timeout: float = 40) -> dict[str, Any]:
        def reached() -> dict[str, Any] | None:
            t = self.get(ticket_id)
            return t if t["state"] in states else None

        try:
            result: dict[str, Any] = wait_for(reached, timeout)
        except AssertionError as e:
            t = self.get(ticket_id)
            raise AssertionError(f"{ticket_id} is {t['state']} ({t['state_payload']}), "
                                 f"history {[h['to_state'] for h in t['history']]}") from e
        return result

    def states(self, ticket_id: str) -> list[str]:
        return [h["to_state"] for h in self.get(ticket_id)["history"]]

    def wait_flow(self, ticket_id: str, *statuses: str, timeout: float = 20) -> list[str]:
        """Wait until the latest execution has one of `statuses`; all runs' statuses."""
        def ended() -> list[str] | None:
            runs = [str(r["status"]) for r in self.flow(ticket_id)]
            return runs if runs and runs[-1] in statuses else None

        result: list[str] = wait_for(ended, timeout)
        return result

    def flow(self, ticket_id: str) -> list[dict[str, Any]]:
        body: dict[str, Any] = self.stack.call("GET", f"/api/v1/ticket/{ticket_id}/flow").body
        return list(body["executions"])


def releases(tmp: Path) -> list[LocalRelease]:
    audio = (3000, 3040)
    return [
        LocalRelease("Test Artist - Test Album (2020) [FLAC]", audio, seeders=50, peers=55,
                     torrent=album_torrent(tmp, "Test Artist - Test Album (2020) [FLAC]",
                                           TRACKS)),
        LocalRelease("Test Artist - Test Album (2020) [FLAC] WEB", audio, seeders=30, peers=31,
                     torrent=album_torrent(tmp, "Test Artist - Test Album (2020) WEB FLAC",
                                           TRACKS)),
        LocalRelease("Night Owls - Harbour Lights (Live) (2019) [FLAC]", audio, seeders=20,
                     peers=21, torrent=album_torrent(tmp, "Night Owls - Harbour Lights (Live)",
                                                     TRACKS)),
        LocalRelease("AnotherGroup-HiddenGem-2018-FLAC", audio, seeders=9, peers=9,
                     torrent=album_torrent(tmp, "AnotherGroup-HiddenGem-2018-FLAC",
                                           TRACKS)),
    ]


def start_rig(tmp: Path, *, threshold: float = 0.85, heartbeat: int = 300,
              max_attempts: int = 3, search_cache_secs: int = 1800) -> FlowRig:
    indexer = TorznabServer(releases(tmp / "releases"), api_key=INDEXER_KEY)
    indexer.start()
    port, aws_port = free_port(), free_port()
    media = tmp / "media"
    extra = f"""
[searcher]
backend = "jackett"
url = "{indexer.url}"
api_key = "{INDEXER_KEY}"
min_interval_secs = 0.0
timeout_secs = 5.0
cache_ttl_secs = {search_cache_secs}

[textbrain]
auto_approve_threshold = {threshold}

[orchestrator]
heartbeat_timeout_secs = {heartbeat}
max_attempts = {max_attempts}
"""
    config_path = write_config(tmp, port, extra, aws_port=aws_port)
    stack = start_stack(config_path, port)
    config = load_config(config_path)
    config = replace(config, aws=replace(config.aws, endpoint_url=f"http://127.0.0.1:{aws_port}"))
    agent = TestAgent(config).start()
    return FlowRig(stack, agent, config, media, indexer)


def stop_rig(rig: FlowRig) -> None:
    rig.agent.stop()
    rig.stack.stop()
    rig.indexer.stop()


@pytest.fixture(scope="module")
def rig(tmp_path_factory: pytest.TempPathFactory) -> Iterator[FlowRig]:
    running = start_rig(tmp_path_factory.mktemp("flow"))
    try:
        yield running
    finally:
        stop_rig(running)
