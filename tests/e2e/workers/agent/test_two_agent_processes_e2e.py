"""Two media hosts: two `python -m workers.agent` processes, each with its own agent id, work
dir, download dir and torrent state, against one local stack (`python -m local run`, moto's
server over HTTP, the real ticket flow) and a real loopback swarm (opentracker, libtorrent
seeders, the local Torznab indexer).

Ten tickets complete and the audit trail shows every download, conversion and placement of
a ticket on one host, whose folders alone hold its files. A ticket cancelled mid-download is
cancelled on the host downloading it, and only there. Then the host downloading another
ticket is SIGKILLed mid-download: the ticket fails retryably, naming the gone agent, and its
retry completes on the other host.
"""

from __future__ import annotations

import json
import shutil
import signal
import subprocess
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import pytest

from chalicelib.domain.bencode import info_hash_of_torrent
from local.torrent_maker import make_torrent
from local.torznab_server import LocalRelease, TorznabServer
from tests.integration.workers.agent.harness import OFFLINE_NETWORK, agent_process
from tests.support.local_stack import API_KEYS_AUTH, RunningStack, free_port, start_stack
from tests.support.swarm import LibtorrentSeeder, OpentrackerProcess

pytestmark = pytest.mark.e2e
T = TypeVar("T")
HOSTS = ("host-a", "host-b")
INDEXER_KEY = "two-hosts-indexer-key"
TRACKS = ("Morning Light", "Harbour Walk", "Paper Boats")
TRACK_SECS = 2
ALBUMS = (("Amber Fields", "Quiet Harbour"), ("Brass Lantern", "Northern Lights"),
          ("Cedar Smoke", "Paper Moons"), ("Dune Choir", "Salt And Iron"),
          ("Ember Tide", "Glass Orchard"), ("Fallow Deer", "Winter Rooms"),
          ("Granite Bloom", "Copper Skies"), ("Hollow Pines", "River Letters"),
          ("Indigo Wharf", "Static Gardens"), ("Juniper Coast", "Velvet Engines"))
SLOW = ("Kestrel Lane", "Long Distance")
CANCELLED = ("Lark Meadow", "Slow Tide")
GONE_AFTER_SECS = 10  # an agent silent this long is gone (its ticket fails)


