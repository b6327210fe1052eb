"""`python -m chalicelib.textbrain parse` run as a real subprocess."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[3]
KEYS = {
    "content_type",
    "artist",
    "album",
    "title",
    "year",
    "season",
    "seasons",
    "episode",
    "resolution",
    "source",
    "codec",
    "audio_format",
    "release_group",
    "edition",
    "is_discography",
    "red_flags",
    "air_date",
    "alternative_title",
}


def _run(args: list[str], stdin: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "chalicelib.textbrain", *args],
        input=stdin,
        capture_output=True,
        text=True,
        cwd=REPO_ROOT,
        timeout=60,
        check=False,
    )


def test_parse_writes_one_json_object_per_title_and_skips_blank_lines() -> None:
    titles = (
        "Series.Title.S07E22E23.720p.HDTV.X264-DIMENSION\n\n  \n"
        "David Bowie - Blackstar (2016) [FLAC]\n"
    )
    done = _run(["parse"], titles)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert len(lines) == 2
    tv, music = (json.loads(line) for line in lines)
    assert set(tv) == KEYS
    assert (tv["title"], tv["season"], tv["episode"], tv["resolution"]) == (
        "Series Title",
        7,
        [22, 23],
        "720p",
    )
    assert (music["artist"], music["album"], music["audio_format"]) == (
        "David Bowie",
        "Blackstar",
        "FLAC",
    )
    assert music["season"] is None and music["episode"] is None
    assert isinstance(music["edition"], list) and isinstance(music["red_flags"], list)


def test_single_episode_is_an_int() -> None:
    done = _run(["parse"], "Show.Name.S01E02.HDTV.XViD.Etc-Group\n")
    assert json.loads(done.stdout)["episode"] == 2


def test_bad_usage_exits_2_with_a_message() -> None:
    for args in ([], ["frobnicate"]):
        done = _run(args, "")
        assert done.returncode == 2
        assert "usage" in done.stderr
        assert done.stdout == ""


def test_a_multi_season_pack_lists_every_season_and_keeps_the_first_as_season() -> None:
    done = _run(["parse"], "Some.Show.COMPLETE.S01-S04.1080p.BluRay.x264-GRP\n")
    found = json.loads(done.stdout)
    assert (found["season"], found["seasons"], found["episode"]) == (1, [1, 2, 3, 4], None)
