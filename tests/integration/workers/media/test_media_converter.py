"""Converter against real ffmpeg/ffprobe: every format, the rate/depth rules, the failures."""

from __future__ import annotations

import subprocess
from pathlib import Path
from typing import Any

import pytest

from chalicelib.domain.video_codecs import COPY, TARGET_VIDEO_CODECS
from workers.media.converter import Converter
from workers.media.errors import ConversionError
from workers.media.formats import OutputFormat, VideoCodec, spec_of
from workers.media.job import ConversionJob
from workers.media.probe import probe

AUDIO_CODECS = {
    OutputFormat.OGG_VORBIS: "vorbis",
    OutputFormat.OPUS: "opus",
    OutputFormat.MP3: "mp3",
    OutputFormat.AAC: "aac",
    OutputFormat.FLAC: "flac",
    OutputFormat.ALAC: "alac",
}
# Formats whose output keeps the source's rate (Opus always codes at 48 kHz; mp3 tops at 48k).
RATE_KEEPING = [OutputFormat.OGG_VORBIS, OutputFormat.AAC, OutputFormat.FLAC, OutputFormat.ALAC]


@pytest.fixture
def converter() -> Converter:
    return Converter()


def job_for(source: Path, tmp_path: Path, fmt: OutputFormat, **constraints: Any) -> ConversionJob:
    output = tmp_path / f"{source.stem}-{fmt.value}.{spec_of(fmt).extension or 'bin'}"
    return ConversionJob(source=source, output=output, format=fmt, **constraints)


@pytest.mark.parametrize("fmt", list(AUDIO_CODECS))
def test_every_audio_format_converts_and_ffprobe_confirms_it(
    converter: Converter, flac_44k: Path, tmp_path: Path, fmt: OutputFormat
) -> None:
    result = converter.convert(job_for(flac_44k, tmp_path, fmt, bitrate_kbps=192))

    info = probe(result.job.output)
    assert info.codec == AUDIO_CODECS[fmt]
    assert [s.kind for s in info.streams] == ["audio"]
    expected_rate = 48000 if fmt is OutputFormat.OPUS else 44100
    assert info.sample_rate_hz == expected_rate
    assert info.duration_secs == pytest.approx(5.0, abs=0.1)


def test_vorbis_at_320_kbps_uses_quality_mode_and_records_it(
    converter: Converter, flac_96k_24bit: Path, tmp_path: Path
) -> None:
    # -b:a 320k at 96 kHz makes libvorbis refuse to start; quality mode must not.
    result = converter.convert(job_for(flac_96k_24bit, tmp_path, OutputFormat.OGG_VORBIS,
                                       bitrate_kbps=320))

    assert "-q:a" in result.command and "9" in result.command
    assert any("quality 9" in note for note in result.notes)
    assert probe(result.job.output).codec == "vorbis"


def test_opus_bitrate_is_clamped_to_256_kbps_per_channel(
    converter: Converter, flac_44k: Path, tmp_path: Path
) -> None:
    result = converter.convert(job_for(flac_44k, tmp_path, OutputFormat.OPUS, bitrate_kbps=900))

    assert "512k" in result.command
    assert any("using 512 kbps" in note for note in result.notes)


@pytest.mark.parametrize("fmt", RATE_KEEPING)
def test_no_upsampling_when_a_higher_rate_is_asked(
    converter: Converter, flac_44k: Path, tmp_path: Path, fmt: OutputFormat
) -> None:
    result = converter.convert(job_for(flac_44k, tmp_path, fmt, sample_rate_hz=96000))

    assert probe(result.job.output).sample_rate_hz == 44100
    assert any("no upsampling" in note for note in result.notes)


def test_a_lower_rate_is_applied(converter: Converter, flac_96k_24bit: Path,
                                 tmp_path: Path) -> None:
    result = converter.convert(job_for(flac_96k_24bit, tmp_path, OutputFormat.FLAC,
                                       sample_rate_hz=48000))

    assert probe(result.job.output).sample_rate_hz == 48000


def test_mp3_from_96k_goes_down_to_48k_not_up(converter: Converter, flac_96k_24bit: Path,
                                             tmp_path: Path) -> None:
    result = converter.convert(job_for(flac_96k_24bit, tmp_path, OutputFormat.MP3,
                                       bitrate_kbps=320))

    assert probe(result.job.output).sample_rate_hz == 48000


