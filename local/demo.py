"""`python -m local.demo` (`make demo`): the whole product offline, end to end.

It generates a small album with ffmpeg (tagged FLAC tracks and a cover) and its .torrent
(`--kind movie`, `make demo KIND=movie`: a short movie with two audio languages and two
subtitle tracks, delivered as mp4 with the English tracks and an extracted .srt),
seeds it from an in-process libtorrent session on 127.0.0.1 behind a one-peer HTTP tracker,
serves it from the local Torznab indexer, starts the local stack with the agent inside,
creates a ticket (ogg_vorbis 320) through the HTTP API and follows it to Completed,
printing each state change. The last line is one JSON object: ticket id, state, placed files.
Every placed file is checked with ffprobe (codec) and mutagen (tags) before that line.
"""

from __future__ import annotations

import json
import logging
import secrets
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from chalicelib.config import load_config
from chalicelib.domain.bencode import encode
from local.stack import LocalStack
from local.torrent_maker import make_torrent
from local.torznab_server import LocalRelease, TorznabServer

ARTIST, ALBUM, YEAR = "Demo Artist", "Demo Album", 2020
TRACKS = ("Morning Light", "Harbour Walk", "Paper Boats", "Night Train", "Last Call")
TRACK_SECS = 8
INDEXER_KEY = "demo-indexer-key"
MOVIE, MOVIE_SECS = "Demo Movie", 6
MOVIE_RELEASE = "Demo.Movie.2020.1080p.WEB.x264-DEMO"
TIMEOUT_SECS = 120
TERMINAL = ("completed", "failed", "cancelled", "rejected", "acquisition_failed",
            "dry_run_complete")


def ffmpeg(*args: str) -> None:
    subprocess.run(["ffmpeg", "-nostdin", "-loglevel", "error", "-y", *args], check=True)


def make_album(parent: Path) -> Path:
    """Tagged FLAC tracks and a cover, in a folder named like a release.

    Each track is a tone over a little noise: a pure tone compresses to a fraction of a real
    album's size, which TextBrain rightly takes for a fake lossless release.
    """
    folder = parent / f"{ARTIST} - {ALBUM} ({YEAR}) [FLAC]"
    folder.mkdir(parents=True)
    for number, title in enumerate(TRACKS, 1):
        tags = {"artist": ARTIST, "album": ALBUM, "title": title, "track": str(number),
                "date": str(YEAR)}
        ffmpeg("-f", "lavfi", "-i",
               f"aevalsrc='0.4*sin(2*PI*{220 * number}*t)+0.2*(random(0)-0.5)'"
               f":s=44100:d={TRACK_SECS}",
               "-ac", "2", "-c:a", "flac",
               *[a for k, v in tags.items() for a in ("-metadata", f"{k}={v}")],
               str(folder / f"{number:02d} - {title}.flac"))
    ffmpeg("-f", "lavfi", "-i", "color=c=teal:s=400x400:d=1", "-frames:v", "1",
           str(folder / "cover.jpg"))
    return folder


