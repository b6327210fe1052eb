"""The dashboard in Debian's chromium (Playwright) against the real local stack.

The dashboard must already be built (`make dashboard`, which `make test` runs first); this
test builds nothing. Screenshots of every view land in test-artifacts/dashboard/.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from local.torrent_maker import make_torrent
from local.torznab_server import LocalRelease, TorznabServer
from tests.support.local_stack import (
    ADMIN_KEY,
    REPO,
    RunningStack,
    free_port,
    start_stack,
    write_config,
)

DASHBOARD = REPO / "dashboard"
ARTIFACTS = REPO / "test-artifacts" / "dashboard"
CHROMIUM = Path(os.environ.get("CHROMIUM", "/usr/bin/chromium"))


ALBUM_TRACKS = ["Hunter", "Jóga", "Unravel", "Bachelorette"]
INDEXER_KEY = "e2e-indexer-key"


def album_release(root: Path, title: str, seeders: int) -> LocalRelease:
    """A release with a real .torrent of small fake FLAC files named like the album."""
    folder = root / title
    folder.mkdir(parents=True)
    for n, name in enumerate(ALBUM_TRACKS, 1):
        (folder / f"{n:02d} - {name}.flac").write_bytes(title.encode() * 2048 + bytes([n]))
    torrent = make_torrent(folder, ["http://127.0.0.1:1/announce"], piece_length=32768)
    return LocalRelease(title, (3000, 3040), seeders=seeders, peers=seeders, torrent=torrent)


def wait_for_state(stack: RunningStack, ticket_id: str, state: str, timeout: float = 40) -> None:
    deadline = time.monotonic() + timeout
    seen = ""
    while time.monotonic() < deadline:
        seen = stack.call("GET", f"/api/v1/ticket/{ticket_id}").body["state"]
        if seen == state:
            return
        time.sleep(0.2)
    raise AssertionError(f"ticket {ticket_id} is {seen}, not {state}, after {timeout}s")


def ticket_needing_approval(stack: RunningStack) -> str:
    """A ticket that the real flow (local indexer, TextBrain) leaves waiting for approval:
    the test stack's auto-approve threshold is above any score."""
    body = {"priority": 250, "search": {"artist": "Björk", "album": "Homogenic", "year": 1997},
            "tracks": [{"catalog_track_id": f"h{n}", "track_number": n, "name": name,
                        "dest_path": f"/media/albums/homogenic/{n:02d}.ogg"}
                       for n, name in enumerate(ALBUM_TRACKS, 1)]}
    ticket_id: str = stack.call("POST", "/api/v1/ticket", body).body["ticket_id"]
    wait_for_state(stack, ticket_id, "needs_approval")
    return ticket_id


@pytest.fixture(scope="module")
def indexer(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TorznabServer]:
    root = tmp_path_factory.mktemp("releases")
    catalog = [album_release(root, "Björk - Homogenic (1997) [FLAC]", 40),
               album_release(root, "Bjork - Homogenic 1997 FLAC WEB", 120),
               album_release(root, "Björk - Homogenic (Remastered) [FLAC]", 8)]
    with TorznabServer(catalog, api_key=INDEXER_KEY) as server:
        yield server


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory, indexer: TorznabServer
          ) -> Iterator[RunningStack]:
    if not (DASHBOARD / "dist" / "index.html").is_file():
        pytest.fail("the dashboard is not built: run `make dashboard` (make test does)")
    directory = tmp_path_factory.mktemp("dashboard-stack")
    port = free_port()
    extra = f"""
[searcher]
backend = "jackett"
url = "{indexer.url}"
api_key = "{INDEXER_KEY}"
min_interval_secs = 0.0
timeout_secs = 5.0

[textbrain]
auto_approve_threshold = 1.0

[external_catalogs]
musicbrainz_min_interval_secs = 0.0
"""
    # The new-ticket form's lookups are answered by `make run`'s catalog replay.
    running = start_stack(write_config(directory, port, extra, catalog_replay=True), port)
    try:
        yield running
    finally:
        running.stop()


def test_the_stack_serves_the_built_dashboard(stack: RunningStack) -> None:
    index = stack.call("GET", "/", key=None)
    assert index.status == 200
    assert index.headers["Content-Type"].startswith("text/html")
    script = next(p.name for p in (DASHBOARD / "dist").glob("index-*.js"))
    asset = stack.call("GET", f"/{script}", key=None)
    assert asset.status == 200
    assert asset.headers["Content-Type"].startswith("text/javascript")
    assert stack.call("GET", "/favicon.svg", key=None).headers["Content-Type"] == "image/svg+xml"


@pytest.mark.parametrize("path", ["/..%2F..%2Fapp.py", "/%2e%2e%2fconfig.toml", "/.env",
                                  "/..%5C..%5Capp.py", "/missing.js"])
def test_no_file_outside_the_dashboard_is_served(stack: RunningStack, path: str) -> None:
    answer = stack.call("GET", path, key=None)
    assert answer.status == 404, answer.text[:200]
    assert "Chalice" not in answer.text


def test_dashboard_end_to_end_in_chromium(stack: RunningStack) -> None:
    if not CHROMIUM.exists() or shutil.which("node") is None:
        pytest.fail(f"the e2e test needs node and chromium at {CHROMIUM}")
    approval_id = ticket_needing_approval(stack)
    if ARTIFACTS.exists():
        shutil.rmtree(ARTIFACTS)
    env = {**os.environ, "QT_URL": stack.url, "QT_ADMIN_KEY": ADMIN_KEY,
           "QT_APPROVAL_TICKET": approval_id, "QT_ARTIFACTS": str(ARTIFACTS),
           "CHROMIUM": str(CHROMIUM)}
    run = subprocess.run(["node", "e2e/dashboard.e2e.mjs"], cwd=DASHBOARD, env=env,
                         capture_output=True, text=True, timeout=240)
    report = run.stdout + run.stderr
    assert run.returncode == 0, report
    assert "e2e: all steps passed" in run.stdout
    shots = sorted(p.name for p in ARTIFACTS.glob("*.png"))
    assert len(shots) == 13, shots
    assert ADMIN_KEY not in stack.log_path.read_text()
    # The ticket made from the catalog lookup holds the replayed release's tracks.
    made = [t for t in stack.call("GET", "/api/v1/tickets?limit=100").body["tickets"]
            if t["request"]["query_context"].get("musicbrainz_release_id")]
    assert len(made) == 1 and made[0]["dry_run"]
    tracks = made[0]["request"]["items"]
    assert len(tracks) == 12 and tracks[1]["name"] == "Paranoid Android"
    assert all(t["duration_secs"] > 0 for t in tracks)
    # The approval went through the API and was announced to every dashboard.
    events = stack.call("GET", f"/api/v1/audit?ticket_id={approval_id}").body["events"]
    assert "ApprovalGranted" in json.dumps(events)