@pytest.mark.parametrize("fmt", [OutputFormat.FLAC, OutputFormat.ALAC])
def test_lossless_keeps_24_bit_and_96k(converter: Converter, flac_96k_24bit: Path,
                                      tmp_path: Path, fmt: OutputFormat) -> None:
    result = converter.convert(job_for(flac_96k_24bit, tmp_path, fmt))

    info = probe(result.job.output)
    assert (info.codec, info.sample_rate_hz, info.bit_depth) == (fmt.value, 96000, 24)


@pytest.mark.parametrize("fmt", [OutputFormat.FLAC, OutputFormat.ALAC])
def test_lossless_reduces_bit_depth_when_asked(converter: Converter, flac_96k_24bit: Path,
                                              tmp_path: Path, fmt: OutputFormat) -> None:
    result = converter.convert(job_for(flac_96k_24bit, tmp_path, fmt, bit_depth=16))

    assert probe(result.job.output).bit_depth == 16


def test_lossless_never_pads_bit_depth(converter: Converter, flac_44k: Path,
                                       tmp_path: Path) -> None:
    result = converter.convert(job_for(flac_44k, tmp_path, OutputFormat.FLAC, bit_depth=24))

    assert probe(result.job.output).bit_depth == 16
    assert any("kept 16-bit" in note for note in result.notes)


def test_original_is_a_byte_copy(converter: Converter, flac_44k: Path, tmp_path: Path) -> None:
    result = converter.convert(job_for(flac_44k, tmp_path, OutputFormat.ORIGINAL))

    assert result.job.output.read_bytes() == flac_44k.read_bytes()


def test_video_remux_to_mp4_copies_streams(converter: Converter, video_mkv: Path,
                                           tmp_path: Path) -> None:
    result = converter.convert(job_for(video_mkv, tmp_path, OutputFormat.MP4))

    info = probe(result.job.output)
    assert "-c" in result.command and "copy" in result.command
    assert info.codec == "h264" and info.audio is not None and info.audio.codec == "aac"
    assert "mp4" in info.container
    assert info.duration_secs == pytest.approx(2.0, abs=0.2)


def test_video_transcodes_when_a_codec_is_asked(converter: Converter, video_mkv: Path,
                                                tmp_path: Path) -> None:
    result = converter.convert(job_for(video_mkv, tmp_path, OutputFormat.MKV,
                                       video_codec=VideoCodec.HEVC))

    info = probe(result.job.output)
    assert info.codec == "hevc" and info.container.startswith("matroska")
    assert info.video is not None and (info.video.width, info.video.height) == (320, 240)


def test_video_stream_is_dropped_from_audio_output(converter: Converter, video_mkv: Path,
                                                   tmp_path: Path) -> None:
    result = converter.convert(job_for(video_mkv, tmp_path, OutputFormat.OPUS))

    assert [s.kind for s in probe(result.job.output).streams] == ["audio"]


def test_corrupt_input_is_a_conversion_error(converter: Converter, flac_44k: Path,
                                             tmp_path: Path) -> None:
    corrupt = tmp_path / "corrupt.flac"
    corrupt.write_bytes(b"fLaC" + bytes(range(256)) * 40)
    job = job_for(corrupt, tmp_path, OutputFormat.MP3)

    with pytest.raises(ConversionError) as caught:
        converter.convert(job)

    assert not caught.value.retryable
    assert "corrupt.flac" in str(caught.value)
    assert not job.output.exists()


def test_missing_input_is_not_retryable(converter: Converter, tmp_path: Path) -> None:
    with pytest.raises(ConversionError, match="does not exist") as caught:
        converter.convert(job_for(tmp_path / "nope.flac", tmp_path, OutputFormat.FLAC))

    assert not caught.value.retryable


def test_missing_ffmpeg_is_reported(flac_44k: Path, tmp_path: Path) -> None:
    converter = Converter(ffmpeg=str(tmp_path / "no-ffmpeg-here"))

    with pytest.raises(ConversionError, match="not installed"):
        converter.convert(job_for(flac_44k, tmp_path, OutputFormat.FLAC))


def test_validation_catches_a_duration_mismatch(converter: Converter, flac_44k: Path,
                                                tmp_path: Path) -> None:
    job = job_for(flac_44k, tmp_path, OutputFormat.OGG_VORBIS, expected_duration_secs=60.0)

    with pytest.raises(ConversionError, match=r"duration 5\.0 s differs from the expected 60\.0 s"):
        converter.convert(job)

    assert not job.output.exists()


