"""`make demo` end to end: a generated album found, downloaded, converted, tagged, placed."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

from mutagen.oggvorbis import OggVorbis

from tests.support.local_stack import REPO


def test_demo_completes_and_places_vorbis_files_with_tags() -> None:
    run = subprocess.run([sys.executable, "-m", "local.demo"], cwd=REPO, capture_output=True,
                         text=True, timeout=240)
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    result = json.loads(run.stdout.strip().splitlines()[-1])
    assert result["state"] == "completed"
    tracks = [Path(f) for f in result["files"] if f.endswith(".ogg")]
    assert len(tracks) == 5 and any(f.endswith("cover.jpg") for f in result["files"])
    for path in tracks:
        probe = subprocess.run(["ffprobe", "-v", "error", "-select_streams", "a:0",
                                "-show_entries", "stream=codec_name", "-of", "csv=p=0",
                                str(path)], capture_output=True, text=True, check=True)
        assert probe.stdout.strip() == "vorbis"
        tags = OggVorbis(path)
        assert tags["artist"] == ["Demo Artist"] and tags["album"] == ["Demo Album"]
    changes = [" ".join(m) for m in re.findall(r"(\S+) (->) (\S+)", run.stdout)]
    assert "acquiring -> auto_approved" in changes and "placing -> completed" in changes
    home = next(p for p in tracks[0].parents if p.name.startswith("quentin-demo-"))
    shutil.rmtree(home, ignore_errors=True)
