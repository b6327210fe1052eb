"""Pure rules of the encoding plan: rates, depths, bitrate clamps, what gets recorded."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

import pytest

from workers.media.encoding_plan import EncodingPlan, plan_encoding
from workers.media.errors import InvalidMediaRequest
from workers.media.formats import OutputFormat, VideoCodec
from workers.media.job import ConversionJob
from workers.media.probe import MediaInfo, StreamInfo


def source(rate: int = 44100, channels: int = 2, depth: int | None = 16,
           codec: str = "flac", video: str | None = None, subtitles: bool = False) -> MediaInfo:
    streams = []
    if video:
        streams.append(StreamInfo(index=0, kind="video", codec=video, width=320, height=240))
    streams.append(StreamInfo(index=len(streams), kind="audio", codec=codec,
                              sample_rate_hz=rate, channels=channels, bit_depth=depth))
    if subtitles:
        streams.append(StreamInfo(index=len(streams), kind="subtitle", codec="subrip"))
    return MediaInfo(Path("/in/src"), "flac", 200.0, None, tuple(streams))


def plan(fmt: OutputFormat, src: MediaInfo | None = None, **constraints: Any) -> EncodingPlan:
    job = ConversionJob(Path("/in/src"), Path("/out/x"), fmt, **constraints)
    return plan_encoding(job, src or source())


def arg(p: EncodingPlan, flag: str) -> str | None:
    args = list(p.args)
    return args[args.index(flag) + 1] if flag in args else None


@pytest.mark.parametrize("fmt", [OutputFormat.FLAC, OutputFormat.ALAC, OutputFormat.AAC,
                                 OutputFormat.OGG_VORBIS, OutputFormat.MP3])
def test_asking_more_than_the_source_rate_keeps_the_source_rate(fmt: OutputFormat) -> None:
    p = plan(fmt, source(rate=44100), sample_rate_hz=96000)

    assert p.sample_rate_hz == 44100 and arg(p, "-ar") is None
    assert any("no upsampling" in n for n in p.notes)


def test_asking_less_resamples_down() -> None:
    p = plan(OutputFormat.FLAC, source(rate=96000), sample_rate_hz=48000)
    assert (p.sample_rate_hz, arg(p, "-ar")) == (48000, "48000")


def test_mp3_takes_the_highest_rate_it_can_carry_below_the_source() -> None:
    p = plan(OutputFormat.MP3, source(rate=96000), bitrate_kbps=320)
    assert (p.sample_rate_hz, arg(p, "-ar")) == (48000, "48000")


def test_opus_always_reports_48k_and_never_passes_ar() -> None:
    p = plan(OutputFormat.OPUS, source(rate=44100), sample_rate_hz=22050)
    assert p.sample_rate_hz == 48000 and arg(p, "-ar") is None
    assert any("Opus always codes at 48000" in n for n in p.notes)


@pytest.mark.parametrize(("fmt", "depth", "sample_fmt"), [
    (OutputFormat.FLAC, 24, "s32"), (OutputFormat.FLAC, 16, "s16"),
    (OutputFormat.ALAC, 24, "s32p"), (OutputFormat.ALAC, 16, "s16p")])
def test_lossless_keeps_source_depth(fmt: OutputFormat, depth: int, sample_fmt: str) -> None:
    p = plan(fmt, source(depth=depth))
    assert p.bit_depth == depth and arg(p, "-sample_fmt") == sample_fmt


def test_lossless_depth_is_reduced_when_asked_but_never_raised() -> None:
    assert plan(OutputFormat.FLAC, source(depth=24), bit_depth=16).bit_depth == 16
    raised = plan(OutputFormat.FLAC, source(depth=16), bit_depth=24)
    assert raised.bit_depth == 16 and any("kept 16-bit" in n for n in raised.notes)


def test_32_bit_source_is_written_as_24_bit_flac() -> None:
    p = plan(OutputFormat.FLAC, source(depth=32))
    assert p.bit_depth == 24 and arg(p, "-bits_per_raw_sample") == "24"


def test_lossy_source_to_lossless_defaults_to_16_bit() -> None:
    assert plan(OutputFormat.FLAC, source(codec="mp3", depth=None)).bit_depth == 16


@pytest.mark.parametrize(("kbps", "quality"), [(320, "9"), (192, "6"), (128, "4"), (500, "10")])
def test_vorbis_bitrate_maps_to_quality(kbps: int, quality: str) -> None:
    p = plan(OutputFormat.OGG_VORBIS, bitrate_kbps=kbps)
    assert arg(p, "-q:a") == quality and arg(p, "-b:a") is None


def test_vorbis_mono_maps_per_channel() -> None:
    # 160 kbps for one channel is the stereo-equivalent of 320 kbps.
    assert arg(plan(OutputFormat.OGG_VORBIS, source(channels=1), bitrate_kbps=160), "-q:a") == "9"


@pytest.mark.parametrize(("channels", "asked", "used"), [(2, 900, "512k"), (1, 320, "256k"),
                                                        (2, 2, "12k"), (2, 160, "160k")])
def test_opus_bitrate_is_clamped_per_channel(channels: int, asked: int, used: str) -> None:
    p = plan(OutputFormat.OPUS, source(channels=channels), bitrate_kbps=asked)
    assert arg(p, "-b:a") == used
    assert any("outside" in n for n in p.notes) == (f"{asked}k" != used)


def test_mp3_cbr_snaps_to_an_mpeg_bitrate_and_clamps_to_320() -> None:
    assert arg(plan(OutputFormat.MP3, bitrate_kbps=200), "-b:a") == "192k"
    assert arg(plan(OutputFormat.MP3, bitrate_kbps=400), "-b:a") == "320k"


def test_mp3_vbr_uses_q() -> None:
    assert arg(plan(OutputFormat.MP3, vbr=True, vbr_quality=2), "-q:a") == "2"
    assert arg(plan(OutputFormat.MP3, vbr=True, bitrate_kbps=190), "-q:a") == "2"
    assert arg(plan(OutputFormat.MP3), "-q:a") == "0"


def test_audio_outputs_keep_only_the_first_audio_stream() -> None:
    p = plan(OutputFormat.AAC, source(video="mjpeg"))
    assert arg(p, "-map") == "0:a:0" and p.args.count("-map") == 1
    assert arg(p, "-f") == "ipod"


def test_video_remux_copies_everything_and_mp4_keeps_text_subtitles_as_mov_text() -> None:
    src = source(video="h264", subtitles=True)
    sub = f"0:{src.of_kind('subtitle')[0].index}"
    mkv = plan(OutputFormat.MKV, src)
    mp4 = plan(OutputFormat.MP4, src)
    assert arg(mkv, "-c") == "copy" and sub in mkv.args and mkv.expected_codec == "h264"
    assert "-c:s" not in mkv.args
    assert sub in mp4.args and arg(mp4, "-c:s") == "mov_text" and not mp4.notes
    assert arg(mp4, "-movflags") == "+faststart"


def test_mp4_drops_image_subtitles_with_a_note() -> None:
    src = source(video="h264")
    src = dataclasses.replace(src, streams=(*src.streams, StreamInfo(
        index=len(src.streams), kind="subtitle", codec="hdmv_pgs_subtitle")))
    mp4 = plan(OutputFormat.MP4, src)
    assert f"0:{len(src.streams) - 1}" not in mp4.args and "-c:s" not in mp4.args
    assert any("image subtitles dropped" in n for n in mp4.notes)
    assert f"0:{len(src.streams) - 1}" in plan(OutputFormat.MKV, src).args


def test_video_transcode_sets_the_encoder() -> None:
    p = plan(OutputFormat.MP4, source(video="h264"), video_codec=VideoCodec.HEVC)
    assert arg(p, "-c:v") == "libx265" and arg(p, "-tag:v") == "hvc1"
    assert p.expected_codec == "hevc"


def test_video_format_needs_a_video_stream() -> None:
    with pytest.raises(InvalidMediaRequest, match="no video stream"):
        plan(OutputFormat.MKV, source())
