from __future__ import annotations

from pathlib import Path

import pytest

from chalicelib.domain.stage_protocol import WorkFile
from workers.agent.media_plan import (
    PlanError,
    final_name,
    find_cover,
    image_mime,
    plan_items,
    track_tags,
)
from workers.media import OutputFormat


def track(n: int, **kw: object) -> WorkFile:
    return WorkFile(item_id=f"t{n}", kind="track", dest_path=f"/m/{n}.ogg", path=f"{n}.flac",
                    name=f"Song {n}", track_number=n, disc_number=1, duration_secs=30.0,
                    **kw)  # type: ignore[arg-type]


def test_tags_come_from_the_item_and_the_ticket_metadata() -> None:
    tags = track_tags(track(3), {"artist": "A", "album": "B", "year": 2001,
                                 "genre": ["Rock", "Pop"], "track_total": "12"})
    assert (tags.title, tags.artist, tags.album_artist, tags.track_number, tags.track_total,
            tags.disc_number, tags.date, tags.genre) == (
        "Song 3", "A", "A", 3, 12, 1, "2001", "Rock, Pop")


def test_a_bad_number_in_metadata_names_the_key() -> None:
    with pytest.raises(PlanError, match="disc_total"):
        track_tags(track(1), {"disc_total": "two"})


def test_plans_convert_tracks_copy_images_and_skip_unmapped(tmp_path: Path) -> None:
    cover = WorkFile(item_id="cover", kind="image", dest_path="/m/c.jpg", path="cover.jpg")
    unmapped = WorkFile(item_id="booklet", kind="image", dest_path="/m/b.jpg")
    sources = {"t1": tmp_path / "1.flac", "cover": tmp_path / "cover.jpg"}
    plans = plan_items([track(1), cover, unmapped], sources, tmp_path / "out",
                       {"format": "ogg_vorbis", "bitrate_kbps": 320}, {"artist": "A"}, 7)
    assert [p.work.item_id for p in plans] == ["t1", "cover"]
    job = plans[0].job
    assert job is not None and job.format is OutputFormat.OGG_VORBIS
    assert (job.bitrate_kbps, job.priority, job.expected_duration_secs) == (320, 7, 30.0)
    assert job.output.name == ".t1.partial" and plans[0].tags is not None
    assert plans[1].job is None and plans[1].copy_from == tmp_path / "cover.jpg"


def test_untagged_when_embed_metadata_is_false(tmp_path: Path) -> None:
    plans = plan_items([track(1)], {"t1": tmp_path / "1.flac"}, tmp_path,
                       {"format": "mp3", "embed_metadata": False}, {}, 0)
    assert plans[0].tags is None


def test_bad_constraints_are_named(tmp_path: Path) -> None:
    with pytest.raises(PlanError, match=r"constraints\.format"):
        plan_items([track(1)], {"t1": tmp_path / "x"}, tmp_path, {"format": "wav"}, {}, 0)
    with pytest.raises(PlanError, match="no downloaded file"):
        plan_items([track(1)], {}, tmp_path, {"format": "mp3"}, {}, 0)


def test_cover_prefers_a_mapped_front_image_then_a_file_beside_the_tracks(tmp_path: Path
                                                                          ) -> None:
    (tmp_path / "folder.jpg").write_bytes(b"\xff\xd8\xff")
    art = tmp_path / "art.png"
    art.write_bytes(b"\x89PNG\r\n\x1a\n")
    image = WorkFile(item_id="i", kind="image", dest_path="/m/i.png", path="art.png")
    assert find_cover([image], {"i": art}, [tmp_path]) == art
    assert find_cover([], {}, [tmp_path]) == tmp_path / "folder.jpg"
    assert find_cover([], {}, [tmp_path / "none"]) is None
    assert image_mime(b"\xff\xd8\xff\xe0") == "image/jpeg"
    assert image_mime(b"\x89PNG\r\n\x1a\nxx") == "image/png"
    assert image_mime(b"GIF89a") is None


def test_final_names_are_safe_and_carry_the_format_extension() -> None:
    assert final_name("../t 1", OutputFormat.OPUS, Path("a.flac")) == "_t_1.opus"
    assert final_name("c", OutputFormat.ORIGINAL, Path("cover.jpg")) == "c.jpg"
