"""EmbeddedSubtitles on a real MKV (ffmpeg) with English, French and a picture-less stream."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from chalicelib.domain.subtitles import SubtitleWanted, language
from workers.media.subtitles import EmbeddedSubtitles, subtitle_streams


def srt(path: Path, line: str) -> Path:
    path.write_text(f"1\n00:00:00,500 --> 00:00:01,500\n{line}\n\n", encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def video(tmp_path_factory: pytest.TempPathFactory) -> Path:
    d = tmp_path_factory.mktemp("subs")
    out = d / "movie.mkv"
    subprocess.run([
        "ffmpeg", "-nostdin", "-loglevel", "error", "-y",
        "-f", "lavfi", "-i", "testsrc=size=160x120:rate=10:duration=2",
        "-i", str(srt(d / "en-forced.srt", "[speaks Russian]")),
        "-i", str(srt(d / "en.srt", "Wake up, Neo.")),
        "-i", str(srt(d / "fr.srt", "Reveille-toi, Neo.")),
        "-map", "0", "-map", "1", "-map", "2", "-map", "3",
        "-c:v", "libx264", "-preset", "ultrafast", "-c:s", "srt",
        "-metadata:s:s:0", "language=eng", "-disposition:s:0", "forced",
        "-metadata:s:s:1", "language=eng", "-metadata:s:s:2", "language=fre",
        str(out)], check=True, capture_output=True)
    return out


def test_streams_are_listed_with_their_languages(video: Path) -> None:
    streams = subtitle_streams(video)
    assert [(s.index, s.codec, s.language, s.forced) for s in streams] == [
        (1, "subrip", "eng", True), (2, "subrip", "eng", False), (3, "subrip", "fre", False)]


def test_each_wanted_language_gets_its_full_stream_as_srt(video: Path) -> None:
    wanted = SubtitleWanted((language("en"), language("fr"), language("de")),
                            video_path=str(video))
    found = EmbeddedSubtitles().fetch(wanted)
    assert [(f.language.code, f.origin, f.source) for f in found] == [
        ("en", "stream 2", "embedded"), ("fr", "stream 3", "embedded")]
    assert b"Wake up, Neo." in found[0].data and b"00:00:00,500 --> " in found[0].data
    assert b"Reveille-toi" in found[1].data


def test_an_unreadable_file_yields_nothing(tmp_path: Path) -> None:
    broken = tmp_path / "broken.mkv"
    broken.write_bytes(b"not a video")
    assert EmbeddedSubtitles().fetch(SubtitleWanted((language("en"),),
                                                    video_path=str(broken))) == []
