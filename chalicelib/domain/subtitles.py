"""Subtitles for video tickets: what is wanted, what a source delivers, language codes.

Tickets name languages as ISO 639-1 ("en") or 639-2 ("eng", "fre"/"fra"); OpenSubtitles
speaks 639-1 (with "pt-br", "zh-cn"...), video files tag their streams in 639-2. `language`
reads any of them into one `Language` so the sources can be compared.
"""

from __future__ import annotations

from dataclasses import dataclass

from chalicelib.domain.errors import FieldError, ValidationError

# 639-1 -> the 639-2 codes files use (bibliographic first, then terminological).
_ISO639 = {
    "en": ("eng",), "fr": ("fre", "fra"), "de": ("ger", "deu"), "es": ("spa",),
    "it": ("ita",), "pt": ("por",), "nl": ("dut", "nld"), "sv": ("swe",), "no": ("nor",),
    "da": ("dan",), "fi": ("fin",), "pl": ("pol",), "cs": ("cze", "ces"), "hu": ("hun",),
    "ro": ("rum", "ron"), "el": ("gre", "ell"), "tr": ("tur",), "ru": ("rus",),
    "uk": ("ukr",), "ar": ("ara",), "he": ("heb",), "hi": ("hin",), "ja": ("jpn",),
    "ko": ("kor",), "zh": ("chi", "zho"), "th": ("tha",), "vi": ("vie",), "id": ("ind",),
}
_FROM_639_2 = {three: two for two, threes in _ISO639.items() for three in threes}


@dataclass(frozen=True)
class Language:
    code: str  # ISO 639-1, with a region when one was given ("pt-br")

    @property
    def base(self) -> str:
        return self.code.split("-")[0]

    @property
    def file_codes(self) -> tuple[str, ...]:
        """The ISO 639-2 codes a video file may tag this language with."""
        return _ISO639.get(self.base, ())


def language(value: str) -> Language:
    """A language from a 639-1 or 639-2 code; ValidationError for anything else."""
    text = value.strip().lower().replace("_", "-")
    base, _, region = text.partition("-")
    if base in _FROM_639_2:
        base = _FROM_639_2[base]
    if base not in _ISO639 or (region and not region.isalpha()):
        raise ValidationError(FieldError("subtitle_languages",
                                         f"unknown language code {value!r}"))
    return Language(f"{base}-{region}" if region else base)


@dataclass(frozen=True)
class SubtitleWanted:
    """The video subtitles are wanted for, as much as is known."""

    languages: tuple[Language, ...]
    imdb_id: str | None = None
    tmdb_id: int | None = None
    title: str | None = None
    year: int | None = None
    season: int | None = None
    episode: int | None = None
    video_path: str | None = None  # the downloaded file, for embedded streams


@dataclass(frozen=True)
class SubtitleFile:
    """One subtitle file for one language, and where it came from (audited)."""

    language: Language
    data: bytes
    format: str  # "srt", "ass"...
    source: str  # "opensubtitles" or "embedded"
    origin: str  # the file id or the stream index
    hearing_impaired: bool = False
