"""Turn a ConversionJob and its probed source into ffmpeg output arguments.

Pure: no processes, no files. Every deviation from what the job asked (a clamp, a rate
kept to avoid upsampling, a setting a codec ignores) is recorded as a note, so the ticket's
audit trail says what was really done.
"""

from __future__ import annotations

from dataclasses import dataclass

from workers.media.errors import InvalidMediaRequest
from workers.media.formats import (
    MP3_CBR_BITRATES,
    OPUS_CODING_RATE,
    FormatSpec,
    OutputFormat,
    VideoCodec,
    spec_of,
)
from workers.media.job import ConversionJob
from workers.media.probe import MediaInfo, StreamInfo

# libvorbis' nominal bitrate for each -q:a level at 44.1 kHz stereo. Quality mode is used
# instead of -b:a because the managed bitrate mode rejects some combinations outright
# (e.g. 320k at 96 kHz fails "encoder setup failed" with Debian's ffmpeg 5.1).
_VORBIS_QUALITY_KBPS = {0: 64, 1: 80, 2: 96, 3: 112, 4: 128, 5: 160, 6: 192, 7: 224,
                        8: 256, 9: 320, 10: 500}
# LAME's average bitrate for each -V level, used when VBR is asked with only a bitrate.
_LAME_VBR_KBPS = {0: 245, 1: 225, 2: 190, 3: 175, 4: 165, 5: 130, 6: 115, 7: 100, 8: 85, 9: 65}
_DEFAULT_MP3_VBR_QUALITY = 0


# Text subtitle codecs (convertible to mp4's mov_text and to .srt); the rest are images.
TEXT_SUBTITLES = frozenset({"subrip", "srt", "ass", "ssa", "mov_text", "webvtt", "text"})
MP4_VIDEO = frozenset({"h264", "hevc", "av1", "vp9", "mpeg4"})  # remuxed into mp4 as is


def _chosen(kind: str, streams: list[StreamInfo], languages: tuple[str, ...],
            notes: list[str]) -> list[str]:
    """-map arguments keeping `streams` of `kind` ("a", "s"): all, or those in `languages`
    (in that order); a language the source lacks is noted, not an error."""
    if not languages:
        return [a for s in streams for a in ("-map", f"0:{s.index}")]
    args: list[str] = []
    for language in languages:
        matching = [s for s in streams if s.language == language]
        if not matching:
            notes.append(f"no {'audio' if kind == 'a' else 'subtitle'} stream in {language}")
        args += [a for s in matching for a in ("-map", f"0:{s.index}")]
    return args


@dataclass(frozen=True)
class EncodingPlan:
    """ffmpeg arguments between the input and the output path, and what to expect out."""

    args: tuple[str, ...]
    expected_codec: str
    sample_rate_hz: int | None
    bit_depth: int | None
    notes: tuple[str, ...]


def plan_encoding(job: ConversionJob, source: MediaInfo) -> EncodingPlan:
    """Plan the conversion of `source` for `job`; InvalidMediaRequest if it cannot be done."""
    if job.format is OutputFormat.ORIGINAL:
        raise InvalidMediaRequest("format 'original' is a byte copy; it needs no encoding plan")
    if job.format.is_video:
        return _plan_video(job, source)
    return _plan_audio(job, source)


def _plan_audio(job: ConversionJob, source: MediaInfo) -> EncodingPlan:
    audio = source.audio
    if audio is None:
        raise InvalidMediaRequest(f"{source.path} has no audio stream to convert")
    spec = spec_of(job.format)
    assert spec.encoder and spec.muxer and spec.codec_name
    notes: list[str] = []
    args = ["-map", "0:a:0", "-map_metadata", "0", "-c:a", spec.encoder]

    rate = _choose_sample_rate(job, spec, audio.sample_rate_hz, notes)
    if rate is not None and rate != audio.sample_rate_hz and job.format is not OutputFormat.OPUS:
        args += ["-ar", str(rate)]

    depth: int | None = None
    if spec.lossless:
        depth = _choose_bit_depth(job, spec, audio.bit_depth, notes)
        args += _bit_depth_args(job.format, depth)
        if job.bitrate_kbps is not None:
            notes.append(f"bitrate_kbps={job.bitrate_kbps} ignored: {job.format.value} "
                         f"is lossless")
    else:
        if job.bit_depth is not None:
            notes.append(f"bit_depth={job.bit_depth} ignored: {job.format.value} is lossy")
        args += _bitrate_args(job, spec, audio.channels or 2, notes)

    args += ["-f", spec.muxer]
    return EncodingPlan(tuple(args), spec.codec_name, rate, depth, tuple(notes))


def _choose_sample_rate(
    job: ConversionJob, spec: FormatSpec, source_rate: int | None, notes: list[str]
) -> int | None:
    asked = job.sample_rate_hz
    if job.format is OutputFormat.OPUS:
        if asked is not None and asked != OPUS_CODING_RATE:
            notes.append(f"sample_rate_hz={asked} ignored: Opus always codes at 48000 Hz")
        return OPUS_CODING_RATE
    target = source_rate if asked is None else asked
    if asked is not None and source_rate is not None and asked > source_rate:
        notes.append(f"no upsampling: asked {asked} Hz, source is {source_rate} Hz; "
                     f"kept {source_rate} Hz")
        target = source_rate
    if target is not None and spec.sample_rates is not None and target not in spec.sample_rates:
        lower = [r for r in spec.sample_rates if r <= target]
        chosen = max(lower) if lower else min(spec.sample_rates)
        notes.append(f"{job.format.value} cannot carry {target} Hz; using {chosen} Hz")
        target = chosen
    return target


