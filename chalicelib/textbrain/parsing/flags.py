"""Edition words (deluxe, remastered, extended...) and red flags (karaoke, tribute, live...)."""

from __future__ import annotations

import re

from chalicelib.textbrain.parsing.tokens import KeywordPattern, L, R, all_named, keyword_gate
from chalicelib.textbrain.release import RedFlag

_I = re.IGNORECASE

_EDITIONS: tuple[tuple[str, KeywordPattern], ...] = tuple(
    (name, KeywordPattern(keywords, L + pattern + R))
    for name, keywords, pattern in (
        ("deluxe", ("deluxe",), r"deluxe"),
        ("remastered", ("master",), r"re-?master(?:ed)?"),
        ("anniversary", ("anniversary",), r"anniversary"),
        ("expanded", ("expanded",), r"expanded"),
        ("bonus tracks", ("bonus",), r"bonus[ ._-]?tracks?"),
        ("extended", ("extended",), r"extended"),
        ("limited", ("limited",), r"limited"),
        ("special edition", ("special",), r"special[ ._-]edition"),
        ("collector's edition", ("collector",), r"collector'?s(?:[ ._-]edition)?"),
        (
            "director's cut",
            ("director", "dc"),
            r"(?:director'?s[ ._-]?cut|dc(?=[ ._-]*(?:\(?\d{4}|\d{3,4}p)))",
        ),
        ("unrated", ("unrated",), r"unrated"),
        ("uncut", ("uncut",), r"uncut"),
        ("theatrical", ("theatrical",), r"theatrical"),
        ("imax", ("imax",), r"imax"),
        ("criterion", ("criterion",), r"criterion"),
        ("remux", ("remux",), r"remux"),
        ("3d", ("3d",), r"3d"),
    )
)

_VARIOUS_ARTISTS = re.compile(r"^\s*(?:va|v\.a\.?|various(?:[ ._-]artists?)?)\s*$", _I)
_RED_FLAGS: tuple[tuple[RedFlag, KeywordPattern], ...] = (
    (
        RedFlag.KARAOKE,
        KeywordPattern(
            ("karaoke", "singalong", "sing along", "sing-along", "sing.along", "backing"),
            L + r"(?:karaoke|sing[ ._-]?along|backing[ ._-]tracks?)" + R,
        ),
    ),
    (RedFlag.TRIBUTE, KeywordPattern(("tribute", "homage"), L + r"(?:tribute|homage)" + R)),
    (
        RedFlag.COVER,
        KeywordPattern(
            ("cover", "music of", "music.of", "style of", "style.of", "famous", "performed",
             "rendition", "songs of", "songs.of", "hits of", "hits.of"),
            L + r"(?:covers?[ ._-](?:version|album|band)s?|covered[ ._-]by"
            r"|plays?[ ._-]the[ ._-]music[ ._-]of|in[ ._-]the[ ._-]style[ ._-]of"
            r"|(?:as[ ._-])?made[ ._-]famous[ ._-]by|originally[ ._-]performed[ ._-]by"
            r"|renditions?[ ._-]of|(?:plays?|performs?|sings?)[ ._-]the[ ._-](?:songs|hits)"
            r"[ ._-]of|\([^()]*[ ._-]cover(?:[ ._-]version)?\))" + R,
        ),
    ),
    (
        RedFlag.INSTRUMENTAL,
        KeywordPattern(
            ("instrumental", "minus", "capella", "cappella", "vocals only", "vocals.only",
             "stems"),
            L + r"(?:instrumentals?|minus[ ._-]one|a[ ._-]?capp?ella|vocals[ ._-]only|stems)" + R,
        ),
    ),
    (
        RedFlag.LIVE,
        KeywordPattern(
            ("live", "unplugged", "concert", "bootleg"),
            r"(?<!long[ ._-])" + L + r"(?:live|unplugged|concert|bootleg)" + R,
        ),
    ),
    (
        RedFlag.VA_COMPILATION,
        KeywordPattern(
            ("va -", "va-", "va.-", "v.a", "various", "compilation"),
            r"^\s*(?:va|v\.a\.?|various[ ._-]artists?)\s*-|"
            + L
            + r"(?:various[ ._-]artists|compilation)"
            + R,
        ),
    ),
    (RedFlag.SAMPLE, KeywordPattern(("sample",), L + r"sample" + R)),
    (
        RedFlag.AUDIOBOOK,
        KeywordPattern(
            (
                "audiobook",
                "audio book",
                "audio.book",
                "audio_book",
                "audio-book",
                "rbuch",
                "abridged",
                "narrated",
            ),
            L + r"(?:audio[ ._-]?books?|h[oö]rbuch|unabridged|abridged|narrated)" + R,
        ),
    ),
    (
        RedFlag.REMIX,
        KeywordPattern(
            ("remix", "rmx", "slowed", "sped", "nightcore", "8d", "boosted"),
            L + r"(?:remix(?:es|ed)?|rmx|slowed(?:[ ._-]*(?:\+|and|&)[ ._-]*reverb)?"
            r"|sped[ ._-]up|nightcore|8d[ ._-]audio|bass[ ._-]boosted)" + R,
        ),
    ),
    (RedFlag.TRAILER, KeywordPattern(("trailer", "teaser"), L + r"(?:trailer|teaser)" + R)),
)
_BOOKLET = KeywordPattern(
    ("pdf", "booklet", "scan", "artwork"), L + r"(?:pdf|booklet|scans?|artwork)" + R
)
_DISCOGRAPHY = KeywordPattern(
    ("discog", "diskog", "complete", "anthology", "albums", "box"),
    L + r"(?:discograph(?:y|ie)|discografia|diskografie|discographie|complete[ ._-]works"
    r"|anthology|(?:complete|studio)[ ._-]albums|box[ ._-]?set)" + R,
)
_COLLECTION = KeywordPattern(
    (
        "collection",
        "trilog",
        "quadrilog",
        "duology",
        "saga",
        "complete",
        "box",
        "greatest",
        "best",
        "essentials",
    ),
    L + r"(?:collection|trilogy|quadrilog(?:y|ie)|duology|saga|complete[ ._-]series|box[ ._-]?set"
    r"|greatest[ ._-]hits|best[ ._-]of|essentials)" + R,
)
# "(?<!\d)(?:19|20)" written as "[12]\d" then the look-behinds, so that `re` skips to each 1/2.
_YEAR_RANGE = re.compile(
    r"([12]\d(?<!\d\d\d)(?<=19|20)\d\d)[\s._]*[-–~][\s._]*((?:19|20)\d\d)(?!\d)"
)


