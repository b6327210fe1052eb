"""Tags and cover art round-trip through real files of every taggable format."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from workers.media.converter import Converter
from workers.media.errors import TaggingError
from workers.media.formats import OutputFormat, spec_of
from workers.media.job import ConversionJob
from workers.media.probe import probe
from workers.media.tagger import TrackTags, read_cover, read_tags, tag_file

TAGGABLE = [OutputFormat.OGG_VORBIS, OutputFormat.OPUS, OutputFormat.MP3, OutputFormat.AAC,
            OutputFormat.FLAC, OutputFormat.ALAC]
CODECS = {OutputFormat.OGG_VORBIS: "vorbis", OutputFormat.OPUS: "opus", OutputFormat.MP3: "mp3",
          OutputFormat.AAC: "aac", OutputFormat.FLAC: "flac", OutputFormat.ALAC: "alac"}
FULL_TAGS = TrackTags(title="Señor Sine — 440", artist="The Oscillators",
                      album="Lavfi Sessions", album_artist="Various Artists",
                      track_number=3, track_total=12, disc_number=1, disc_total=2,
                      date="2021", genre="Test Tone")


@pytest.fixture(scope="module")
def converted(flac_44k: Path,
              tmp_path_factory: pytest.TempPathFactory) -> dict[OutputFormat, Path]:
    work = tmp_path_factory.mktemp("tagged")
    converter = Converter()
    outputs = {}
    for fmt in TAGGABLE:
        job = ConversionJob(flac_44k, work / f"track.{fmt.value}.{spec_of(fmt).extension}", fmt)
        outputs[fmt] = converter.convert(job).job.output
    return outputs


Fresh = Callable[[OutputFormat], Path]


@pytest.fixture
def fresh(converted: dict[OutputFormat, Path], tmp_path: Path) -> Fresh:
    """A private copy of the converted file, so tests do not see each other's tags."""
    def copy(fmt: OutputFormat) -> Path:
        target = tmp_path / converted[fmt].name
        target.write_bytes(converted[fmt].read_bytes())
        return target
    return copy


@pytest.mark.parametrize("fmt", TAGGABLE)
def test_tags_and_cover_round_trip(fresh: Fresh, fmt: OutputFormat, cover_jpeg: bytes) -> None:
    path = fresh(fmt)

    tag_file(path, FULL_TAGS, cover_jpeg, "image/jpeg")

    assert read_tags(path) == FULL_TAGS
    cover = read_cover(path)
    assert cover is not None and cover.data == cover_jpeg and cover.mime == "image/jpeg"
    assert probe(path).codec == CODECS[fmt]  # still readable media after tagging


@pytest.mark.parametrize("fmt", [OutputFormat.FLAC, OutputFormat.MP3, OutputFormat.AAC,
                                 OutputFormat.OPUS])
def test_png_cover_replaces_previous_cover(fresh: Fresh, fmt: OutputFormat, cover_jpeg: bytes,
                                           cover_png: bytes) -> None:
    path = fresh(fmt)
    tag_file(path, TrackTags(title="first"), cover_jpeg, "image/jpeg")

    tag_file(path, TrackTags(), cover_png, "image/png")

    cover = read_cover(path)
    assert cover is not None and (cover.data, cover.mime) == (cover_png, "image/png")
    assert read_tags(path).title == "first"  # fields not given are left alone


@pytest.mark.parametrize("fmt", [OutputFormat.MP3, OutputFormat.ALAC, OutputFormat.OGG_VORBIS])
def test_partial_update_keeps_the_other_half_of_a_pair(fresh: Fresh, fmt: OutputFormat) -> None:
    path = fresh(fmt)
    tag_file(path, TrackTags(track_number=4, track_total=10))

    tag_file(path, TrackTags(track_number=5))

    tags = read_tags(path)
    assert (tags.track_number, tags.track_total) == (5, 10)


def test_unsupported_cover_type_is_refused(fresh: Fresh) -> None:
    path = fresh(OutputFormat.FLAC)
    with pytest.raises(TaggingError, match="cover_mime"):
        tag_file(path, FULL_TAGS, b"GIF89a", "image/gif")


def test_a_file_that_is_not_audio_is_a_tagging_error(tmp_path: Path) -> None:
    junk = tmp_path / "notes.txt"
    junk.write_text("not audio")
    with pytest.raises(TaggingError, match=r"notes\.txt"):
        tag_file(junk, FULL_TAGS)


def test_negative_track_number_is_refused() -> None:
    with pytest.raises(TaggingError, match="track_number"):
        TrackTags(track_number=-1)