def wait_for(what: str, timeout: float, probe: Callable[[], T | None]) -> T:
    """Poll `probe` until it returns a value (not None) or fail after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        value = probe()
        if value is not None:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout}s waiting for {what}")
        time.sleep(0.2)


def ffmpeg(*args: str) -> None:
    subprocess.run(["ffmpeg", "-nostdin", "-loglevel", "error", "-y", *args], check=True)


def make_tracks(folder: Path) -> list[Path]:
    """FLAC tracks of a tone over a little noise (a pure tone looks like a fake lossless
    release to TextBrain: too small for its length)."""
    folder.mkdir(parents=True)
    tracks = []
    for number, title in enumerate(TRACKS, 1):
        path = folder / f"{number:02d} - {title}.flac"
        ffmpeg("-f", "lavfi", "-i",
               f"aevalsrc='0.4*sin(2*PI*{220 * number}*t)+0.2*(random(0)-0.5)'"
               f":s=44100:d={TRACK_SECS}", "-ac", "2", "-c:a", "flac", str(path))
        tracks.append(path)
    return tracks


@dataclass
class Release:
    artist: str
    album: str
    folder: Path
    torrent: bytes = b""

    @property
    def title(self) -> str:
        return f"{self.artist} - {self.album} (2020) [FLAC]"


def make_release(root: Path, tracks: list[Path], artist: str, album: str) -> Release:
    release = Release(artist, album, root / f"{artist} - {album} (2020) [FLAC]")
    release.folder.mkdir(parents=True)
    for track in tracks:
        shutil.copy(track, release.folder / track.name)
    return release


@dataclass
class Hosts:
    """The stack, the two agent processes and what they run against."""

    home: Path
    stack: RunningStack
    aws_url: str
    media: Path
    seeder: LibtorrentSeeder
    slow_seeder: LibtorrentSeeder
    releases: list[Release]
    slow: Release
    cancelled: Release
    agents: dict[str, subprocess.Popen[bytes]] = field(default_factory=dict)

    def config_path(self, host: str) -> Path:
        return self.home / host / "agent.toml"

    def start_agent(self, host: str) -> None:
        self.agents[host] = agent_process(self.config_path(host), self.log_path(host),
                                          "--aws-endpoint", self.aws_url)

    def log_path(self, host: str) -> Path:
        return self.home / host / "agent.log"

    def logs(self) -> str:
        return "\n".join(f"--- {h}\n{self.log_path(h).read_text()[-4000:]}" for h in HOSTS
                         if self.log_path(h).exists())

    def dirs(self, host: str) -> tuple[Path, Path]:
        """(download dir, work dir) of `host`."""
        return self.home / host / "data" / "downloads", self.home / host / "data" / "agent"

    def api(self, method: str, path: str, body: Any = None) -> Any:
        answer = self.stack.call(method, path, body)
        assert answer.status < 300, f"{method} {path}: {answer.status} {answer.text}"
        return answer.body

    def ticket(self, ticket_id: str) -> dict[str, Any]:
        body: dict[str, Any] = self.api("GET", f"/api/v1/ticket/{ticket_id}")
        return body

    def create(self, release: Release) -> str:
        dest = self.media / "music" / release.artist / release.album
        body = {
            "priority": 100, "request_scope": "full_album",
            "search": {"artist": release.artist, "album": release.album, "year": 2020},
            "tracks": [{"catalog_track_id": f"{release.artist}-{n}", "disc_number": 1,
                        "track_number": n, "name": title, "duration_secs": TRACK_SECS,
                        "dest_path": f"{dest}/{n:02d} - {title}.ogg"}
                       for n, title in enumerate(TRACKS, 1)],
            "constraints": {"format": "ogg_vorbis", "bitrate_kbps": 192},
            "metadata_to_embed": {"artist": release.artist, "album": release.album,
                                  "year": 2020},
        }
        return str(self.api("POST", "/api/v1/ticket", body)["ticket_id"])

    def wait_state(self, ticket_id: str, states: tuple[str, ...], timeout: float
                   ) -> dict[str, Any]:
        def reached() -> dict[str, Any] | None:
            ticket = self.ticket(ticket_id)
            if ticket["state"] in states:
                return ticket
            if ticket["state"] in ("failed", "cancelled", "acquisition_failed", "rejected",
                                   "needs_approval", "completed"):
                raise AssertionError(f"{ticket_id} ended {ticket['state']}: "
                                     f"{ticket['state_payload']}\n{self.logs()}")
            return None
        try:
            return wait_for(f"{ticket_id} to be {states}", timeout, reached)
        except AssertionError as exc:
            if "timed out" not in str(exc):
                raise
            ticket = self.ticket(ticket_id)
            raise AssertionError(f"{ticket_id} is {ticket['state']} "
                                 f"({ticket['state_payload']})\n{self.logs()}") from exc

    def downloading_on(self, ticket_id: str) -> str | None:
        """The agent downloading the ticket once some payload arrived, else None."""
        ticket = self.ticket(ticket_id)
        payload = ticket["state_payload"]
        if ticket["state"] == "downloading" and (payload.get("progress_pct") or 0) > 0:
            return str(payload["agent_id"])
        return None

    def cancel_heard(self, host: str, ticket_id: str) -> bool:
        """Whether `host` received a cancel message for the ticket (its log says so)."""
        for line in self.log_path(host).read_text().splitlines():
            if '"cancel requested"' in line and ticket_id in line:
                return True
        return False

    def ran_on(self, ticket_id: str) -> dict[str, list[str]]:
        """Which agent each agent stage of the ticket ran on, from the audit trail, once
        all three are recorded (the placement's event follows the Completed state)."""
        return wait_for(f"{ticket_id}'s stage events", 10, lambda: (
            ran if len(ran := self._ran_on(ticket_id)) == 3 else None))

    def _ran_on(self, ticket_id: str) -> dict[str, list[str]]:
        events = self.api("GET", f"/api/v1/audit?ticket_id={ticket_id}&limit=200")["events"]
        stages = {"DownloadCompleted": "download", "ConversionCompleted": "convert",
                  "PlacementCompleted": "place"}
        ran: dict[str, list[str]] = {}
        for event in events:
            stage = stages.get(event["event_type"])
            if stage is not None:
                ran.setdefault(stage, []).append(event["data"].get("agent_id"))
        return ran


def write_configs(home: Path, port: int, aws_port: int, indexer_url: str) -> Path:
    """The stack's config, and one agent config per host (own id, work and download dirs)."""
    media = home / "media"
    media.mkdir()
    offline = "\n".join(f"{k} = {json.dumps(v)}" for k, v in OFFLINE_NETWORK.items())
    shared = f"""
[placement]
allowed_roots = ["{media}"]

[searcher]
backend = "jackett"
url = "{indexer_url}"
api_key = "{INDEXER_KEY}"
min_interval_secs = 0.0
timeout_secs = 5.0

[orchestrator]
heartbeat_timeout_secs = 30
max_concurrent_downloads = 2
max_concurrent_conversions = 1
"""
    agent = f"""
poll_wait_secs = 1
heartbeat_interval_secs = 1.0
visibility_timeout_secs = 5
progress_interval_secs = 0.5
status_interval_secs = 0.5
gone_after_secs = {GONE_AFTER_SECS}
seeding_check_secs = 3600
"""
    stack_config = home / "config.toml"
    stack_config.write_text(f"""{API_KEYS_AUTH}
[server]
host = "127.0.0.1"
port = {port}

[local]
data_dir = "data"
snapshot_interval_secs = 0.5
aws_port = {aws_port}
{shared}
[agent]
{agent}""")
    for host in HOSTS:
        (home / host).mkdir()
        (home / host / "agent.toml").write_text(f"""
[auth]
method = "none"
{shared}
[agent]
id = "{host}"
work_dir = "data/agent"
{agent}
[torrent_client]
kind = "libtorrent"
download_dir = "data/downloads"
state_dir = "data/torrent-state"
stall_timeout_secs = 60
{offline}
""")
    return stack_config


@pytest.fixture
def hosts(tmp_path: Path) -> Iterator[Hosts]:
    tracks = make_tracks(tmp_path / "tracks")
    seed_root = tmp_path / "seed"
    releases = [make_release(seed_root, tracks, a, b) for a, b in ALBUMS]
    slow = make_release(tmp_path / "slow-seed", tracks, *SLOW)
    cancelled = make_release(tmp_path / "slow-seed", tracks, *CANCELLED)
    probe = "http://127.0.0.1:1/announce"  # the announce URL is outside the info hash
    hashes = [info_hash_of_torrent(make_torrent(r.folder, [probe], piece_length=1 << 15))
              for r in [*releases, slow, cancelled]]
    with OpentrackerProcess.start(tmp_path / "tracker", hashes) as tracker, \
            LibtorrentSeeder() as seeder, \
            LibtorrentSeeder(upload_rate_limit=20_000) as slow_seeder:
        for release in releases:
            release.torrent = make_torrent(release.folder, [tracker.announce_url],
                                           piece_length=1 << 15)
            seeder.seed(release.torrent, seed_root)
        for release in (slow, cancelled):
            release.torrent = make_torrent(release.folder, [tracker.announce_url],
                                           piece_length=1 << 15)
            slow_seeder.seed(release.torrent, release.folder.parent)
        offers = [LocalRelease(r.title, (3000, 3040), seeders=20, peers=21, torrent=r.torrent)
                  for r in [*releases, slow, cancelled]]
        with TorznabServer(offers, api_key=INDEXER_KEY) as indexer:
            home = tmp_path / "home"
            home.mkdir()
            port, aws_port = free_port(), free_port()
            stack = start_stack(write_configs(home, port, aws_port, indexer.url), port)
            running = Hosts(home, stack, f"http://127.0.0.1:{aws_port}", home / "media",
                            seeder, slow_seeder, releases, slow, cancelled)
            try:
                for host in HOSTS:
                    running.start_agent(host)
                yield running
            finally:
                for process in running.agents.values():
                    if process.poll() is None:
                        process.send_signal(signal.SIGTERM)
                for process in running.agents.values():
                    try:
                        process.wait(30)
                    except subprocess.TimeoutExpired:
                        process.kill()
                        process.wait()
                stack.stop()


def test_two_agent_processes_share_the_work_and_a_gone_agent_fails_its_ticket(
        hosts: Hosts) -> None:
    started = time.monotonic()

    def both_reporting() -> dict[str, Any] | None:
        agents: dict[str, Any] = hosts.api("GET", "/api/v1/health")["agents"]
        alive = {h for h in HOSTS if h in agents and not agents[h]["gone"]}
        return agents if alive == set(HOSTS) else None
    wait_for("both agents' heartbeats in /health", 60, both_reporting)

    # --- ten tickets: every stage of a ticket on one host, its files only there ----------
    tickets = {hosts.create(release): release for release in hosts.releases}
    for ticket_id in tickets:
        hosts.wait_state(ticket_id, ("completed",), timeout=150)
    print(f"ten tickets done at {time.monotonic() - started:.1f}s")
    owners: dict[str, str] = {}
    for ticket_id, release in tickets.items():
        ran = hosts.ran_on(ticket_id)
        owner = ran["download"][0]
        assert owner in HOSTS, ran
        # A redelivered message may run a stage twice: on the same host, idempotently.
        assert {stage: set(on) for stage, on in ran.items()} == {
            "download": {owner}, "convert": {owner}, "place": {owner}}, ran
        owners[ticket_id] = owner
        other = next(h for h in HOSTS if h != owner)
        downloads = hosts.dirs(owner)[0]
        assert (downloads / ticket_id / release.folder.name).is_dir()
        for folder in hosts.dirs(other):
            assert not (folder / ticket_id).exists()
            assert not (folder / "tickets" / ticket_id).exists()
        dest = hosts.media / "music" / release.artist / release.album
        assert sorted(p.name for p in dest.iterdir()) == [
            f"{n:02d} - {t}.ogg" for n, t in enumerate(TRACKS, 1)]
    assert set(owners.values()) == set(HOSTS), owners  # both hosts took tickets

    # --- a cancel reaches the host downloading the ticket, and only it ---------------------
    cancel_id = hosts.create(hosts.cancelled)
    holder = wait_for("the ticket to cancel to be downloading", 60,
                      lambda: hosts.downloading_on(cancel_id))
    bystander = next(h for h in HOSTS if h != holder)
    assert (hosts.dirs(holder)[0] / cancel_id).is_dir()
    hosts.api("DELETE", f"/api/v1/ticket/{cancel_id}")
    wait_for("the holder to clean the cancelled ticket up", 30, lambda: True if not any(
        (d / cancel_id).exists() or (d / "tickets" / cancel_id).exists()
        for d in hosts.dirs(holder)) else None)
    assert hosts.cancel_heard(holder, cancel_id) and not hosts.cancel_heard(bystander, cancel_id)
    assert not (hosts.dirs(bystander)[0] / cancel_id).exists()
    assert hosts.ticket(cancel_id)["state"] == "cancelled"

    # --- the host downloading another ticket dies mid-download ----------------------------
    slow_id = hosts.create(hosts.slow)
    victim = wait_for("the slow ticket to be downloading", 60,
                      lambda: hosts.downloading_on(slow_id))
    survivor = next(h for h in HOSTS if h != victim)
    hosts.agents[victim].send_signal(signal.SIGKILL)
    assert hosts.agents[victim].wait(10) == -signal.SIGKILL
    killed_at = time.monotonic()

    failed = hosts.wait_state(slow_id, ("failed",), timeout=90)
    payload = failed["state_payload"]
    assert payload["retryable"] is True and payload["error"] == "AgentGone", payload
    assert payload["cause"].startswith(f"agent {victim}, which was downloading this ticket, "
                                       f"has been silent for "), payload
    failed_after = time.monotonic() - killed_at
    assert failed_after >= GONE_AFTER_SECS - 1  # not before the agent counted as gone
    assert not (hosts.dirs(survivor)[0] / slow_id).exists()  # it never downloaded it

    hosts.slow_seeder.set_upload_limit(0)
    hosts.api("POST", f"/api/v1/ticket/{slow_id}/retry")
    hosts.wait_state(slow_id, ("completed",), timeout=90)
    ran = hosts.ran_on(slow_id)
    assert {stage: set(on) for stage, on in ran.items()} == {
        "download": {survivor}, "convert": {survivor}, "place": {survivor}}, ran
    assert (hosts.dirs(survivor)[0] / slow_id / hosts.slow.folder.name).is_dir()
    dest = hosts.media / "music" / hosts.slow.artist / hosts.slow.album
    assert len(list(dest.glob("*.ogg"))) == len(TRACKS)
    print(f"two hosts: {time.monotonic() - started:.1f}s, gone ticket failed "
          f"{failed_after:.1f}s after the kill")