def _all_keywords(patterns: tuple[tuple[object, KeywordPattern], ...]) -> tuple[str, ...]:
    return tuple(sorted({keyword for _, pattern in patterns for keyword in pattern.keywords}))


# Most titles name none of a family's keywords, and then the family is done with in one
# search (sixty substring checks, or a flat alternation of sixty words, cost several times more).
_EDITION_GATE = keyword_gate(_all_keywords(_EDITIONS))
_RED_FLAG_GATE = keyword_gate(_all_keywords((*_RED_FLAGS, (None, _BOOKLET))))
_ANY_GATE = keyword_gate(_all_keywords((*_RED_FLAGS, (None, _BOOKLET), *_EDITIONS)))


def may_name_flags_or_editions(lower: str) -> bool:
    """False when neither `red_flags_of` nor `editions_of` can find anything in a title whose
    lower case is `lower` (one search for both families: nine titles in ten name neither)."""
    return _ANY_GATE.search(lower) is not None


def editions_of(title: str, lower: str | None = None) -> tuple[str, ...]:
    """Canonical edition words named in the title, in a fixed order.

    `lower` is `title.lower()` when the caller has it (the same for the functions below)."""
    lower = title.lower() if lower is None else lower
    if _EDITION_GATE.search(lower) is None:
        return ()
    return all_named(_EDITIONS, title, lower)


def is_various_artists(artist: str | None) -> bool:
    """True for 'VA', 'V.A.' and 'Various Artists'."""
    return artist is not None and _VARIOUS_ARTISTS.match(artist) is not None


def red_flags_of(
    title: str, has_audio_format: bool, lower: str | None = None
) -> frozenset[RedFlag]:
    """Signs the release is not the original studio recording or not the content itself."""
    lower = title.lower() if lower is None else lower
    if _RED_FLAG_GATE.search(lower) is None:
        return frozenset()
    flags = set(all_named(_RED_FLAGS, title, lower))
    if not has_audio_format and _BOOKLET.search(title, lower):
        flags.add(RedFlag.BOOKLET_ONLY)
    return frozenset(flags)


def is_discography(title: str, lower: str | None = None) -> bool:
    """Whether the title announces a whole discography."""
    return _DISCOGRAPHY.search(title, lower) is not None


def is_collection(title: str, lower: str | None = None) -> bool:
    """Whether the title announces a collection, box set or pack of several works."""
    return _COLLECTION.search(title, lower) is not None


