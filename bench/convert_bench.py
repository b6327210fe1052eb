"""Serial vs parallel conversion: 8 generated 60-second FLAC files to ogg_vorbis.

Run: .venv/bin/python bench/convert_bench.py [--files 8] [--seconds 60] [--workers N]
Prints both wall-clock timings and the speed-up.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from workers.media.batch import convert_all
from workers.media.formats import OutputFormat
from workers.media.job import ConversionJob


def make_sources(folder: Path, count: int, seconds: int) -> list[Path]:
    sources = []
    for index in range(count):
        path = folder / f"track-{index:02}.flac"
        subprocess.run(
            [
                "ffmpeg",
                "-nostdin",
                "-hide_banner",
                "-loglevel",
                "error",
                "-y",
                "-f",
                "lavfi",
                "-i",
                f"sine=frequency={220 + 55 * index}:sample_rate=44100:duration={seconds}",
                "-ac",
                "2",
                "-c:a",
                "flac",
                str(path),
            ],
            check=True,
        )
        sources.append(path)
    return sources


def timed_run(sources: list[Path], out: Path, workers: int) -> float:
    out.mkdir()
    jobs = [
        ConversionJob(src, out / f"{src.stem}.ogg", OutputFormat.OGG_VORBIS, bitrate_kbps=320)
        for src in sources
    ]
    started = time.monotonic()
    outcomes = convert_all(jobs, max_workers=workers)
    elapsed = time.monotonic() - started
    failed = [o for o in outcomes if not o.ok]
    if failed:
        raise SystemExit(f"{len(failed)} conversions failed: {failed[0].error}")
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--files", type=int, default=8)
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="convert-bench-") as tmp:
        folder = Path(tmp)
        sources = make_sources(folder, args.files, args.seconds)
        serial = timed_run(sources, folder / "serial", 1)
        parallel = timed_run(sources, folder / "parallel", args.workers)
    print(f"{args.files} x {args.seconds} s FLAC -> ogg_vorbis (320 kbps -> q9)")
    print(f"serial   (1 worker):  {serial:6.2f} s")
    print(f"parallel ({args.workers} workers): {parallel:6.2f} s")
    print(f"speed-up: {serial / parallel:.2f}x on {os.cpu_count()} CPUs")


if __name__ == "__main__":
    main()
