"""Technical quality named in a title: resolution, source, video codec and audio format."""

from __future__ import annotations

import re
from dataclasses import dataclass

from chalicelib.textbrain.parsing.tokens import KeywordPattern, L, R, first_named

_I = re.IGNORECASE

# Run on lower-cased text. "(?<!\d)\d{3,4}" written as a digit first, then the look-behind
# (no digit before it): a pattern that starts with a character class lets `re` skip ahead
# to the next digit, where a leading look-behind is tried at every position.
_RESOLUTION = re.compile(r"(\d(?<!\d\d)\d{2,3})[pi](?:\d{2})?" + R)
# "[BD-1080]", "_1080.BD": a bare 1080 (never an episode number that high in practice);
# a bare 720 or 480 may be an episode, so it does not count.
_BARE_HEIGHT = KeywordPattern(("1080",), r"(?<![\w.])(1080)(?![\w.])")
_FRAME_SIZE = KeywordPattern(("x", "*", "×"), r"(\d(?<!\d\d)\d{2,3}) ?[x*×] ?(\d{3,4})(?!\d)")
_UHD = KeywordPattern(
    ("4k", "uhd", "ultrahd", "2160"), L + r"(?:4k|uhd(?:bd|remux)?|ultrahd|2160)" + R
)

# (canonical source, pattern); the first pattern that matches names the source.
_SOURCES: tuple[tuple[str, KeywordPattern], ...] = tuple(
    (name, KeywordPattern(keywords, L + pattern + R))
    for name, keywords, pattern in (
        (
            "WEB-DL",
            ("web", "amzn", "nf", "dsnp", "hulu", "atvp"),
            r"(?:web[ ._-]?dl(?:rip)?|webdl|(?:amzn|nf|dsnp|hulu|atvp)[ ._-]web)",
        ),
        ("WEBRip", ("web",), r"(?:web[ ._-]?rip|webmux)"),
        (
            "BluRay",
            ("blu", "rip", "bd", "br", "dvd"),
            r"(?:m?blu[ ._-]?ray\d*p?|b[dr][ ._-]?rip(?:mux)?|bd(?:25|50|mux|remux)?|brmux"
            r"|uhdbd|bdremux|hd[ ._-]?dvd(?:rip)?)",
        ),
        ("HDTV", ("hd",), r"(?:hdtv(?:rip)?|ahdtv|hd[ ._-]tv)"),
        ("TV", ("tv", "dsr", "dvb"), r"(?:pdtv|sdtv|dsr(?:ip)?|tvrip|dvb(?:rip)?|sd[ ._-]tv)"),
        (
            "DVD",
            ("dvd", "ntsc"),
            r"(?:dvd(?:rip|5|9|r|[ ._-]r|[ ._-]?rip|mux)?|sd[ ._-]dvd|ntsc|xvidvd)",
        ),
        ("Screener", ("scr", "r5"), r"(?:dvd[ ._-]?scr|scr|screener|bdscr|r5)"),
        (
            "CAM",
            ("cam", "tele", "ts"),
            r"(?:cam(?:rip)?|hdcam|telesync|tsrip|hdts|ts(?=[ ._-]?x26)|telecine)",
        ),
        ("VHS", ("vhs",), r"(?:vhs(?:rip)?)"),
        (
            "WEB",
            ("web", "itunes", "amzn", "netflix", "nf"),
            r"(?:web|webflac|itunes|amzn|netflix(?:hd|uhd)?|nf)",
        ),
        ("Vinyl", ("vinyl", "lp"), r"(?:vinyl(?:rip)?|lp[ ._-]?rip)"),
        ("CD", ("cd", "eac"), r"(?:\d{0,2}cds?|cd[ ._-]?rip|eac)"),
    )
)

_CODECS: tuple[tuple[str, KeywordPattern], ...] = tuple(
    (name, KeywordPattern(keywords, L + pattern + R))
    for name, keywords, pattern in (
        ("H.265", ("265", "hevc"), r"(?:x[ .]?265|h[ .]?265|hevc(?:10)?)"),
        ("H.264", ("264", "avc"), r"(?:x[ .]?264|h[ .]?264|avc)"),
        ("XviD", ("xvid",), r"xvid(?:vd)?"),
        ("DivX", ("divx",), r"divx"),
        ("AV1", ("av1",), r"av1"),
        ("VP9", ("vp9",), r"vp9"),
        ("VC-1", ("vc",), r"vc[ .-]?1"),
        ("MPEG-2", ("mpeg", "mpg2", "h262"), r"(?:mpeg[ .-]?2|mpg2|h262)"),
    )
)

