"""Sample content for torrent tests: a small FLAC album made by ffmpeg, random big files."""

from __future__ import annotations

import hashlib
import shutil
import subprocess
from pathlib import Path

ALBUM_TRACKS = ("Track One", "Track Two", "Track Three", "Track Four", "Track Five")


def make_album(
    parent: Path,
    *,
    artist: str = "Test Artist",
    album: str = "Test Album",
    year: int = 2020,
    seconds: int = 3,
) -> Path:
    """Generate ``parent/<artist> - <album> (<year>) [FLAC]`` with sine FLAC tracks and a cover."""
    if shutil.which("ffmpeg") is None:
        raise RuntimeError("ffmpeg is not on PATH")
    album_dir = parent / f"{artist} - {album} ({year}) [FLAC]"
    album_dir.mkdir(parents=True, exist_ok=True)
    for number, title in enumerate(ALBUM_TRACKS, start=1):
        target = album_dir / f"{number:02d} - {title}.flac"
        tags = {
            "artist": artist,
            "album_artist": artist,
            "album": album,
            "title": title,
            "track": str(number),
            "date": str(year),
        }
        metadata = [arg for key, value in tags.items() for arg in ("-metadata", f"{key}={value}")]
        _ffmpeg(
            "-f",
            "lavfi",
            "-i",
            f"sine=frequency={110 * (number + 1)}:sample_rate=44100:duration={seconds}",
            "-ac",
            "2",
            "-c:a",
            "flac",
            *metadata,
            str(target),
        )
    _ffmpeg(
        "-f",
        "lavfi",
        "-i",
        "color=c=blue:s=500x500:d=1",
        "-frames:v",
        "1",
        str(album_dir / "cover.jpg"),
    )
    return album_dir


def _ffmpeg(*args: str) -> None:
    command = ["ffmpeg", "-nostdin", "-loglevel", "error", "-y", *args]
    result = subprocess.run(command, capture_output=True, check=False)
    if result.returncode != 0:
        raise RuntimeError(f"ffmpeg failed: {result.stderr.decode(errors='replace')}")


def make_random_file(path: Path, size: int, seed: int = 0) -> Path:
    """Write ``size`` reproducible pseudo-random bytes (incompressible) to ``path``."""
    path.parent.mkdir(parents=True, exist_ok=True)
    block = hashlib.sha512(str(seed).encode()).digest()
    with path.open("wb") as handle:
        written = 0
        counter = 0
        while written < size:
            chunk = _random_block(block, counter, min(1 << 20, size - written))
            handle.write(chunk)
            written += len(chunk)
            counter += 1
    return path


def _random_block(seed: bytes, counter: int, size: int) -> bytes:
    # shake_256 as a fast deterministic stream: the bytes only need to be distinct per piece.
    return hashlib.shake_256(seed + counter.to_bytes(8, "big")).digest(size)


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()
