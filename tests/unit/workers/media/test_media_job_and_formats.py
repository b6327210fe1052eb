"""ConversionJob validation, format parsing and ffprobe report parsing."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from workers.media.errors import InvalidMediaRequest, ProbeError
from workers.media.formats import OutputFormat, VideoCodec
from workers.media.job import ConversionJob
from workers.media.probe import parse_ffprobe_report


@pytest.mark.parametrize(("field", "value", "message"), [
    ("bitrate_kbps", 0, "bitrate_kbps"), ("sample_rate_hz", -1, "sample_rate_hz"),
    ("bit_depth", 20, "bit_depth"), ("vbr_quality", 12, "vbr_quality"),
    ("expected_duration_secs", 0.0, "expected_duration_secs")])
def test_bad_job_fields_are_named(field: str, value: Any, message: str) -> None:
    with pytest.raises(InvalidMediaRequest, match=message):
        ConversionJob(Path("/a.flac"), Path("/b.mp3"), OutputFormat.MP3, **{field: value})


def test_vbr_is_only_for_mp3_and_video_codec_only_for_video() -> None:
    with pytest.raises(InvalidMediaRequest, match="vbr"):
        ConversionJob(Path("/a"), Path("/b"), OutputFormat.OPUS, vbr=True)
    with pytest.raises(InvalidMediaRequest, match="video_codec"):
        ConversionJob(Path("/a"), Path("/b"), OutputFormat.FLAC, video_codec=VideoCodec.H264)


def test_output_must_differ_from_source() -> None:
    with pytest.raises(InvalidMediaRequest, match="output"):
        ConversionJob(Path("/a"), Path("/a"), OutputFormat.FLAC)


def test_format_strings_parse_and_unknown_ones_list_the_choices() -> None:
    assert OutputFormat.parse(" OGG_Vorbis ") is OutputFormat.OGG_VORBIS
    assert VideoCodec.parse("x265") is VideoCodec.HEVC
    with pytest.raises(ValueError, match="copy, h264, hevc, av1, vp9"):
        VideoCodec.parse("theora")


def test_the_agent_knows_every_video_codec_the_api_accepts() -> None:
    from chalicelib.domain.validation import VIDEO_CODECS

    assert VideoCodec.parse("copy") is None  # keep the source's stream
    assert {VideoCodec.parse(name) for name in VIDEO_CODECS} == {None, *VideoCodec}
    assert {c.value for c in VideoCodec} == set(VIDEO_CODECS) - {"copy"}
    with pytest.raises(ValueError, match="ogg_vorbis, opus"):
        OutputFormat.parse("wma")


def test_ffprobe_report_is_parsed_into_typed_streams() -> None:
    report = {
        "format": {"format_name": "flac", "duration": "3.000000", "bit_rate": "2400000"},
        "streams": [
            {"index": 0, "codec_type": "audio", "codec_name": "flac", "sample_rate": "96000",
             "channels": 2, "bits_per_raw_sample": "24", "sample_fmt": "s32"},
            {"index": 1, "codec_type": "video", "codec_name": "mjpeg", "width": 500,
             "height": 500, "disposition": {"attached_pic": 1}},
        ],
    }
    info = parse_ffprobe_report(Path("/x.flac"), report)

    assert (info.codec, info.sample_rate_hz, info.channels, info.bit_depth) == \
        ("flac", 96000, 2, 24)
    assert info.duration_secs == 3.0 and info.bitrate_bps == 2400000
    assert info.video is None  # a cover picture is not video
    assert info.streams[1].attached_picture


def test_bit_depth_falls_back_to_sample_format_and_is_none_for_lossy() -> None:
    report = {"format": {}, "streams": [
        {"index": 0, "codec_type": "audio", "codec_name": "pcm_s16le", "sample_fmt": "s16",
         "duration": "4.5"},
        {"index": 1, "codec_type": "audio", "codec_name": "mp3", "sample_fmt": "fltp"}]}
    info = parse_ffprobe_report(Path("/x.wav"), report)

    assert info.streams[0].bit_depth == 16 and info.streams[1].bit_depth is None
    assert info.duration_secs == 4.5


def test_report_without_streams_is_a_probe_error() -> None:
    with pytest.raises(ProbeError, match="no audio or video"):
        parse_ffprobe_report(Path("/x.txt"), {"format": {}, "streams": []})