def make_movie(parent: Path) -> Path:
    """A release folder holding one mkv: h264 test pattern, English and French audio,
    English and German SubRip subtitles."""
    folder = parent / MOVIE_RELEASE
    folder.mkdir(parents=True)
    subs = parent / "subs"
    subs.mkdir()
    for lang, text in (("eng", "A demo, in English"), ("ger", "Eine Demo, auf Deutsch")):
        (subs / f"{lang}.srt").write_text(f"1\n00:00:01,000 --> 00:00:04,000\n{text}\n\n")
    ffmpeg("-f", "lavfi", "-i", f"testsrc=size=640x360:rate=25:duration={MOVIE_SECS}",
           "-f", "lavfi", "-i", f"sine=frequency=440:sample_rate=48000:duration={MOVIE_SECS}",
           "-f", "lavfi", "-i", f"sine=frequency=660:sample_rate=48000:duration={MOVIE_SECS}",
           "-i", str(subs / "eng.srt"), "-i", str(subs / "ger.srt"),
           "-map", "0:v", "-map", "1:a", "-map", "2:a", "-map", "3:s", "-map", "4:s",
           # Under 300 MB a file is no plausible movie to the matcher: constant 420 Mbit/s
           # (x264 pads with filler data, cheap to encode) makes it ~315 MB in 6 s.
           "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", "-b:v", "420M",
           "-minrate", "420M", "-maxrate", "420M", "-bufsize", "40M",
           "-x264-params", "nal-hrd=cbr:force-cfr=1", "-c:a", "aac",
           "-c:s", "srt", "-metadata:s:a:0", "language=eng", "-metadata:s:a:1",
           "language=fre", "-metadata:s:s:0", "language=eng", "-metadata:s:s:1",
           "language=ger", str(folder / f"{MOVIE_RELEASE}.mkv"))
    return folder


def movie_body(media: Path) -> dict[str, Any]:
    dest = media / "movies" / f"{MOVIE} ({YEAR})" / f"{MOVIE} ({YEAR}).mp4"
    return {
        "priority": 100,
        "query_context": {"expected": "movie", "title": MOVIE, "year": YEAR},
        "items": [{"item_id": "main", "kind": "video", "name": MOVIE,
                   "duration_secs": MOVIE_SECS, "dest_path": str(dest)}],
        "constraints": {"format": "mp4", "video_codec": "copy", "audio_languages": ["eng"],
                        "subtitle_languages": ["eng"], "extract_subtitles": True},
    }


def check_movie(ticket: dict[str, Any]) -> list[str]:
    """The placed movie: h264 remuxed to mp4, English audio and subtitles, its .srt."""
    from workers.media import probe

    problems = []
    placed = [Path(f["dest_path"]) for f in ticket["state_payload"].get("files", [])]
    videos = [p for p in placed if p.suffix == ".mp4"]
    if len(videos) != 1 or not videos[0].is_file():
        return [f"expected one mp4 among {placed}"]
    info = probe(videos[0])
    audio = [s.language for s in info.of_kind("audio")]
    subtitles = [s.language for s in info.of_kind("subtitle")]
    if (info.codec, audio, subtitles) != ("h264", ["eng"], ["eng"]):
        problems.append(f"{videos[0]}: {info.codec}, audio {audio}, subtitles {subtitles}")
    srt = videos[0].with_name(f"{videos[0].stem}.eng.srt")
    if not srt.is_file() or "A demo, in English" not in srt.read_text():
        problems.append(f"{srt} is missing or wrong")
    return problems


class OnePeerTracker:
    """An HTTP tracker that answers every announce with one peer: the demo's seeder."""

    def __init__(self, peer_port: int) -> None:
        peer = bytes([127, 0, 0, 1]) + peer_port.to_bytes(2, "big")
        answer = encode({b"interval": 30, b"peers": peer})

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                self.send_response(200)
                self.send_header("Content-Type", "text/plain")
                self.send_header("Content-Length", str(len(answer)))
                self.end_headers()
                self.wfile.write(answer)

            def log_message(self, format: str, *args: object) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self._server.serve_forever, daemon=True).start()

    @property
    def announce_url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}/announce"

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()


class Seeder:
    """An in-process libtorrent session seeding from disk on 127.0.0.1 only."""

    def __init__(self) -> None:
        import libtorrent as lt

        self._lt = lt
        self.session = lt.session({
            "listen_interfaces": "127.0.0.1:0", "outgoing_interfaces": "127.0.0.1",
            "enable_dht": False, "enable_lsd": False, "enable_upnp": False,
            "enable_natpmp": False, "allow_multiple_connections_per_ip": True,
            "enable_outgoing_utp": False, "enable_incoming_utp": False, "alert_mask": 0})

    @property
    def port(self) -> int:
        return int(self.session.listen_port())

    def seed(self, torrent: bytes, data_dir: Path) -> None:
        params = self._lt.add_torrent_params()
        params.ti = self._lt.torrent_info(torrent)
        params.save_path = str(data_dir)
        handle = self.session.add_torrent(params)
        deadline = time.monotonic() + 30
        while not handle.status().is_seeding:
            if time.monotonic() > deadline:
                raise RuntimeError("the demo seeder did not finish checking its files")
            time.sleep(0.05)

    def stop(self) -> None:
        self.session.pause()
        del self.session


