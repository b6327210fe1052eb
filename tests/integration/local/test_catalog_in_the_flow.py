"""The acquisition stage of the real local stack with a catalog: the replay fills in what the
ticket lacks, and a catalog that is down only means a ticket without catalog data."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from local.torznab_server import LocalRelease, TorznabServer
from tests.support.catalog_replies import TRACK_TITLES
from tests.support.local_stack import RunningStack, free_port, start_stack, write_config

INDEXER_KEY = "catalog-flow-indexer-key"
ALBUM_HASH = "c0ffee" * 6 + "c0ff"


@pytest.fixture(scope="module")
def indexer() -> Iterator[TorznabServer]:
    # No file list (a magnet): the scorer judges the name and the size, and the approval
    # threshold of 1.0 keeps every ticket waiting for a person, so nothing downloads.
    release = LocalRelease("Radiohead - OK Computer (1997) [FLAC]", (3000, 3040), seeders=40,
                           magnet=f"magnet:?xt=urn:btih:{ALBUM_HASH}&dn=OK+Computer",
                           size=360_000_000)
    with TorznabServer([release], api_key=INDEXER_KEY) as server:
        yield server


def searcher(indexer: TorznabServer, catalogs: str = "") -> str:
    return f"""
[searcher]
backend = "jackett"
url = "{indexer.url}"
api_key = "{INDEXER_KEY}"
min_interval_secs = 0.0
timeout_secs = 5.0

[textbrain]
auto_approve_threshold = 1.0
{catalogs}
"""


def run_stack(directory: Path, extra: str, replay: bool) -> RunningStack:
    port = free_port()
    return start_stack(write_config(directory, port, extra, catalog_replay=replay), port)


def album_without_durations(directory: str) -> dict[str, Any]:
    """What a consumer that knows only the track names sends."""
    return {"priority": 200, "search": {"artist": "Radiohead", "album": "OK Computer"},
            "tracks": [{"catalog_track_id": f"t{n}", "track_number": n, "name": name,
                        "dest_path": f"/media/okc-{directory}/{n:02d}.flac"}
                       for n, (name, _) in enumerate(TRACK_TITLES, start=1)]}


def settled(stack: RunningStack, ticket_id: str, timeout: float = 40) -> dict[str, Any]:
    """The ticket once acquisition has decided (or failed)."""
    deadline = time.monotonic() + timeout
    ticket: dict[str, Any] = {}
    while time.monotonic() < deadline:
        ticket = stack.call("GET", f"/api/v1/ticket/{ticket_id}").body
        if ticket["state"] not in ("pending", "acquiring"):
            return ticket
        time.sleep(0.2)
    raise AssertionError(f"ticket {ticket_id} still {ticket.get('state')} after {timeout}s")


def matching_started(stack: RunningStack, ticket_id: str) -> dict[str, Any]:
    events = stack.call("GET", f"/api/v1/audit?ticket_id={ticket_id}&limit=100").body["events"]
    data: dict[str, Any] = next(e["data"] for e in events
                                if e["event_type"] == "MatchingStarted")
    return data


def test_the_replayed_catalog_fills_in_durations_and_the_release(
        indexer: TorznabServer, tmp_path: Path) -> None:
    stack = run_stack(tmp_path, searcher(indexer), replay=True)
    try:
        created = stack.call("POST", "/api/v1/ticket", album_without_durations("replay"))
        assert created.status == 201, created.text
        ticket = settled(stack, created.body["ticket_id"])
        assert ticket["state"] == "needs_approval", ticket["state_payload"]
        catalog = matching_started(stack, ticket["ticket_id"])["catalog"]
        assert catalog == {"used": True, "source": "musicbrainz",
                           "release_id": "0b6b4ba0-d36f-47bd-b4ea-6a5b91842d29",
                           "release_track_count": 12, "durations_filled": 12,
                           "release_secs": sum(ms for _, ms in TRACK_TITLES) / 1000}
        # The scorer judged the size against the catalog's lengths, not typical ones.
        best = ticket["acquisition"]["candidates"][0]
        size = next(c for c in best["components"] if c["name"] == "size")
        assert "plausible" in size["reason"]
    finally:
        stack.stop()


def test_a_catalog_outage_leaves_a_ticket_without_catalog_data(
        indexer: TorznabServer, tmp_path: Path) -> None:
    dead = free_port()  # nothing listens there: MusicBrainz is unreachable
    catalogs = f"""
[external_catalogs]
musicbrainz_url = "http://127.0.0.1:{dead}"
musicbrainz_min_interval_secs = 0.0
timeout_secs = 2.0
"""
    stack = run_stack(tmp_path, searcher(indexer, catalogs), replay=False)
    try:
        created = stack.call("POST", "/api/v1/ticket", album_without_durations("outage"))
        assert created.status == 201, created.text
        ticket = settled(stack, created.body["ticket_id"])
        # Searched, scored and waiting for a person, exactly as without a catalog.
        assert ticket["state"] == "needs_approval", ticket["state_payload"]
        assert ticket["acquisition"]["candidates"][0]["candidate"]["title"] == \
            "Radiohead - OK Computer (1997) [FLAC]"
        catalog = matching_started(stack, ticket["ticket_id"])["catalog"]
        assert catalog["used"] is False and "musicbrainz" in catalog["reason"]
        assert all("duration_secs" not in t for t in ticket["request"]["items"])
    finally:
        stack.stop()