# Sources and codecs of standard definition: with no resolution in the title, the release is
# 480p (this is what Sonarr and Radarr assume, e.g. "Show S02E01 HDTV XviD" is SDTV).
_SD_HINT = re.compile(
    L + r"(?:hdtv|pdtv|sdtv|dsr(?:ip)?|tvrip|dvd\w*|xvid\w*|divx|ntsc|b[dr]rip|b[dr]ripmux|webmux"
    r"|sd[ ._-](?:tv|dvd)|ws|avi|vhs\w*|dvb\w*|\w*sd)" + R,
    _I,
)

# Conventions of Sonarr/Radarr for titles that state no resolution, in order: full discs and
# remuxes are 1080p, "HD TV"/HR and Blu-ray 720p, SD broadcast/DVD sources 480p, and a WEB-DL
# or a bare .mkv 720p.
_IMPLIED_RESOLUTIONS: tuple[tuple[str, re.Pattern[str]], ...] = (
    (
        "1080p",
        re.compile(
            L + r"(?:fhd|raw[ ._-]hd|bdiso|bd(?:25|50)|remux|iso|complete[ ._-]bluray)" + R, _I
        ),
    ),
    ("480p", re.compile(L + r"(?:xvid|divx)" + R, _I)),
    ("720p", re.compile(L + r"(?:hd[ ._-]tv|hr|m?blu[ ._-]?ray)" + R + r"|\[hdtv\]", _I)),
    ("480p", _SD_HINT),
    ("720p", re.compile(L + r"(?:web[ ._-]?dl|webdl|web[ ._-]?rip|web|mkv|m2ts)" + R, _I)),
)

# The same without IGNORECASE, for lower-cased text, each behind the words that every one of
# its matches contains: most titles state a resolution or name none of these tags.
_IMPLIED_KEYWORDS: tuple[tuple[str, ...], ...] = (
    ("fhd", "raw", "bd", "remux", "iso", "complete"),
    ("xvid", "divx"),
    ("hd", "hr", "blu"),
    ("tv", "dsr", "dvd", "xvid", "divx", "ntsc", "rip", "mux", "sd", "ws", "avi", "vhs", "dvb"),
    ("web", "mkv", "m2ts"),
)
_IMPLIED_RESOLUTIONS_LOWER = tuple(
    (resolution, KeywordPattern(keywords, pattern.pattern, 0))
    for (resolution, pattern), keywords in zip(_IMPLIED_RESOLUTIONS, _IMPLIED_KEYWORDS, strict=True)
)

# Audio, strongest first: a lossless codec word beats lossy ones found elsewhere in the title.
_FLAC = KeywordPattern(("flac",), r"(?<![^\W\d_])(?:web)?flac" + R)
_HIRES = re.compile(
    r"(?<![^\W_])(?:24[ ._-]?bits?|24[ ._-](?:44|48|88|96|176|192)|24/(?:44|48|88|96|176|192)|tr24"
    r"|(?:88|96|176|192)[ .]?khz)",
    _I,
)
_ALAC = KeywordPattern(("alac",), L + r"alac" + R)
_APE = KeywordPattern(("ape",), L + r"ape" + R)
_WAVPACK = KeywordPattern(("wv", "wavpack"), L + r"(?:wavpack|wv)" + R)
_VORBIS = KeywordPattern(
    ("ogg", "vorbis"), L + r"(?:ogg|vorbis)(?:[ ._-]?vorbis)?[ ._/-]*q[ ._-]?(\d{1,2})" + R, _I
)
_OPUS = KeywordPattern(("opus",), L + r"opus" + R)
_AAC = KeywordPattern(("aac", "m4a"), L + r"(?:aac|m4a)" + R)
_ITUNES = KeywordPattern(("itunes",), L + r"itunes(?:[ ._-]?plus)?" + R)
_MP3 = KeywordPattern(("mp3",), L + r"mp3" + R)
_VBR_PRESET = KeywordPattern(("v0", "v2"), L + r"(?:vbr[ ._-]?)?(v[02])" + R)
_BITRATE = KeywordPattern(
    ("320", "256", "224", "192", "160", "128"),
    r"(?:(?<![\w.])(?:mp3|m4a|aac)[ ._-]?|@|(?<=[\[(])|(?<![^\W_]))(320|256|224|192|160|128)"
    r"(?:[ ._-]?k(?:bps|bit)?s?)?(?=$|[\s\])}\-_,./])",
)
_KBPS = KeywordPattern(("kbps",), r"(\d{2,3})[ ._-]?kbps")
_LOSSLESS_WORD = KeywordPattern(("lossless",), L + r"lossless" + R)


@dataclass(frozen=True)
class Quality:
    """Technical facts a title states; None where it says nothing."""

    resolution: str | None
    source: str | None
    codec: str | None
    audio_format: str | None


