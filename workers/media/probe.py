"""ffprobe wrapper: what a media file contains, as typed values."""

from __future__ import annotations

import json
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from workers.media.errors import ProbeError

# Sample formats whose width is the bit depth when bits_per_raw_sample is absent.
_SAMPLE_FMT_BITS = {"u8": 8, "u8p": 8, "s16": 16, "s16p": 16, "s32": 32, "s32p": 32}
_LOSSLESS_AUDIO = {"flac", "alac", "wavpack", "ape", "tta", "truehd", "mlp"}


@dataclass(frozen=True)
class StreamInfo:
    """One stream as ffprobe describes it."""

    index: int
    kind: str  # "audio", "video", "subtitle", "data", "attachment"
    codec: str
    sample_rate_hz: int | None = None
    channels: int | None = None
    bit_depth: int | None = None
    bitrate_bps: int | None = None
    width: int | None = None
    height: int | None = None
    attached_picture: bool = False
    language: str | None = None  # ISO 639-2 from the stream's tags ("eng"), if any


@dataclass(frozen=True)
class MediaInfo:
    """A probed file: container, duration, and its streams."""

    path: Path
    container: str
    duration_secs: float | None
    bitrate_bps: int | None
    streams: tuple[StreamInfo, ...]

    @property
    def audio(self) -> StreamInfo | None:
        """The first audio stream, the one conversions keep."""
        return next((s for s in self.streams if s.kind == "audio"), None)

    def of_kind(self, kind: str) -> list[StreamInfo]:
        return [s for s in self.streams if s.kind == kind]

    @property
    def video(self) -> StreamInfo | None:
        """The first real video stream (an embedded cover picture is not video)."""
        return next(
            (s for s in self.streams if s.kind == "video" and not s.attached_picture), None
        )

    @property
    def codec(self) -> str | None:
        """The main stream's codec: video for video files, else audio."""
        main = self.video or self.audio
        return main.codec if main else None

    @property
    def sample_rate_hz(self) -> int | None:
        return self.audio.sample_rate_hz if self.audio else None

    @property
    def channels(self) -> int | None:
        return self.audio.channels if self.audio else None

    @property
    def bit_depth(self) -> int | None:
        return self.audio.bit_depth if self.audio else None


def probe(path: Path, *, ffprobe: str = "ffprobe", timeout_secs: float = 60.0) -> MediaInfo:
    """Run ffprobe on `path`; ProbeError when it is missing, unreadable or not media."""
    if not path.is_file():
        raise ProbeError(path, "no such file")
    command = [ffprobe, "-v", "error", "-print_format", "json",
               "-show_format", "-show_streams", str(path)]
    try:
        done = subprocess.run(command, capture_output=True, text=True,
                              timeout=timeout_secs, stdin=subprocess.DEVNULL, check=False)
    except FileNotFoundError:
        raise ProbeError(path, f"{ffprobe} is not installed") from None
    except subprocess.TimeoutExpired:
        raise ProbeError(path, f"ffprobe took longer than {timeout_secs} s") from None
    if done.returncode != 0:
        raise ProbeError(path, done.stderr.strip()[-500:] or f"exit code {done.returncode}")
    try:
        report = json.loads(done.stdout)
    except json.JSONDecodeError as exc:
        raise ProbeError(path, f"unreadable ffprobe output ({exc})") from None
    return parse_ffprobe_report(path, report)


def parse_ffprobe_report(path: Path, report: dict[str, Any]) -> MediaInfo:
    """Turn ffprobe's `-print_format json -show_format -show_streams` output into MediaInfo."""
    fmt = report.get("format") or {}
    streams = tuple(_parse_stream(raw) for raw in report.get("streams") or [])
    if not streams:
        raise ProbeError(path, "no audio or video streams")
    duration = _float(fmt.get("duration"))
    if duration is None:
        durations = [d for d in (_float(s.get("duration")) for s in report["streams"]) if d]
        duration = max(durations) if durations else None
    return MediaInfo(
        path=path,
        container=str(fmt.get("format_name", "")),
        duration_secs=duration,
        bitrate_bps=_int(fmt.get("bit_rate")),
        streams=streams,
    )


def _parse_stream(raw: dict[str, Any]) -> StreamInfo:
    kind = str(raw.get("codec_type", "data"))
    codec = str(raw.get("codec_name", "unknown"))
    disposition = raw.get("disposition") or {}
    bit_depth = None
    if kind == "audio" and (codec in _LOSSLESS_AUDIO or codec.startswith("pcm_")):
        bit_depth = (_int(raw.get("bits_per_raw_sample"))
                     or _int(raw.get("bits_per_sample"))
                     or _SAMPLE_FMT_BITS.get(str(raw.get("sample_fmt", ""))))
    return StreamInfo(
        index=int(raw.get("index", 0)),
        kind=kind,
        codec=codec,
        sample_rate_hz=_int(raw.get("sample_rate")),
        channels=_int(raw.get("channels")),
        bit_depth=bit_depth,
        bitrate_bps=_int(raw.get("bit_rate")),
        width=_int(raw.get("width")),
        height=_int(raw.get("height")),
        attached_picture=bool(disposition.get("attached_pic")),
        language=_language(raw),
    )


def _language(raw: dict[str, Any]) -> str | None:
    tags = raw.get("tags")
    value = tags.get("language") if isinstance(tags, dict) else None
    return str(value).lower() if value and value != "und" else None


def _int(value: object) -> int | None:
    """ffprobe writes numbers as strings and 0 for 'unknown'; both become int | None."""
    try:
        number = int(str(value))
    except ValueError:
        return None
    return number or None


def _float(value: object) -> float | None:
    try:
        return float(str(value))
    except ValueError:
        return None
