"""Video tickets end to end: a movie and a season, generated with ffmpeg's lavfi sources,
in local torrents announced to the loopback tracker, through the Step Functions flow and
the real agent (download, convert, place), checked with ffprobe."""

from __future__ import annotations

import subprocess
from pathlib import Path
from typing import Any

import pytest

from chalicelib.adapters.clock import SystemClock
from chalicelib.domain.bencode import info_hash_of_torrent
from chalicelib.domain.stage_protocol import Stage
from chalicelib.domain.states import TicketState
from chalicelib.domain.ticket import Ticket
from chalicelib.domain.validation import parse_ticket_request
from chalicelib.services.work_orders import work_order
from local.torrent_maker import make_torrent
from local.torznab_server import LocalRelease, TorznabServer
from tests.e2e.workers.agent.conftest import AlbumTorrent
from tests.integration.workers.agent.harness import AgentThread, Harness
from tests.support.swarm import LibtorrentSeeder
from workers.media import probe

pytestmark = pytest.mark.e2e
FFMPEG = ["ffmpeg", "-nostdin", "-hide_banner", "-loglevel", "error", "-y"]


def make_video(path: Path, *, codec: str, seconds: int = 2) -> Path:
    """`seconds` of test pattern with English and French audio, English and German SubRip."""
    path.parent.mkdir(parents=True, exist_ok=True)
    subs = path.parent / ".subs"
    subs.mkdir(exist_ok=True)
    for lang, text in (("eng", "Hello there"), ("ger", "Hallo")):
        (subs / f"{lang}.srt").write_text(f"1\n00:00:00,200 --> 00:00:01,500\n{text}\n\n")
    subprocess.run([
        *FFMPEG, "-f", "lavfi", "-i", f"testsrc=size=320x240:rate=25:duration={seconds}",
        "-f", "lavfi", "-i", f"sine=frequency=440:sample_rate=48000:duration={seconds}",
        "-f", "lavfi", "-i", f"sine=frequency=660:sample_rate=48000:duration={seconds}",
        "-i", str(subs / "eng.srt"), "-i", str(subs / "ger.srt"),
        "-map", "0:v", "-map", "1:a", "-map", "2:a", "-map", "3:s", "-map", "4:s",
        "-c:v", codec, "-c:a", "aac", "-c:s", "srt",
        "-metadata:s:a:0", "language=eng", "-metadata:s:a:1", "language=fre",
        "-metadata:s:s:0", "language=eng", "-metadata:s:s:1", "language=ger", str(path)],
        check=True)
    return path


def run_ticket(harness: Harness, tracker: Any, content: Path, body: dict[str, Any],
               mapping: dict[str, str]) -> Ticket:
    """Seed `content` (a folder), create the ticket, run the whole agent path."""
    probe_bytes = make_torrent(content, [tracker.announce_url], piece_length=1 << 15)
    info_hash = info_hash_of_torrent(probe_bytes)
    tracker.allow(info_hash)
    request = parse_ticket_request(body, list(harness.config.placement.allowed_roots))
    ticket = harness.store.create(Ticket.new(info_hash[:32], request, "tester",
                                             SystemClock().now()))
    for step in (TicketState.ACQUIRING, TicketState.AUTO_APPROVED):
        harness.flow.enter(ticket.ticket_id, step, "test setup")
    release = LocalRelease(title=content.name, categories=(2000,), torrent=probe_bytes,
                           release_id=info_hash)
    with LibtorrentSeeder() as seeder, TorznabServer([release]) as indexer:
        seeder.seed(probe_bytes, content.parent)
        scored = {"candidate": {"title": content.name, "info_hash": info_hash,
                                "download_url": f"{indexer.url}/dl/{info_hash}.torrent"},
                  "mapping": {"mapped": [{"item_id": item, "path": path, "file_index": None}
                                         for item, path in mapping.items()]}}
        work = work_order(ticket, scored).to_dict()
        execution = harness.start((Stage.DOWNLOAD, Stage.CONVERT, Stage.PLACE),
                                  ticket.ticket_id, work)
        with AgentThread(harness.agent()):
            done = harness.wait(execution, timeout=180)
    assert done["status"] == "SUCCEEDED", done
    stored = harness.store.get(ticket.ticket_id)
    assert stored.state is TicketState.COMPLETED
    return stored


def test_a_movie_is_remuxed_with_chosen_tracks_and_srt(
        harness: Harness, album_torrent: AlbumTorrent, tmp_path: Path) -> None:
    content = tmp_path / "seed" / "Test Movie (2020) 1080p"
    make_video(content / "Test.Movie.2020.1080p.mkv", codec="libx264")
    dest = harness.media_root / "movies" / "Test Movie (2020)" / "Test Movie (2020).mp4"
    body = {"query_context": {"expected": "movie", "title": "Test Movie", "year": 2020},
            "items": [{"item_id": "main", "kind": "video", "name": "Test Movie",
                       "duration_secs": 2, "dest_path": str(dest)}],
            "constraints": {"format": "mp4", "video_codec": "copy",
                            "audio_languages": ["fre"], "subtitle_languages": ["eng"],
                            "extract_subtitles": True}}
    run_ticket(harness, album_torrent.tracker, content,
               body, {"main": f"{content.name}/Test.Movie.2020.1080p.mkv"})

    info = probe(dest)
    assert info.codec == "h264" and "mp4" in info.container  # h264 fits mp4: a remux
    assert [s.language for s in info.of_kind("audio")] == ["fre"]
    assert [(s.codec, s.language) for s in info.of_kind("subtitle")] == [("mov_text", "eng")]
    assert info.duration_secs == pytest.approx(2.0, abs=0.2)
    srt = dest.with_name("Test Movie (2020).eng.srt")
    assert "Hello there" in srt.read_text()
    title = subprocess.run(["ffprobe", "-v", "error", "-show_entries", "format_tags=title",
                            "-of", "default=nw=1:nk=1", str(dest)], capture_output=True,
                           text=True, check=True).stdout.strip()
    assert title == "Test Movie"


def test_a_season_is_transcoded_episode_by_episode(
        harness: Harness, album_torrent: AlbumTorrent, tmp_path: Path) -> None:
    content = tmp_path / "seed" / "Test Show S01 720p"
    for episode in (1, 2, 3):
        make_video(content / f"Test.Show.S01E0{episode}.720p.mkv", codec="mpeg2video")
    show = harness.media_root / "tv" / "Test Show" / "Season 01"
    body = {"query_context": {"expected": "tv_episode", "title": "Test Show", "season": 1},
            "items": [{"item_id": f"e{n}", "kind": "video", "season": 1, "episode": n,
                       "name": f"Episode {n}", "duration_secs": 2,
                       "dest_path": str(show / f"Test Show - S01E0{n}.mkv")}
                      for n in (1, 2, 3)],
            "constraints": {"format": "mkv", "video_codec": "h264",
                            "audio_languages": ["eng"]}}
    run_ticket(harness, album_torrent.tracker, content, body,
               {f"e{n}": f"{content.name}/Test.Show.S01E0{n}.720p.mkv" for n in (1, 2, 3)})

    for n in (1, 2, 3):
        info = probe(show / f"Test Show - S01E0{n}.mkv")
        assert info.codec == "h264" and info.container.startswith("matroska")  # transcoded
        assert [s.language for s in info.of_kind("audio")] == ["eng"]
        assert [s.language for s in info.of_kind("subtitle")] == ["eng", "ger"]  # all kept
        assert info.duration_secs == pytest.approx(2.0, abs=0.2)
    assert not list(show.glob("*.srt"))  # not asked