def _choose_bit_depth(
    job: ConversionJob, spec: FormatSpec, source_depth: int | None, notes: list[str]
) -> int:
    asked = job.bit_depth
    if asked is None:
        depth = source_depth or 16
    elif source_depth is not None and asked > source_depth:
        notes.append(f"bit_depth={asked} not applied: source is {source_depth}-bit and "
                     f"padding adds nothing; kept {source_depth}-bit")
        depth = source_depth
    else:
        depth = asked
    top, bottom = max(spec.bit_depths), min(spec.bit_depths)
    if depth > top:
        notes.append(f"{job.format.value} encoder writes at most {top}-bit; "
                     f"{depth}-bit reduced to {top}-bit")
        depth = top
    elif depth < bottom:
        depth = bottom
    return depth


def _bit_depth_args(fmt: OutputFormat, depth: int) -> list[str]:
    planar = "p" if fmt is OutputFormat.ALAC else ""
    if depth <= 16:
        return ["-sample_fmt", f"s16{planar}"]
    return ["-sample_fmt", f"s32{planar}", "-bits_per_raw_sample", str(depth)]


def _bitrate_args(
    job: ConversionJob, spec: FormatSpec, channels: int, notes: list[str]
) -> list[str]:
    if job.format is OutputFormat.MP3 and (job.vbr or job.vbr_quality is not None
                                           or job.bitrate_kbps is None):
        return ["-q:a", str(_mp3_vbr_quality(job, notes))]
    asked = job.bitrate_kbps
    kbps = asked if asked is not None else spec.default_bitrate_kbps
    assert kbps is not None and spec.bitrate_range is not None
    low, high = spec.bitrate_range.limits(channels)
    if not low <= kbps <= high:
        clamped = min(max(kbps, low), high)
        notes.append(f"{job.format.value}: {kbps} kbps is outside {low}..{high} kbps for "
                     f"{channels} channel(s); using {clamped} kbps")
        kbps = clamped
    if job.format is OutputFormat.OGG_VORBIS:
        # The quality table is for stereo; scale the request to a stereo-equivalent.
        stereo_kbps = kbps * 2 / max(channels, 1)
        quality = min(_VORBIS_QUALITY_KBPS,
                      key=lambda q: abs(_VORBIS_QUALITY_KBPS[q] - stereo_kbps))
        notes.append(f"vorbis: {kbps} kbps mapped to quality {quality} "
                     f"(~{_VORBIS_QUALITY_KBPS[quality]} kbps nominal at 44.1 kHz stereo)")
        return ["-q:a", str(quality)]
    if job.format is OutputFormat.MP3:
        wanted = kbps
        snapped = min(MP3_CBR_BITRATES, key=lambda b: abs(b - wanted))
        if snapped != kbps:
            notes.append(f"mp3: {kbps} kbps is not an MPEG bitrate; using {snapped} kbps")
        kbps = snapped
    return ["-b:a", f"{kbps}k"]


def _mp3_vbr_quality(job: ConversionJob, notes: list[str]) -> int:
    if job.vbr_quality is not None:
        return job.vbr_quality
    if job.bitrate_kbps is None:
        if not job.vbr:
            notes.append(f"mp3: no bitrate asked; using VBR -V{_DEFAULT_MP3_VBR_QUALITY}")
        return _DEFAULT_MP3_VBR_QUALITY
    asked = job.bitrate_kbps
    level = min(_LAME_VBR_KBPS, key=lambda v: abs(_LAME_VBR_KBPS[v] - asked))
    notes.append(f"mp3 VBR: {asked} kbps mapped to -V{level} (~{_LAME_VBR_KBPS[level]} kbps)")
    return level


def _plan_video(job: ConversionJob, source: MediaInfo) -> EncodingPlan:
    video = source.video
    if video is None:
        raise InvalidMediaRequest(f"{source.path} has no video stream to put in "
                                  f"{job.format.value}")
    spec = spec_of(job.format)
    assert spec.muxer
    notes: list[str] = []
    # 0:V (capital) skips attached pictures, which are not the programme.
    args = ["-map", "0:V"]
    args += _chosen("a", source.of_kind("audio"), job.audio_languages, notes)
    subtitles = [s for s in source.of_kind("subtitle") if job.format is OutputFormat.MKV
                 or s.codec in TEXT_SUBTITLES]
    if len(subtitles) < len(source.of_kind("subtitle")):
        notes.append("mp4: image subtitles dropped (mp4 carries text subtitles only)")
    args += _chosen("s", subtitles, job.subtitle_languages, notes)
    args += ["-map_metadata", "0"]
    if job.title:
        args += ["-metadata", f"title={job.title}"]
    codec = job.video_codec
    if codec is None and job.format is OutputFormat.MP4 and video.codec not in MP4_VIDEO:
        codec = VideoCodec.H264  # the source's codec does not fit mp4: transcode, not remux
        notes.append(f"mp4 cannot carry {video.codec} video: transcoded to h264")
    if codec is None:
        args += ["-c", "copy"]
        expected = video.codec
    else:
        args += ["-c", "copy", *codec.encoder_args]
        if codec is VideoCodec.HEVC and job.format is OutputFormat.MP4:
            args += ["-tag:v", "hvc1"]  # the tag Apple players require for HEVC in mp4
        expected = codec.value
    if job.format is OutputFormat.MP4 and subtitles:
        args += ["-c:s", "mov_text"]  # mp4's text subtitle format
    if job.format is OutputFormat.MP4:
        args += ["-movflags", "+faststart"]
    for field in ("bitrate_kbps", "sample_rate_hz", "bit_depth"):
        if getattr(job, field) is not None:
            notes.append(f"{field} ignored: video outputs keep the source's audio as is")
    args += ["-f", spec.muxer]
    return EncodingPlan(tuple(args), expected, None, None, tuple(notes))
