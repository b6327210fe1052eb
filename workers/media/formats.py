"""What each output format a ticket can ask for means to ffmpeg."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from chalicelib.domain.request import OutputFormat as OutputFormat
from chalicelib.domain.video_codecs import COPY, TARGET_VIDEO_CODECS


class VideoCodec(StrEnum):
    """A codec video is transcoded to; the names are chalicelib/domain/video_codecs.py's."""

    H264 = "h264"
    HEVC = "hevc"
    AV1 = "av1"
    VP9 = "vp9"

    @classmethod
    def parse(cls, value: str) -> VideoCodec | None:
        """The codec named `value`; None for "copy" (keep the source's video stream)."""
        name = value.strip().lower()
        if name == COPY:
            return None
        aliases = {"avc": cls.H264, "x264": cls.H264, "h265": cls.HEVC, "x265": cls.HEVC}
        try:
            return aliases.get(name) or cls(name)
        except ValueError:
            raise ValueError(f"unknown video codec {value!r}; expected one of "
                             f"{', '.join(TARGET_VIDEO_CODECS)}") from None

    @property
    def encoder_args(self) -> tuple[str, ...]:
        """ffmpeg's encoder and its quality settings (constant quality, sane speed)."""
        return {
            VideoCodec.H264: ("-c:v", "libx264", "-crf", "20", "-preset", "medium"),
            VideoCodec.HEVC: ("-c:v", "libx265", "-crf", "22", "-preset", "medium",
                              "-x265-params", "log-level=error"),
            VideoCodec.AV1: ("-c:v", "libsvtav1", "-crf", "35", "-preset", "8"),
            # -b:v 0 makes libvpx's -crf a constant quality instead of a cap.
            VideoCodec.VP9: ("-c:v", "libvpx-vp9", "-crf", "32", "-b:v", "0",
                             "-deadline", "good", "-cpu-used", "4", "-row-mt", "1"),
        }[self]


@dataclass(frozen=True)
class BitrateRange:
    """Bitrate limits of an encoder in kbps, per channel or for the whole stream."""

    min_kbps: int
    max_kbps: int
    per_channel: bool = True

    def limits(self, channels: int) -> tuple[int, int]:
        factor = max(channels, 1) if self.per_channel else 1
        return self.min_kbps * factor, self.max_kbps * factor


@dataclass(frozen=True)
class FormatSpec:
    """What ffmpeg needs to produce a format and what ffprobe reports for it."""

    codec_name: str | None  # ffprobe's codec_name for the main stream; None = decided by source
    encoder: str | None  # ffmpeg encoder; None = stream copy
    muxer: str | None  # forced with -f so work paths need no meaningful extension
    extension: str
    lossless: bool
    # None = any rate; otherwise the encoder only takes these (Hz)
    sample_rates: tuple[int, ...] | None
    default_bitrate_kbps: int | None
    bitrate_range: BitrateRange | None
    bit_depths: tuple[int, ...] = ()
    supports_cover: bool = True


MP3_SAMPLE_RATES = (48000, 44100, 32000, 24000, 22050, 16000, 12000, 11025, 8000)
AAC_SAMPLE_RATES = (96000, 88200, 64000, 48000, 44100, 32000, 24000, 22050, 16000, 12000,
                    11025, 8000, 7350)
# Opus always codes at 48 kHz; ffprobe reports 48000 whatever the input was.
OPUS_CODING_RATE = 48000
# Bitrates LAME can write in MPEG-1 layer III frames (kbps).
MP3_CBR_BITRATES = (32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320)

FORMAT_SPECS: dict[OutputFormat, FormatSpec] = {
    OutputFormat.OGG_VORBIS: FormatSpec(
        codec_name="vorbis", encoder="libvorbis", muxer="ogg", extension="ogg",
        lossless=False, sample_rates=None, default_bitrate_kbps=192,
        bitrate_range=BitrateRange(32, 250)),
    OutputFormat.OPUS: FormatSpec(
        codec_name="opus", encoder="libopus", muxer="ogg", extension="opus",
        lossless=False, sample_rates=(OPUS_CODING_RATE,), default_bitrate_kbps=128,
        bitrate_range=BitrateRange(6, 256)),
    OutputFormat.MP3: FormatSpec(
        codec_name="mp3", encoder="libmp3lame", muxer="mp3", extension="mp3",
        lossless=False, sample_rates=MP3_SAMPLE_RATES, default_bitrate_kbps=None,
        bitrate_range=BitrateRange(32, 320, per_channel=False)),
    OutputFormat.AAC: FormatSpec(
        codec_name="aac", encoder="aac", muxer="ipod", extension="m4a",
        lossless=False, sample_rates=AAC_SAMPLE_RATES, default_bitrate_kbps=256,
        bitrate_range=BitrateRange(16, 256)),
    OutputFormat.FLAC: FormatSpec(
        codec_name="flac", encoder="flac", muxer="flac", extension="flac",
        lossless=True, sample_rates=None, default_bitrate_kbps=None, bitrate_range=None,
        bit_depths=(16, 24)),
    OutputFormat.ALAC: FormatSpec(
        codec_name="alac", encoder="alac", muxer="ipod", extension="m4a",
        lossless=True, sample_rates=None, default_bitrate_kbps=None, bitrate_range=None,
        bit_depths=(16, 24)),
    OutputFormat.ORIGINAL: FormatSpec(
        codec_name=None, encoder=None, muxer=None, extension="",
        lossless=True, sample_rates=None, default_bitrate_kbps=None, bitrate_range=None),
    OutputFormat.MKV: FormatSpec(
        codec_name=None, encoder=None, muxer="matroska", extension="mkv",
        lossless=True, sample_rates=None, default_bitrate_kbps=None, bitrate_range=None),
    OutputFormat.MP4: FormatSpec(
        codec_name=None, encoder=None, muxer="mp4", extension="mp4",
        lossless=True, sample_rates=None, default_bitrate_kbps=None, bitrate_range=None),
}


def spec_of(fmt: OutputFormat) -> FormatSpec:
    """The ffmpeg facts of an output format."""
    return FORMAT_SPECS[fmt]