def write_config(home: Path, indexer_url: str, api_key: str) -> Path:
    media = home / "media"
    media.mkdir(parents=True, exist_ok=True)
    path = home / "config.toml"
    path.write_text(f"""
[auth]
method = "api_key"
[[auth.keys]]
key = "{api_key}"
user_id = "demo"
admin = true

[server]
host = "127.0.0.1"
port = 0

[local]
data_dir = "data"
run_agent = true

[placement]
allowed_roots = ["{media}"]

[searcher]
backend = "jackett"
url = "{indexer_url}"
api_key = "{INDEXER_KEY}"
min_interval_secs = 0.0
timeout_secs = 5.0

[torrent_client]
kind = "libtorrent"
download_dir = "data/downloads"
state_dir = "data/torrent-state"
stall_timeout_secs = 60
# The demo's swarm is on 127.0.0.1: no DHT routers, LSD or UPnP (the defaults reach out).
interface = "127.0.0.1"
listen_port = 0
dht = false
lsd = false
port_forwarding = false

[orchestrator]
heartbeat_timeout_secs = 60

[agent]
work_dir = "data/agent"
poll_wait_secs = 1
progress_interval_secs = 0.5
seeding_check_secs = 5.0
""")
    return path


def api(base: str, key: str, method: str, path: str, body: Any = None) -> Any:
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(base + path, data=data, method=method,
                                     headers={"X-API-Key": key,
                                              "Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=30) as answer:
            return json.loads(answer.read() or b"null")
    except urllib.error.HTTPError as exc:
        raise RuntimeError(f"{method} {path}: HTTP {exc.code} {exc.read()[:500]!r}") from None


def ticket_body(media: Path) -> dict[str, Any]:
    dest = media / "music" / ARTIST / ALBUM
    return {
        "priority": 100, "request_scope": "full_album",
        "search": {"artist": ARTIST, "album": ALBUM, "year": YEAR},
        "tracks": [{"catalog_track_id": f"t{n}", "disc_number": 1, "track_number": n,
                    "name": title, "duration_secs": TRACK_SECS,
                    "dest_path": f"{dest}/{n:02d} - {title}.ogg"}
                   for n, title in enumerate(TRACKS, 1)],
        "images": [{"catalog_image_id": "cover", "dest_path": f"{dest}/cover.jpg"}],
        "constraints": {"format": "ogg_vorbis", "bitrate_kbps": 320, "embed_cover": True},
        "metadata_to_embed": {"artist": ARTIST, "album": ALBUM, "year": YEAR,
                              "genre": "Demo"},
    }


def follow(base: str, key: str, ticket_id: str, started: float) -> dict[str, Any]:
    """Poll the ticket, printing each state change, until it reaches a terminal state."""
    seen = 0
    last_pct = None
    deadline = time.monotonic() + TIMEOUT_SECS
    while time.monotonic() < deadline:
        ticket: dict[str, Any] = api(base, key, "GET", f"/api/v1/ticket/{ticket_id}")
        for step in ticket["history"][seen:]:
            print(f"[{time.monotonic() - started:6.2f}s] {step['from_state'] or '-':>15} -> "
                  f"{step['to_state']:<15} {step['reason']}", flush=True)
        seen = len(ticket["history"])
        pct = ticket["state_payload"].get("progress_pct")
        if pct is not None and pct != last_pct and ticket["state"] in ("downloading",
                                                                       "converting"):
            print(f"           {ticket['state']} {pct:.0f}%", flush=True)
            last_pct = pct
        if ticket["state"] in TERMINAL:
            return ticket
        time.sleep(0.2)
    raise TimeoutError(f"ticket {ticket_id} did not finish in {TIMEOUT_SECS}s")


def check_files(ticket: dict[str, Any]) -> list[str]:
    """Problems with the placed files: missing, wrong codec, wrong tags."""
    from workers.media import probe, read_tags

    problems = []
    for placed in ticket["state_payload"].get("files", []):
        dest = Path(placed["dest_path"])
        if not dest.is_file():
            problems.append(f"{dest} is missing")
            continue
        if dest.suffix != ".ogg":
            continue
        codec = probe(dest).codec
        tags = read_tags(dest)
        number = int(dest.name[:2])
        expected = (TRACKS[number - 1], ARTIST, ALBUM, number)
        if codec != "vorbis":
            problems.append(f"{dest}: codec {codec}, expected vorbis")
        if (tags.title, tags.artist, tags.album, tags.track_number) != expected:
            problems.append(f"{dest}: tags {tags} do not match the ticket")
    return problems


def main() -> int:
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    if "--verbose" in sys.argv:
        logging.getLogger("quentin").setLevel(logging.INFO)
    started = time.monotonic()
    home = Path(tempfile.mkdtemp(prefix="quentin-demo-"))
    seeder = Seeder()
    tracker = OnePeerTracker(seeder.port)
    stack: LocalStack | None = None
    indexer: TorznabServer | None = None
    movie = "--kind" in sys.argv and sys.argv[sys.argv.index("--kind") + 1:][:1] == ["movie"]
    try:
        content = make_movie(home / "seed") if movie else make_album(home / "seed")
        torrent = make_torrent(content, [tracker.announce_url], piece_length=1 << 15)
        seeder.seed(torrent, content.parent)
        what = "movie (mkv, 2 audio, 2 subtitle tracks)" if movie else \
            f"album ({len(TRACKS)} FLAC tracks + cover)"
        print(f"[{time.monotonic() - started:6.2f}s] {what} generated and seeded on "
              f"127.0.0.1:{seeder.port}", flush=True)
        categories = (2000, 2040) if movie else (3000, 3040)
        release = LocalRelease(content.name, categories, seeders=25, peers=26, torrent=torrent)
        indexer = TorznabServer([release], api_key=INDEXER_KEY).start()
        api_key = "demo-" + secrets.token_hex(16)
        config_path = write_config(home, indexer.url, api_key)
        stack = LocalStack(load_config(config_path), home)
        stack.start()
        print(f"[{time.monotonic() - started:6.2f}s] local stack up at {stack.url} "
              f"(agent inside, indexer {indexer.url})", flush=True)
        body = movie_body(home / "media") if movie else ticket_body(home / "media")
        created = api(stack.url, api_key, "POST", "/api/v1/ticket", body)
        ticket = follow(stack.url, api_key, created["ticket_id"], started)
        check = check_movie if movie else check_files
        problems = check(ticket) if ticket["state"] == "completed" else []
        for problem in problems:
            print(f"PROBLEM: {problem}", file=sys.stderr)
        files = [f["dest_path"] for f in ticket["state_payload"].get("files", [])]
        print(f"[{time.monotonic() - started:6.2f}s] done: {ticket['state']}, "
              f"{len(files)} files, every file checked with ffprobe"
              if not problems else "files do not match", flush=True)
        print(json.dumps({"ticket_id": ticket["ticket_id"], "state": ticket["state"],
                          "files": files}), flush=True)
        return 0 if ticket["state"] == "completed" and not problems else 1
    finally:
        if stack is not None:
            stack.stop()
        if indexer is not None:
            indexer.stop()
        tracker.stop()
        seeder.stop()
        shutil.rmtree(home / "data" / "downloads", ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
