"""ConversionJob: one file to convert, with the ticket's constraints."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from workers.media.errors import InvalidMediaRequest
from workers.media.formats import OutputFormat, VideoCodec


@dataclass(frozen=True)
class ConversionJob:
    """Convert `source` into `output` (a work path; the Placer moves it to its destination).

    Constraints left None fall back to the source's values or the format's defaults.
    `vbr_quality` is LAME's -V level (0 best .. 9); `priority` orders batches, higher first.
    """

    source: Path
    output: Path
    format: OutputFormat
    bitrate_kbps: int | None = None
    vbr: bool = False
    vbr_quality: int | None = None
    sample_rate_hz: int | None = None
    bit_depth: int | None = None
    expected_duration_secs: float | None = None
    video_codec: VideoCodec | None = None
    # Video only. Empty: keep every audio / subtitle stream; else only these languages
    # (ISO 639-2, "eng"), in this order. extract_subtitles: each kept text subtitle also
    # as `<output stem>.<language>.srt` next to the output.
    audio_languages: tuple[str, ...] = ()
    subtitle_languages: tuple[str, ...] = ()
    extract_subtitles: bool = False
    title: str | None = None  # video: the container's title tag (mp4 and mkv)
    priority: int = 0
    label: str = ""

    def __post_init__(self) -> None:
        if not isinstance(self.format, OutputFormat):
            raise InvalidMediaRequest(f"ConversionJob.format must be an OutputFormat, "
                                      f"got {self.format!r}")
        if self.source == self.output:
            raise InvalidMediaRequest("ConversionJob.output must differ from source")
        _positive("bitrate_kbps", self.bitrate_kbps)
        _positive("sample_rate_hz", self.sample_rate_hz)
        if self.bit_depth is not None and self.bit_depth not in (16, 24, 32):
            raise InvalidMediaRequest(
                f"ConversionJob.bit_depth must be 16, 24 or 32, got {self.bit_depth}")
        if self.vbr_quality is not None and not 0 <= self.vbr_quality <= 9:
            raise InvalidMediaRequest(
                f"ConversionJob.vbr_quality must be 0..9, got {self.vbr_quality}")
        if (self.vbr or self.vbr_quality is not None) and self.format is not OutputFormat.MP3:
            raise InvalidMediaRequest("ConversionJob.vbr/vbr_quality only apply to mp3")
        if self.video_codec is not None and not self.format.is_video:
            raise InvalidMediaRequest(
                f"ConversionJob.video_codec needs a video format (mkv, mp4), "
                f"not {self.format.value}")
        if (self.audio_languages or self.subtitle_languages or self.extract_subtitles) and \
                not self.format.is_video:
            raise InvalidMediaRequest("ConversionJob audio/subtitle choices need a video "
                                      f"format (mkv, mp4), not {self.format.value}")
        if self.expected_duration_secs is not None and self.expected_duration_secs <= 0:
            raise InvalidMediaRequest("ConversionJob.expected_duration_secs must be > 0")

    @property
    def name(self) -> str:
        """How logs and progress reports call this job."""
        return self.label or self.source.name


def _positive(field: str, value: int | None) -> None:
    if value is not None and value <= 0:
        raise InvalidMediaRequest(f"ConversionJob.{field} must be > 0, got {value}")