def year_range_of(title: str) -> tuple[int, int] | None:
    """'1969-1982', '1985 - 2015' or '1998_-_2001' as (first, last), if in order."""
    if title.count("19") + title.count("20") < 2:
        return None  # two years, two centuries' digits: most titles name one year or none
    match = _YEAR_RANGE.search(title)
    if match is None:
        return None
    first, last = int(match.group(1)), int(match.group(2))
    return (first, last) if first <= last else None


def discography_start(title: str) -> int | None:
    """Where the discography word starts, to cut the artist name before it."""
    match = _DISCOGRAPHY.search(title)
    return match.start() if match is not None else None


# --- hazards: what makes a release unsafe or a lesser copy, whatever its name says ---------
# Extensions that run code when opened on a desktop; never part of a media release.
EXECUTABLE_EXTENSIONS = frozenset({
    "exe", "scr", "lnk", "bat", "cmd", "com", "msi", "pif", "vbs", "vbe", "js", "jse", "wsf",
    "wsh", "ps1", "hta", "cpl", "jar", "apk", "reg", "dll", "application", "gadget", "msc",
})
# '.com' ends many site names in titles ('[ www.site.com ]'), so titles leave it out.
_TITLE_EXECUTABLE = re.compile(
    r"\.(?:exe|scr|lnk|bat|cmd|msi|pif|vbs|vbe|jse?|wsf|ps1|hta|cpl|jar|apk)\s*$"
    r"|\.(?:mkv|mp4|avi|m4v|wmv|mov|flac|mp3|m4a|wav|pdf|epub|jpe?g|zip|rar)"
    r"\.(?:exe|scr|lnk|bat|cmd|com|pif|vbs|js)" + R,
    _I,
)
_PASSWORD = KeywordPattern(
    ("pass", "pw"),
    L + r"(?:password(?:ed)?|passworded|pass(?:word)?[ ._-]?protected|pw[ ._-]?protected"
    r"|pass(?:word)?[ ._-]?(?:inside|required|needed))" + R,
)
_HARDCODED_SUBS = KeywordPattern(
    ("sub", "hc", "hard"),
    L + r"(?:hc|hc[ ._-]?(?:rip|sub(?:s|bed)?)|korsubs?|kor[ ._-]subs?"
    r"|hard[ ._-]?(?:coded[ ._-]?)?sub(?:s|bed|titles?|titled)?|hardcoded|burn(?:ed|t)[ ._-]?"
    r"in[ ._-]?subs?)" + R,
)
_CAMERA = KeywordPattern(
    ("cam", "ts", "tc", "tele", "scr", "dvd", "r5", "screener"),
    L + r"(?:(?:hd|hq|new)?[ ._-]?cam(?:rip)?|pre[ ._-]?dvd(?:rip)?"
    r"|(?<!video[ ._-])(?:hd)?ts(?:rip)?|telesync|pdvd|(?:hd)?tc|telecine"
    r"|(?:dvd|bd|web|hd)?[ ._-]?scr(?:eener)?|r5)" + R,
)
_EXTRAS = KeywordPattern(
    ("extra", "bonus", "featurette", "behind", "special", "making", "deleted", "gag", "blooper"),
    L + r"(?:extras|bonus(?![ ._-]?tracks?)|featurettes?|behind[ ._-]the[ ._-]scenes"
    r"|special[ ._-]features|making[ ._-]of|deleted[ ._-]scenes|gag[ ._-]reels?|bloopers)" + R,
)
_HAZARD_GATE = keyword_gate(
    _all_keywords(((None, _PASSWORD), (None, _HARDCODED_SUBS), (None, _CAMERA), (None, _EXTRAS)))
)
# A '.ts' file extension is a transport stream, not a telesync source.
_TS_EXTENSION = re.compile(r"\.ts\s*$", _I)


def title_hazards(title: str) -> frozenset[RedFlag]:
    """Red flags a title shows about its safety or source, for any kind of content.

    Which of them matter depends on the ticket (hard-coded subtitles mean nothing for an
    album); the scorer decides that.
    """
    flags = set()
    if _TITLE_EXECUTABLE.search(title):
        flags.add(RedFlag.EXECUTABLE)
    lower = title.lower()
    if _HAZARD_GATE.search(lower) is None:
        return frozenset(flags)
    if _PASSWORD.search(title, lower):
        flags.add(RedFlag.PASSWORD_PROTECTED)
    if _HARDCODED_SUBS.search(title, lower):
        flags.add(RedFlag.HARDCODED_SUBS)
    if _CAMERA.search(_TS_EXTENSION.sub("", title), lower):
        flags.add(RedFlag.CAMERA_SOURCE)
    if _EXTRAS.search(title, lower):
        flags.add(RedFlag.EXTRAS_ONLY)
    return frozenset(flags)
