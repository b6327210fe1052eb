"""Run a loopback swarm seeding a generated album until interrupted (for demos).

    .venv/bin/python -m tests.support.swarm_demo [--workdir DIR] [--no-tracker]

Prints one JSON line with the magnet, the .torrent path, the seeder's peer address and the
tracker's announce URL, then seeds until SIGINT/SIGTERM and stops everything it started.
"""

from __future__ import annotations

import argparse
import json
import signal
import tempfile
import threading
from pathlib import Path

from local.torrent_maker import MadeTorrent
from tests.support.sample_content import make_album
from tests.support.swarm import OpentrackerProcess, QbittorrentProcess


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workdir", type=Path, help="where to put data and profiles")
    parser.add_argument("--no-tracker", action="store_true", help="trackerless (use add_peer)")
    args = parser.parse_args(argv)
    workdir: Path = args.workdir or Path(tempfile.mkdtemp(prefix="quentin-swarm-"))
    seed_dir = workdir / "seed"
    album_dir = make_album(seed_dir)
    info_hash = MadeTorrent.build(album_dir).info_hash

    stop = threading.Event()
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, lambda *_: stop.set())

    tracker = (
        None if args.no_tracker else OpentrackerProcess.start(workdir / "tracker", [info_hash])
    )
    try:
        album = MadeTorrent.build(album_dir, announce=tracker.announce_url if tracker else None)
        torrent_path = workdir / f"{album.name}.torrent"
        torrent_path.write_bytes(album.torrent_bytes)
        with QbittorrentProcess.start(workdir / "seeder", save_dir=seed_dir) as seeder:
            seeder.seed(album.torrent_bytes, seed_dir)
            trackers = (tracker.announce_url,) if tracker else ()
            print(
                json.dumps(
                    {
                        "info_hash": album.info_hash,
                        "magnet": album.magnet(trackers),
                        "torrent": str(torrent_path),
                        "files": list(album.files),
                        "seeder_peer": seeder.peer_address,
                        "seeder_webui": seeder.url,
                        "tracker": tracker.announce_url if tracker else None,
                    }
                ),
                flush=True,
            )
            stop.wait()
    finally:
        if tracker:
            tracker.stop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