def _height_to_resolution(height: int) -> str:
    if height >= 1800:
        return "2160p"
    if height >= 1000:
        return "1080p"
    if height >= 700:
        return "720p"
    if height == 576:
        return "576p"
    return "480p"


def _width_to_resolution(width: int, height: int) -> str:
    if height in (480, 576, 720, 1080, 2160):
        return _height_to_resolution(height)
    if width >= 3200:
        return "2160p"
    if width >= 1800:
        return "1080p"
    if width >= 1200:
        return "720p"
    return "480p"


def states_resolution(title: str, lower: str | None = None) -> bool:
    """Whether the title names a resolution outright (720p, 1920x1080, 4K), not by inference.

    `lower` is `title.lower()` when the caller has it (the same for the functions below)."""
    lower = title.lower() if lower is None else lower
    return bool(
        _RESOLUTION.search(lower) or _FRAME_SIZE.search(lower, lower) or _UHD.search(lower, lower)
    )


def resolution_of(title: str) -> str | None:
    """Canonical resolution; SD-only sources without a stated resolution count as 480p."""
    lower = title.lower()
    match = _RESOLUTION.search(lower)
    if match is not None:
        height = int(match.group(1))
        if height >= 240:
            return _height_to_resolution(height)
    frame = _FRAME_SIZE.search(lower, lower)
    if frame is not None:
        width, height = int(frame.group(1)), int(frame.group(2))
        if width > height >= 240:
            return _width_to_resolution(width, height)
    bare = _BARE_HEIGHT.search(lower, lower)
    if bare is not None:
        return _height_to_resolution(int(bare.group(1)))
    if _UHD.search(lower, lower):
        return "2160p"
    # Lower-cased text and case-sensitive patterns: several times faster in `re`.
    return first_named(_IMPLIED_RESOLUTIONS_LOWER, lower, lower)


def source_of(title: str, lower: str | None = None) -> str | None:
    """The canonical source (WEB-DL, BluRay, HDTV, CD, Vinyl...)."""
    return first_named(_SOURCES, title, title.lower() if lower is None else lower)


def codec_of(title: str, lower: str | None = None) -> str | None:
    """The canonical video codec (H.264, H.265, XviD...)."""
    return first_named(_CODECS, title, title.lower() if lower is None else lower)


def _mp3_bitrate(text: str, lower: str) -> str | None:
    preset = _VBR_PRESET.search(text, lower)
    if preset is not None:
        return preset.group(1).upper()
    match = _BITRATE.search(text, lower)
    if match is not None:
        return match.group(1)
    kbps = _KBPS.search(text, lower)
    return kbps.group(1) if kbps is not None else None


def audio_format_of(title: str, tag_text: str, music_web: bool = False) -> str | None:
    """The canonical audio format (FLAC, FLAC 24bit, MP3 320, AAC 256, Vorbis q8...).

    `tag_text` is the title without its leading name part: codec words found there win over
    those that are merely part of a name ("Opus - Drums Unlimited [Flac]" is FLAC). A scene
    music release from WEB that names no codec is MP3 320, as Lidarr assumes.
    """
    hires = _HIRES.search(title) is not None
    found = _audio_in(tag_text, hires, title)
    if found is None and tag_text != title:
        found = _audio_in(title, hires, title)
    if found is None and hires:
        return "FLAC 24bit"
    if found is None and music_web:
        return "MP3 320"
    return found


def _audio_in(text: str, hires: bool, title: str) -> str | None:
    lower = text.lower()
    if _FLAC.search(text, lower) or (hires and _LOSSLESS_WORD.search(title)):
        return "FLAC 24bit" if hires else "FLAC"
    if _ALAC.search(text, lower):
        return "ALAC"
    if _WAVPACK.search(text, lower):
        return "WavPack"
    if _APE.search(text, lower):
        return "APE"
    vorbis = _VORBIS.search(text, lower)
    if vorbis is not None:
        return f"Vorbis q{int(vorbis.group(1))}"
    bitrate = _mp3_bitrate(text, lower)
    if _AAC.search(text, lower) or _ITUNES.search(text, lower):
        return "AAC 256" if bitrate == "256" or _ITUNES.search(text, lower) else "AAC"
    if _OPUS.search(text, lower):
        return "Opus"
    if bitrate in ("320", "256", "192", "V0", "V2"):
        return f"MP3 {bitrate}"
    if _MP3.search(text, lower) or bitrate is not None:
        return "MP3"
    return None


def quality_of(title: str, tag_text: str, music_web: bool = False) -> Quality:
    """All technical facts of a title in one pass."""
    return Quality(
        resolution=resolution_of(title),
        source=source_of(title),
        codec=codec_of(title),
        audio_format=audio_format_of(title, tag_text, music_web),
    )
