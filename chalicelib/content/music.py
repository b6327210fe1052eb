"""Music rules: audio files, audio categories, weights, and how an offered format fits."""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from chalicelib.content import extensions
from chalicelib.content.rules import ContentRules, frozen_weights
from chalicelib.domain.candidate import Category, SearchKind
from chalicelib.domain.request import Constraints, OutputFormat

RULES = ContentRules(
    family="music",
    search_kind=SearchKind.MUSIC,
    categories=(Category.AUDIO,),
    wanted_extensions=extensions.AUDIO,
    weights=frozen_weights(
        {
            "artist": 3.0,
            "album": 3.0,
            "track_titles": 2.0,
            "year": 0.5,
            "format": 1.5,
            "track_count": 2.0,
            "durations": 1.0,
            "red_flags": 1.0,
            "release_kind": 1.0,
            "seeders": 0.3,
            "size": 0.3,
        }
    ),
)

# Seconds per track assumed when a ticket gives no durations.
TYPICAL_TRACK_SECS = 240.0
# Average bitrates (kbit/s) used only to judge whether a release size is plausible.
LOSSLESS_KBPS = 900
DEFAULT_LOSSY_KBPS = 256

_BITRATE = re.compile(r"\b(\d{2,3})\b")
_VBR = re.compile(r"\bV([0-9])\b", re.IGNORECASE)


@dataclass(frozen=True)
class AudioQuality:
    """What an offered audio format is: its codec, whether lossless, and its bitrate if known."""

    codec: str
    lossless: bool
    bitrate_kbps: int | None = None
    label: str = ""

    @property
    def nominal_kbps(self) -> int:
        """A bitrate to estimate sizes with, known or typical."""
        if self.lossless:
            return LOSSLESS_KBPS
        return self.bitrate_kbps or DEFAULT_LOSSY_KBPS


_CODEC_WORDS: tuple[tuple[str, str, bool], ...] = (
    ("FLAC", "flac", True),
    ("ALAC", "alac", True),
    ("APE", "ape", True),
    ("WAVPACK", "wavpack", True),
    ("WAV", "wav", True),
    ("MP3", "mp3", False),
    ("AAC", "aac", False),
    ("VORBIS", "vorbis", False),
    ("OGG", "vorbis", False),
    ("OPUS", "opus", False),
)
# Vorbis quality levels as nominal bitrates (q8 is about 256 kbit/s, q10 about 500).
_VORBIS_Q = {"q10": 500, "q9": 320, "q8": 256, "q7": 224, "q6": 192, "q5": 160}
_MP3_VBR_KBPS = {0: 245, 1: 225, 2: 190}


@functools.lru_cache(maxsize=256)
def audio_quality(label: str | None) -> AudioQuality | None:
    """Read the parser's canonical audio_format label ('FLAC 24bit', 'MP3 320', 'MP3 V0')."""
    if not label:
        return None
    upper = label.upper()
    for word, codec, lossless in _CODEC_WORDS:
        if word in upper:
            return AudioQuality(codec, lossless, _bitrate(codec, label), label)
    return None


def quality_from_extensions(exts: set[str]) -> AudioQuality | None:
    """The format the audio files of a torrent are in, when their extensions say it."""
    if not exts:
        return None
    if exts & extensions.LOSSLESS_AUDIO:
        ext = sorted(exts & extensions.LOSSLESS_AUDIO)[0]
        return AudioQuality(ext, True, None, ext.upper())
    codec_by_ext = {"mp3": "mp3", "ogg": "vorbis", "oga": "vorbis", "opus": "opus", "aac": "aac",
                    "m4a": "aac", "wma": "wma", "mpc": "musepack"}
    ext = sorted(exts)[0]
    return AudioQuality(codec_by_ext.get(ext, ext), False, None, ext.upper())


def _bitrate(codec: str, label: str) -> int | None:
    if codec == "vorbis":
        for q, kbps in _VORBIS_Q.items():
            if q in label.lower():
                return kbps
    vbr = _VBR.search(label)
    if codec == "mp3" and vbr:
        return _MP3_VBR_KBPS.get(int(vbr.group(1)), 160)
    found = _BITRATE.search(label)
    return int(found.group(1)) if found and codec != "flac" else None


_CODEC_OF_FORMAT = {
    OutputFormat.OGG_VORBIS: "vorbis",
    OutputFormat.OPUS: "opus",
    OutputFormat.MP3: "mp3",
    OutputFormat.AAC: "aac",
    OutputFormat.FLAC: "flac",
    OutputFormat.ALAC: "alac",
}


def format_fit(constraints: Constraints, offered: AudioQuality | None) -> tuple[float, str]:
    """How well an offered audio format serves the requested output, with a one-line reason.

    A lossless source is best for any lossy target (one clean transcode); a lossy source of
    the same codec at the requested bitrate is fine; a lossy source for a lossless request
    can never become lossless.
    """
    wanted = constraints.format
    if offered is None:
        return 0.5, "format not stated in the title"
    shown = offered.label or offered.codec
    if wanted is OutputFormat.ORIGINAL or not wanted.is_audio:
        if offered.lossless:
            return 1.0, f"{shown}: lossless, any format accepted"
        return 0.85, f"{shown}: lossy, any format accepted"
    if wanted.is_lossless:
        if offered.lossless:
            return 1.0, f"{shown}: lossless as requested ({wanted.value})"
        return 0.1, f"lossless {wanted.value} requested but {shown} offered"
    if offered.lossless:
        return 1.0, f"{shown}: lossless source transcodes cleanly to {wanted.value}"
    target = constraints.bitrate_kbps
    same_codec = offered.codec == _CODEC_OF_FORMAT.get(wanted)
    rate = offered.bitrate_kbps
    if target is not None and rate is not None and rate < target * 0.9:
        return 0.3, f"{shown}: below the requested {target} kbit/s"
    if same_codec:
        return 1.0, f"{shown}: same codec as the requested {wanted.value}, no transcode needed"
    if rate is None:
        return 0.6, f"{shown}: lossy, bitrate unknown, lossy-to-lossy transcode to {wanted.value}"
    return 0.7, f"{shown}: lossy source, lossy-to-lossy transcode to {wanted.value}"
