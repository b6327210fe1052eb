"""Subtitles for a video ticket through the real agent (convert, place): the English one is
embedded and extracted with ffmpeg, the French one comes from a local server speaking the
OpenSubtitles REST API; with that service down the ticket still converts and is placed."""

from __future__ import annotations

import subprocess
import uuid
from pathlib import Path
from typing import Any

from chalicelib.adapters.clock import SystemClock
from chalicelib.domain.audit import AuditEventType as E
from chalicelib.domain.stage_protocol import Stage
from chalicelib.domain.states import TicketState
from chalicelib.domain.ticket import Ticket
from chalicelib.domain.validation import parse_ticket_request
from chalicelib.services.work_orders import work_order
from tests.integration.workers.agent.harness import AgentThread, Harness, make_harness
from tests.support.catalog_server import CatalogServer, Reply
from workers.media import probe

SRT_FR = b"1\n00:00:00,200 --> 00:00:01,500\nBonjour\n\n"


def make_movie(path: Path) -> Path:
    """2 s of test pattern with English audio and one English SubRip stream."""
    path.parent.mkdir(parents=True, exist_ok=True)
    srt = path.parent / "eng.srt"
    srt.write_text("1\n00:00:00,200 --> 00:00:01,500\nHello there\n\n")
    subprocess.run(["ffmpeg", "-nostdin", "-loglevel", "error", "-y",
                    "-f", "lavfi", "-i", "testsrc=size=160x120:rate=25:duration=2",
                    "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000:duration=2",
                    "-i", str(srt), "-map", "0:v", "-map", "1:a", "-map", "2:s",
                    "-c:v", "libx264", "-c:a", "aac", "-c:s", "srt",
                    "-metadata:s:a:0", "language=eng", "-metadata:s:s:0", "language=eng",
                    str(path)], check=True, capture_output=True)
    return path


def opensubtitles_routes(base: str) -> dict[str, Reply]:
    found = {"id": "77", "type": "subtitle", "attributes": {
        "subtitle_id": "77", "language": "fr", "download_count": 300, "hearing_impaired": False,
        "release": "Test.Movie.2020.1080p", "feature_details": {"title": "Test Movie",
                                                                "year": 2020},
        "files": [{"file_id": 77, "cd_number": 1, "file_name": "Test.Movie.2020.fr.srt"}]}}
    return {
        "/api/v1/subtitles": Reply(200, {"total_pages": 1, "total_count": 1, "per_page": 60,
                                         "page": 1, "data": [found]}),
        "/api/v1/download": Reply(200, {"link": f"{base}/dl/77.srt",
                                        "file_name": "Test.Movie.2020.fr.srt", "requests": 1,
                                        "remaining": 19}),
        "/dl/77.srt": Reply(200, SRT_FR, content_type="application/x-subrip"),
    }


def run_convert_and_place(harness: Harness, movie: Path, metadata: dict[str, Any],
                          query: dict[str, Any] | None = None
                          ) -> tuple[Ticket, dict[str, Any], Path]:
    dest = harness.media_root / "movies" / "Test Movie (2020)" / "Test Movie (2020).mkv"
    body = {"query_context": {"expected": "movie", "title": "Test Movie", "year": 2020,
                              **(query or {})},
            "items": [{"item_id": "main", "kind": "video", "name": "Test Movie",
                       "duration_secs": 2, "dest_path": str(dest)}],
            "constraints": {"format": "mkv", "video_codec": "copy",
                            "subtitle_languages": ["eng", "fre"], "extract_subtitles": True},
            "metadata_to_embed": metadata}
    request = parse_ticket_request(body, list(harness.config.placement.allowed_roots))
    ticket = harness.store.create(Ticket.new(uuid.uuid4().hex, request,
                                             "tester", SystemClock().now()))
    for step in (TicketState.ACQUIRING, TicketState.AUTO_APPROVED):
        harness.flow.enter(ticket.ticket_id, step, "test setup")
    scored = {"candidate": {"title": "Test Movie", "info_hash": "0" * 40},
              "mapping": {"mapped": [{"item_id": "main", "path": movie.name,
                                      "file_index": None}]}}
    work = work_order(ticket, scored).to_dict()
    results = {"download": {"files": [{"item_id": "main", "local_path": str(movie)}]}}
    execution = harness.start((Stage.CONVERT, Stage.PLACE), ticket.ticket_id, work, results)
    with AgentThread(harness.agent()):
        done = harness.wait(execution, timeout=120)
    assert done["status"] == "SUCCEEDED", done
    return ticket, done["output"]["results"]["convert"], dest


def test_french_comes_from_opensubtitles_and_english_from_the_video(
        agent_aws: str, tmp_path: Path) -> None:
    server = CatalogServer({})
    server.routes.update(opensubtitles_routes(server.base_url))
    with server:
        harness = make_harness(agent_aws, tmp_path, external_catalogs={
            "opensubtitles_api_key": "os-key",
            "opensubtitles_url": server.base_url + "/api/v1"})
        movie = make_movie(tmp_path / "seed" / "Test.Movie.2020.mkv")
        # The IMDb id only in the ticket's query: it reaches the agent in the work order.
        ticket, convert, dest = run_convert_and_place(
            harness, movie, {"title": "Test Movie", "year": 2020}, {"imdb_id": "tt0133093"})
        searches = [s.query for s in server.seen if s.method == "GET"
                    and s.path == "/api/v1/subtitles"]
    assert searches == [{"imdb_id": "133093", "languages": "fr"}]  # English is embedded
    assert dest.with_name("Test Movie (2020).fre.srt").read_bytes() == SRT_FR
    assert "Hello there" in dest.with_name("Test Movie (2020).eng.srt").read_text()
    assert [s.language for s in probe(dest).of_kind("subtitle")] == ["eng"]
    assert convert["subtitles"] == [{"item_id": "main", "language": "fre",
                                     "source": "opensubtitles", "origin": "file_id 77"}]
    completed = [d for k, d in harness.events(ticket.ticket_id)
                 if k is E.CONVERSION_COMPLETED]
    assert completed[-1]["subtitles"] == convert["subtitles"]
    assert harness.store.get(ticket.ticket_id).state is TicketState.COMPLETED


def test_an_opensubtitles_outage_leaves_the_ticket_converted_without_french(
        agent_aws: str, tmp_path: Path) -> None:
    server = CatalogServer({})
    with server:
        down = server.base_url  # the port is closed once the server has stopped
    harness = make_harness(agent_aws, tmp_path, external_catalogs={
        "opensubtitles_api_key": "os-key", "opensubtitles_url": down + "/api/v1"})
    movie = make_movie(tmp_path / "seed" / "Test.Movie.2020.mkv")
    ticket, convert, dest = run_convert_and_place(harness, movie,
                                                  {"title": "Test Movie", "year": 2020})
    assert probe(dest).duration_secs is not None
    assert dest.with_name("Test Movie (2020).eng.srt").is_file()
    assert not dest.with_name("Test Movie (2020).fre.srt").exists()
    [note] = convert["subtitles"]
    assert note["item_id"] == "main" and note["language"] == "fre"
    assert note["missing"].startswith("opensubtitles:")
    assert harness.store.get(ticket.ticket_id).state is TicketState.COMPLETED
