"""Which cover the agent embeds in the real flow, and that the audit trail names its source:
the Cover Art Archive (here `make run`'s replay of it) first, the torrent's own picture when
the archive is down."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest

from chalicelib.domain.audit import AuditEventType as E
from chalicelib.domain.stage_protocol import Stage
from local.catalog_replay import RECORDED, CatalogReplayServer
from tests.integration.workers.agent.harness import (
    AgentThread,
    Harness,
    album_mapping,
    work_order,
)
from tests.support.catalog_replies import OK_COMPUTER_CD
from tests.support.local_stack import free_port
from workers.media import read_cover

ALL = (Stage.DOWNLOAD, Stage.CONVERT, Stage.PLACE)


@pytest.fixture(scope="module")
def replay() -> Iterator[str]:
    server = CatalogReplayServer()
    try:
        yield server.start()
    finally:
        server.stop()


def convert_with_archive(harness: Harness, album_source: Path, archive_url: str
                         ) -> tuple[dict[str, object], list[Path]]:
    """Run a two-track ticket whose metadata names the MusicBrainz release; the
    ConversionStarted event and the placed audio files."""
    harness.config = replace(harness.config, external_catalogs=replace(
        harness.config.external_catalogs, coverartarchive_url=archive_url))
    ticket = harness.create_ticket(tracks=2, with_cover_item=False)
    work = work_order(ticket, album_mapping(ticket, album_source, top=False),
                      source_dir=str(album_source))
    work["metadata"]["musicbrainz_albumid"] = OK_COMPUTER_CD  # as skeletons carry it
    execution = harness.start(ALL, ticket.ticket_id, work)
    with AgentThread(harness.agent()):
        done = harness.wait(execution, timeout=90)
    assert done["status"] == "SUCCEEDED", done
    started = next(d for k, d in harness.events(ticket.ticket_id) if k is E.CONVERSION_STARTED)
    return started, [Path(i.dest_path) for i in ticket.request.items]


def test_the_cover_art_archive_serves_the_cover_and_the_audit_says_so(
        harness: Harness, album_source: Path, replay: str) -> None:
    started, placed = convert_with_archive(harness, album_source, f"{replay}/coverartarchive")
    assert started["cover_source"] == "coverartarchive"
    assert str(started["cover_origin"]).startswith(replay)
    front = (RECORDED / "coverartarchive" / "front.jpg").read_bytes()
    for dest in placed:
        cover = read_cover(dest)
        assert cover is not None and cover.data == front


def test_an_archive_outage_falls_back_to_the_torrents_picture(
        harness: Harness, album_source: Path) -> None:
    dead = f"http://127.0.0.1:{free_port()}"
    started, placed = convert_with_archive(harness, album_source, dead)
    assert started["cover_source"] == "torrent_file"
    misses = started["cover_misses"]
    assert isinstance(misses, list) and misses[0].startswith("coverartarchive:")
    for dest in placed:
        cover = read_cover(dest)
        assert cover is not None and cover.data == (album_source / "cover.jpg").read_bytes()
