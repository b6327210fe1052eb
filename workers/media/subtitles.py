"""EmbeddedSubtitles: a video's own text subtitle streams, extracted to SRT with ffmpeg.

The fallback when no OpenSubtitles key is configured. Only text streams convert to SRT
(subrip, ass/ssa, mov_text, webvtt); picture subtitles (PGS, VobSub) would need OCR and are
skipped. Streams are matched by their `language` tag (ISO 639-2); forced-only streams are
taken last, since they subtitle only foreign-language lines.
"""

from __future__ import annotations

import json
import logging
import subprocess
from dataclasses import dataclass
from pathlib import Path

from chalicelib.domain.subtitles import SubtitleFile, SubtitleWanted

log = logging.getLogger("quentin.agent.subtitles")
TEXT_CODECS = frozenset({"subrip", "srt", "ass", "ssa", "mov_text", "webvtt", "text"})


@dataclass(frozen=True)
class SubtitleStream:
    index: int
    codec: str
    language: str  # as tagged, lower-case ("eng"); "" when untagged
    forced: bool
    hearing_impaired: bool


def subtitle_streams(video: Path, timeout_secs: float = 60) -> list[SubtitleStream]:
    """The subtitle streams ffprobe sees in `video` (empty when it cannot read it)."""
    command = ["ffprobe", "-v", "error", "-select_streams", "s", "-show_entries",
               "stream=index,codec_name:stream_tags=language:stream_disposition=forced,"
               "hearing_impaired", "-of", "json", str(video)]
    result = subprocess.run(command, capture_output=True, timeout=timeout_secs, check=False)
    if result.returncode != 0:
        log.info("ffprobe could not read %s: %s", video.name, result.stderr[-300:])
        return []
    streams = []
    for s in json.loads(result.stdout or b"{}").get("streams", []):
        disposition = s.get("disposition") or {}
        streams.append(SubtitleStream(int(s["index"]), str(s.get("codec_name", "")),
                                      str((s.get("tags") or {}).get("language", "")).lower(),
                                      bool(disposition.get("forced")),
                                      bool(disposition.get("hearing_impaired"))))
    return streams


class EmbeddedSubtitles:
    name = "embedded"

    def __init__(self, timeout_secs: float = 300) -> None:
        self._timeout = timeout_secs

    def fetch(self, wanted: SubtitleWanted) -> list[SubtitleFile]:
        if not wanted.video_path or not wanted.languages:
            return []
        video = Path(wanted.video_path)
        streams = [s for s in subtitle_streams(video) if s.codec in TEXT_CODECS]
        found: list[SubtitleFile] = []
        for lang in wanted.languages:
            matching = sorted((s for s in streams if s.language in lang.file_codes),
                              key=lambda s: (s.forced, s.hearing_impaired, s.index))
            for stream in matching:
                data = self._extract(video, stream)
                if data:
                    found.append(SubtitleFile(lang, data, "srt", self.name,
                                              f"stream {stream.index}", stream.hearing_impaired))
                    break
        return found

    def _extract(self, video: Path, stream: SubtitleStream) -> bytes | None:
        command = ["ffmpeg", "-nostdin", "-v", "error", "-i", str(video),
                   "-map", f"0:{stream.index}", "-c:s", "srt", "-f", "srt", "pipe:1"]
        result = subprocess.run(command, capture_output=True, timeout=self._timeout,
                                check=False)
        if result.returncode != 0 or not result.stdout.strip():
            log.info("stream %d of %s not extracted: %s", stream.index, video.name,
                     result.stderr[-300:])
            return None
        return result.stdout
