from __future__ import annotations

import copy
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.support.local_stack import RunningStack, free_port, start_stack, write_config

EXAMPLE_TICKET: dict[str, Any] = {
    "priority": 100,
    "dry_run": False,
    "request_scope": "full_album",
    "search": {"artist": "Radiohead", "album": "OK Computer", "year": 1997,
               "label": "Parlophone", "genres": ["alternative rock", "art rock"]},
    "tracks": [{"catalog_track_id": "t1", "disc_number": 1, "track_number": 1,
                "name": "Airbag", "duration_secs": 284,
                "dest_path": "/media/albums/abc123/d1t01.ogg", "requested": True}],
    "images": [{"catalog_image_id": "img1", "type": "cover_front",
                "dest_path": "/media/albums/abc123/cover.jpg"}],
    "constraints": {"format": "ogg_vorbis", "bitrate_kbps": 320, "sample_rate_hz": 44100,
                    "embed_metadata": True, "embed_cover": True},
    "metadata_to_embed": {"artist": "Radiohead", "album": "OK Computer", "year": 1997,
                          "genre": "Alternative Rock"},
}


def example_ticket(**changes: Any) -> dict[str, Any]:
    body = copy.deepcopy(EXAMPLE_TICKET)
    body.update(changes)
    return body


ACTIVE = ("pending", "acquiring", "needs_approval", "auto_approved", "approved",
          "downloading", "converting", "placing")


def settled(stack: RunningStack, timeout: float = 20) -> dict[str, Any]:
    """Wait until no ticket is moving (this stack has no indexer: searches find nothing)."""
    deadline = time.monotonic() + timeout
    while True:
        stats: dict[str, Any] = stack.call("GET", "/api/v1/stats").body
        if not any(stats["by_state"].get(s) for s in ACTIVE) or time.monotonic() > deadline:
            return stats
        time.sleep(0.1)


def settled_ticket(stack: RunningStack, ticket_id: str) -> dict[str, Any]:
    """The ticket once its search has ended (acquisition_failed: there is no indexer)."""
    deadline = time.monotonic() + 20
    while True:
        ticket: dict[str, Any] = stack.call("GET", f"/api/v1/ticket/{ticket_id}").body
        if ticket["state"] not in ACTIVE or time.monotonic() > deadline:
            return ticket
        time.sleep(0.05)


@pytest.fixture(scope="session")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningStack]:
    directory: Path = tmp_path_factory.mktemp("stack")
    port = free_port()
    running = start_stack(write_config(directory, port), port)
    try:
        yield running
    finally:
        running.stop()
