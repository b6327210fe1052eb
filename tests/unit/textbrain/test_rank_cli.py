"""`python -m chalicelib.textbrain rank`: the JSON-lines contract, in process and as a module."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from chalicelib.textbrain.__main__ import main

REPO_ROOT = Path(__file__).resolve().parents[3]
GB = 1_000_000_000
MOVIE_TICKET = {
    "search": {"expected": "movie", "title": "Heat", "year": 1995},
    "items": [{"item_id": "movie", "kind": "video", "dest_path": "/movies/heat.mkv"}],
}
ALBUM_TICKET = {
    "search": {"artist": "Radiohead", "album": "OK Computer", "year": 1997},
    "tracks": [
        {"catalog_track_id": f"t{n}", "track_number": n, "name": name,
         "dest_path": f"/music/{n:02d}.flac"}
        for n, name in enumerate(("Airbag", "Paranoid Android", "Karma Police"), start=1)
    ],
    "constraints": {"format": "flac"},
}


def _rank(*lines: Any, args: tuple[str, ...] = ()) -> tuple[int, list[dict[str, Any]]]:
    text = "\n".join(line if isinstance(line, str) else json.dumps(line) for line in lines)
    out = io.StringIO()
    status = main(["rank", *args], io.StringIO(text + "\n"), out)
    return status, [json.loads(line) for line in out.getvalue().splitlines()]


def test_ranks_candidates_and_points_into_the_input_order() -> None:
    status, [answer] = _rank({"ticket": MOVIE_TICKET, "candidates": [
        {"title": "Heat.1995.720p.HDTV.x264-GRP", "size": 4 * GB, "seeders": 3},
        {"title": "Heat.1995.1080p.BluRay.x264-AMIABLE", "size": 12 * GB, "seeders": 80},
        {"title": "Heat.1986.1080p.BluRay.x264-OTHER", "size": 9 * GB, "seeders": 40},
    ]})
    assert status == 0
    assert set(answer) == {"ranking", "recommended", "auto_approve", "confidence", "scores",
                           "reasons"}
    assert answer["ranking"][0] == 1 and answer["ranking"][-1] == 2
    assert sorted(answer["ranking"]) == [0, 1, 2]
    assert answer["recommended"] == 1
    assert answer["auto_approve"] is True
    assert answer["confidence"] == answer["scores"][1]
    assert answer["scores"][2] == 0.0  # another film of that name: rejected
    assert any("1986" in reason for reason in answer["reasons"][2])
    assert all(isinstance(r, list) and r for r in answer["reasons"])


def test_file_lists_are_used() -> None:
    tracks = ["01 - Airbag.flac", "02 - Paranoid Android.flac", "03 - Karma Police.flac"]
    good = [{"path": f"Radiohead - OK Computer/{t}", "size": 30_000_000} for t in tracks]
    title = "Radiohead - OK Computer (1997) [FLAC]"
    _, [clean] = _rank({"ticket": ALBUM_TICKET, "candidates": [
        {"title": title, "size": 90_000_000, "seeders": 9, "files": good},
        {"title": title, "size": 60_000_000, "seeders": 90, "files": good[:2]},
    ]})
    assert clean["ranking"] == [0, 1]
    assert clean["auto_approve"] is True
    assert clean["scores"][1] == 0.0
    assert any("Karma Police" in reason for reason in clean["reasons"][1])


def test_file_lists_are_used_and_dangerous_files_never_auto_approve() -> None:
    tracks = ["01 - Airbag.flac", "02 - Paranoid Android.flac", "03 - Karma Police.flac"]
    good = [{"path": f"Radiohead - OK Computer/{t}", "size": 30_000_000} for t in tracks]
    bad = [*good, {"path": "Radiohead - OK Computer/Setup.exe", "size": 300_000}]
    status, [answer] = _rank({"ticket": ALBUM_TICKET, "candidates": [
        {"title": "Radiohead - OK Computer (1997) [FLAC]", "size": 91_000_000, "seeders": 900,
         "files": bad},
    ]})
    assert status == 0
    assert answer["recommended"] in (0, None)
    assert answer["auto_approve"] is False
    _, [clean] = _rank({"ticket": ALBUM_TICKET, "candidates": [
        {"title": "Radiohead - OK Computer (1997) [FLAC]", "size": 90_000_000, "seeders": 9,
         "files": good},
    ]})
    assert clean["auto_approve"] is True


def test_no_candidates_recommends_nothing() -> None:
    status, [answer] = _rank({"ticket": MOVIE_TICKET, "candidates": []})
    assert status == 0
    assert answer == {"ranking": [], "recommended": None, "auto_approve": False,
                      "confidence": 0.0, "scores": [], "reasons": []}


def test_bad_lines_get_an_error_naming_the_field_and_the_rest_still_ranks() -> None:
    bad_ticket = {"ticket": {"search": {"expected": "movie", "year": "soon"}, "items": []},
                  "candidates": []}
    bad_candidate = {"ticket": MOVIE_TICKET, "candidates": [{"title": "Heat", "size": -1,
                                                             "files": [{"path": "a.mkv"}]}]}
    status, answers = _rank("{not json", bad_ticket, bad_candidate, [1, 2],
                            {"ticket": MOVIE_TICKET, "candidates": [{"title": "Heat 1995"}]})
    assert status == 1
    assert len(answers) == 5
    assert answers[0]["line"] == 1 and answers[0]["fields"][0]["field"] == "line"
    fields = {f["field"] for f in answers[1]["fields"]}
    assert {"ticket.search.year", "ticket.search.title"} <= fields
    fields = {f["field"] for f in answers[2]["fields"]}
    assert fields == {"candidates[0].size", "candidates[0].files[0].size"}
    assert answers[3]["fields"] == [{"field": "line", "message": "must be a JSON object"}]
    assert answers[4]["ranking"] == [0]


def test_threshold_option_changes_auto_approval() -> None:
    line = {"ticket": MOVIE_TICKET, "candidates": [
        {"title": "Heat.1995.1080p.BluRay.x264-AMIABLE", "size": 12 * GB, "seeders": 80}]}
    _, [default] = _rank(line)
    _, [strict] = _rank(line, args=("--threshold", "1.0"))
    assert default["auto_approve"] is True
    assert strict["auto_approve"] is False
    assert strict["recommended"] == 0


def test_runs_as_a_module() -> None:
    line = json.dumps({"ticket": MOVIE_TICKET, "candidates": [{"title": "Heat.1995.1080p"}]})
    done = subprocess.run(
        [sys.executable, "-m", "chalicelib.textbrain", "rank"], input=line + "\n",
        capture_output=True, text=True, cwd=REPO_ROOT, timeout=60, check=False,
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["ranking"] == [0]


def test_config_file_supplies_threshold_and_preferences(tmp_path: Path) -> None:
    config = tmp_path / "config.toml"
    config.write_text('[textbrain]\nauto_approve_threshold = 1.0\n'
                      'preferred_video_codecs = ["hevc"]\navoided_release_groups = ["AMIABLE"]\n')
    line = {"ticket": MOVIE_TICKET, "candidates": [
        {"title": "Heat.1995.1080p.BluRay.x264-AMIABLE", "size": 12 * GB, "seeders": 80},
        {"title": "Heat.1995.1080p.BluRay.x265-GECKOS", "size": 6 * GB, "seeders": 8},
    ]}
    _, [plain] = _rank(line)
    _, [configured] = _rank(line, args=("--config", str(config)))
    assert plain["ranking"] == [0, 1] and plain["auto_approve"]
    assert configured["ranking"] == [1, 0] and not configured["auto_approve"]
    bad = tmp_path / "bad.toml"
    bad.write_text('[textbrain]\npreferred_resolutions = ["1080i"]\n')
    with pytest.raises(SystemExit, match="preferred_resolutions"):
        _rank(line, args=("--config", str(bad)))
