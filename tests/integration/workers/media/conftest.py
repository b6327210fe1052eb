"""Real media made with ffmpeg's lavfi sources, shared by the media integration tests."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

FFMPEG = ["ffmpeg", "-nostdin", "-hide_banner", "-loglevel", "error", "-y"]

# make test installs them: without them these tests must fail, not vanish as skips.
assert shutil.which("ffmpeg") and shutil.which("ffprobe"), "ffmpeg/ffprobe not installed"


def make_media(path: Path, *args: str) -> Path:
    subprocess.run([*FFMPEG, *args, str(path)], check=True, stdin=subprocess.DEVNULL)
    return path


@pytest.fixture(scope="session")
def media_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("media")


@pytest.fixture(scope="session")
def flac_44k(media_dir: Path) -> Path:
    """5 s, 44.1 kHz, 16-bit stereo."""
    return make_media(media_dir / "sine-44k.flac", "-f", "lavfi", "-i",
                      "sine=frequency=440:sample_rate=44100:duration=5",
                      "-ac", "2", "-sample_fmt", "s16", "-c:a", "flac")


@pytest.fixture(scope="session")
def flac_96k_24bit(media_dir: Path) -> Path:
    """3 s, 96 kHz, 24-bit stereo."""
    return make_media(media_dir / "sine-96k-24.flac", "-f", "lavfi", "-i",
                      "sine=frequency=1000:sample_rate=96000:duration=3",
                      "-ac", "2", "-sample_fmt", "s32", "-bits_per_raw_sample", "24",
                      "-c:a", "flac")


@pytest.fixture(scope="session")
def long_flac(media_dir: Path) -> Path:
    """15 minutes of mono sine: long enough that a conversion is still running when cancelled."""
    return make_media(media_dir / "long.flac", "-f", "lavfi", "-i",
                      "sine=frequency=440:sample_rate=44100:duration=900", "-c:a", "flac")


@pytest.fixture(scope="session")
def video_mkv(media_dir: Path) -> Path:
    """2 s of 320x240 H.264 with an AAC track, in Matroska."""
    return make_media(media_dir / "testsrc.mkv",
                      "-f", "lavfi", "-i", "testsrc=size=320x240:rate=25:duration=2",
                      "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000:duration=2",
                      "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p",
                      "-c:a", "aac", "-shortest")


@pytest.fixture(scope="session")
def cover_png(media_dir: Path) -> bytes:
    path = make_media(media_dir / "cover.png", "-f", "lavfi", "-i",
                      "color=c=red:size=32x32", "-frames:v", "1")
    return path.read_bytes()


@pytest.fixture(scope="session")
def cover_jpeg(media_dir: Path) -> bytes:
    path = make_media(media_dir / "cover.jpg", "-f", "lavfi", "-i",
                      "color=c=blue:size=32x32", "-frames:v", "1")
    return path.read_bytes()


@pytest.fixture(scope="session")
def movie_mkv(media_dir: Path) -> Path:
    """2 s of MPEG-2 video (mkv carries it, mp4 gets h264 instead)
    with English and French audio and English and German SubRip subtitles."""
    subs = media_dir / "subs"
    subs.mkdir(exist_ok=True)
    for lang, text in (("eng", "Hello there"), ("ger", "Hallo")):
        (subs / f"{lang}.srt").write_text(f"1\n00:00:00,200 --> 00:00:01,500\n{text}\n\n")
    return make_media(
        media_dir / "movie.mkv",
        "-f", "lavfi", "-i", "testsrc=size=320x240:rate=25:duration=2",
        "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000:duration=2",
        "-f", "lavfi", "-i", "sine=frequency=660:sample_rate=48000:duration=2",
        "-i", str(subs / "eng.srt"), "-i", str(subs / "ger.srt"),
        "-map", "0:v", "-map", "1:a", "-map", "2:a", "-map", "3:s", "-map", "4:s",
        "-c:v", "mpeg2video", "-c:a", "aac", "-c:s", "srt",
        "-metadata:s:a:0", "language=eng", "-metadata:s:a:1", "language=fre",
        "-metadata:s:s:0", "language=eng", "-metadata:s:s:1", "language=ger")