def test_duration_within_tolerance_passes(converter: Converter, flac_44k: Path,
                                          tmp_path: Path) -> None:
    result = converter.convert(job_for(flac_44k, tmp_path, OutputFormat.OGG_VORBIS,
                                       expected_duration_secs=8.0))

    assert result.output is not None and result.output.codec == "vorbis"


def test_ffmpeg_failure_carries_its_stderr(converter: Converter, tmp_path: Path) -> None:
    # PCM audio cannot be stream-copied into mp4: ffmpeg itself exits non-zero.
    source = tmp_path / "pcm.mkv"
    subprocess.run(["ffmpeg", "-nostdin", "-loglevel", "error", "-y",
                    "-f", "lavfi", "-i", "testsrc=size=160x120:rate=10:duration=1",
                    "-f", "lavfi", "-i", "sine=duration=1", "-c:v", "libx264",
                    "-preset", "ultrafast", "-c:a", "pcm_s16le", "-shortest", str(source)],
                   check=True)
    job = job_for(source, tmp_path, OutputFormat.MP4)

    with pytest.raises(ConversionError, match="exited with code") as caught:
        converter.convert(job)

    assert "pcm_s16le" in caught.value.stderr_tail
    assert not caught.value.retryable and not job.output.exists()


def test_output_directory_that_cannot_exist_is_a_conversion_error(
    converter: Converter, flac_44k: Path, tmp_path: Path
) -> None:
    blocker = tmp_path / "blocker"
    blocker.write_text("a file, not a directory")
    job = ConversionJob(flac_44k, blocker / "out.flac", OutputFormat.FLAC)

    with pytest.raises(ConversionError, match="cannot create"):
        converter.convert(job)


@pytest.mark.parametrize("name", [n for n in TARGET_VIDEO_CODECS if n != COPY])
def test_every_codec_the_api_accepts_is_encoded(converter: Converter, video_mkv: Path,
                                                tmp_path: Path, name: str) -> None:
    codec = VideoCodec.parse(name)  # the API's list, read by the agent
    assert codec is not None
    result = converter.convert(job_for(video_mkv, tmp_path, OutputFormat.MP4, video_codec=codec))

    info = probe(result.job.output)
    assert info.codec == name and "mp4" in info.container
    assert info.duration_secs == pytest.approx(2.0, abs=0.2)


def test_chosen_audio_and_subtitles_are_kept_and_extracted_to_srt(
        converter: Converter, movie_mkv: Path, tmp_path: Path) -> None:
    result = converter.convert(job_for(movie_mkv, tmp_path, OutputFormat.MKV,
                                       audio_languages=("fre",), subtitle_languages=("ger",),
                                       extract_subtitles=True))

    info = probe(result.job.output)
    assert info.codec == "mpeg2video"  # mkv carries it: a remux
    assert [(s.codec, s.language) for s in info.of_kind("audio")] == [("aac", "fre")]
    assert [(s.codec, s.language) for s in info.of_kind("subtitle")] == [("subrip", "ger")]
    assert info.duration_secs == pytest.approx(2.0, abs=0.2)
    srt = result.job.output.with_name(f"{result.job.output.stem}.ger.srt")
    assert result.sidecars == (srt,)
    # The cue as written (0.2 s to 1.5 s), give or take the container's start offset.
    lines = srt.read_text().splitlines()
    assert lines[2] == "Hallo" and lines[1].startswith("00:00:00,2")
    assert " --> 00:00:01,5" in lines[1]


def test_mp4_transcodes_a_codec_it_cannot_carry_and_keeps_text_subtitles(
        converter: Converter, movie_mkv: Path, tmp_path: Path) -> None:
    result = converter.convert(job_for(movie_mkv, tmp_path, OutputFormat.MP4,
                                       audio_languages=("eng", "fre")))

    info = probe(result.job.output)
    assert info.codec == "h264"  # mpeg2 does not fit mp4: transcoded, not remuxed
    assert any("transcoded to h264" in note for note in result.notes)
    assert [s.language for s in info.of_kind("audio")] == ["eng", "fre"]
    assert [(s.codec, s.language) for s in info.of_kind("subtitle")] == [
        ("mov_text", "eng"), ("mov_text", "ger")]
    assert result.sidecars == ()


def test_a_language_the_source_lacks_is_noted(converter: Converter, movie_mkv: Path,
                                               tmp_path: Path) -> None:
    result = converter.convert(job_for(movie_mkv, tmp_path, OutputFormat.MKV,
                                       audio_languages=("jpn", "eng")))

    assert [s.language for s in probe(result.job.output).of_kind("audio")] == ["eng"]
    assert "no audio stream in jpn" in result.notes
