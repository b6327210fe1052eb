"""Release-title parsing: `parse(title)` reads what a torrent/usenet release title says.

Pure functions over precompiled regular expressions; no I/O. The modules split the work:
tokens (separators, clean-up), quality, tv, movie (name/year/group), music, flags.
"""

from __future__ import annotations

import re

from chalicelib.content import extensions
from chalicelib.textbrain.parsing.anime import (
    AbsoluteMarker,
    find_absolute_marker,
    may_have_absolute_marker,
)
from chalicelib.textbrain.parsing.flags import (
    editions_of,
    is_collection,
    is_discography,
    is_various_artists,
    may_name_flags_or_editions,
    red_flags_of,
    year_range_of,
)
from chalicelib.textbrain.parsing.movie import (
    alternative_title_of,
    first_strong_tag,
    has_documentary_label,
    movie_title,
    release_group_of,
    year_of,
)
from chalicelib.textbrain.parsing.music import artist_album, looks_like_scene_music
from chalicelib.textbrain.parsing.quality import (
    audio_format_of,
    codec_of,
    resolution_of,
    source_of,
    states_resolution,
)
from chalicelib.textbrain.parsing.tokens import (
    KeywordPattern,
    clean_name,
    literal_first,
    plain_text,
    prefer_latin,
    split_extension,
    strip_leading_noise,
)
from chalicelib.textbrain.parsing.tv import (
    EpisodeMarker,
    find_air_date,
    find_explicit_marker,
    find_terse_marker,
)
from chalicelib.textbrain.release import ParsedRelease, RedFlag, ReleaseKind

__all__ = ["parse"]

_I = re.IGNORECASE
_VIDEO_SOURCES = frozenset(
    {"WEB-DL", "WEBRip", "BluRay", "HDTV", "TV", "DVD", "Screener", "CAM", "VHS"}
)
_MUSIC_SOURCES = frozenset({"CD", "Vinyl"})
_VIDEO_LANGUAGE = re.compile(
    literal_first(
        r"(?<![^\W_])(?:GERMAN|FRENCH|TRUEFRENCH|VOSTFR|MULTi|MULTI|ITA|FR|VFF|VFQ|SWISSGERMAN)"
        r"(?![^\W_])"
    )
)
_MUSIC_WORDS = re.compile(
    r"(?<![^\W_])(?:album|single|ost|soundtrack|discograph\w*|discografia|lossless|kbps"
    r"|\d{0,2}cds?|cd[ ._-]?rip|web[ ._-]?flac|24[ ._-]?bits?|tr24|flac|mp3|alac|ape|wv|wavpack|ogg"
    r"|vorbis|m4a|v0|(?<=[\[(])(?:320|256|192)(?=[\])])|(?<=\s)(?:320|256|192)(?=\s*$))(?![^\W_])",
    _I,
)
_EBOOK = KeywordPattern(
    ("epub", "mobi", "azw", "ebook", "cbr", "cbz", "djvu"),
    r"(?<![^\W_])(?:epub|mobi|azw3?|ebooks?|cbr|cbz|djvu)(?![^\W_])",
)
_SOFTWARE = re.compile(
    literal_first(
        r"(?<![^\W_])(?:x64|x86|win(?:dows)?(?:[ ._]?(?:7|8|10|11|xp))?|macos|mac[ ._]os|linux"
        r"|keygen|crack(?:ed)?|portable|setup|installer|multilingual|iso)(?![^\W_])"
    ),
    _I,
)
_DISCS = KeywordPattern(("cd", "disc"), r"(?<![^\W_])(\d{1,2})[ ._-]?(?:cds?|discs?)(?![^\W_])")
_TRAILING_DATE = re.compile(r"[\s._-]+(?:19|20)\d\d[\s._-]\d\d[\s._-]\d\d\s*$")
_TRAILING_CODEC = re.compile(r"[\s._-]+(?:[xh]\.?26[45]|xvid|hevc)$", re.IGNORECASE)
_CODEC_ENDS = frozenset("45dDcC")  # the last characters of the codecs of _TRAILING_CODEC
_COUNTRY_IN_PARENS = re.compile(r"\s*\((?:US|UK|AU|CA|NZ)\)\s*$")
# Packaging words between a series name and its season marker ("Show.COMPLETE.S01-S09").
_TRAILING_PACKAGING = KeywordPattern(
    ("complete", "integrale", "intégrale", "season", "saison"),
    r"(?:[\s._-]+(?:(?:the[\s._])?(?:complete|integrale|int[eé]grale)(?:[\s._](?:series|seasons?"
    r"|collection|box[\s._]?set|tv[\s._]series))?|seasons?|saisons?))+[\s._\-(\[]*$",
    re.IGNORECASE,
)
# A bracketed tag between a series name and its marker ("You.[Uncut].S01").
_TRAILING_SQUARE = re.compile(r"\s*\[[^\]]*\]$")
_new_instance = object.__new__
_BRACKETED_YEAR = re.compile(r"[(\[]((?:19|20)\d\d)[)\]]")
# A year after an episode marker: not a piece of a date (2023.05.14), not the start of a span
# ("(1988 - 89)"), not a Spanish episode number ("Cap.1905").
# Three or more words of letters joined by hyphens, as web slugs write names ("9-1-1" and
# "Spider-Man" are not).
_SLUG = re.compile(r"[^\W\d_]{2,}(?:-[^\W\d_]+){2,}")
# Two such words when the whole title is written that way ("blue-harbor-episode-12-720p").
_PAIR_SLUG = re.compile(r"[^\W\d_]{2,}-[^\W\d_]{2,}")
_ONLY_HYPHENS = re.compile(r"[^\s._]+")
# A name that ends in "Vol" (its number taken for an episode): "Show - Vol", "Show Vol 1v2 & Vol".
_TRAILING_VOLUME = re.compile(
    r"[\s._-]*(?:\bvol(?:ume)?\.?[\s._]*\d+(?:v\d)?[\s._]*[&+,][\s._]*)*\bvol(?:ume)?\.?$",
    re.IGNORECASE,
)
_BRACKETED = re.compile(r"\[[^\]]*\]|\([^)]*\)")
# The century's first digit is matched first and the look-behinds read back from it: a pattern
# that starts with a character class is tried only where that class matches.
_LATER_YEAR = re.compile(
    r"([12](?<![^\W_][12])(?<!\d[.-][12])(?<![Cc]ap\.[12])(?:(?<=1)9|(?<=2)0)\d\d)(?![^\W_])"
    r"(?![.-]\d)(?!\s*[-–]\s*\d)"
)
_NAME_YEAR = re.compile(r"(?<![^\W_])[(\[]?((?:19|20)\d\d)[)\]]?$")


def _series_title(body: str, marker: EpisodeMarker) -> str | None:
    name = body[: marker.start]
    # The end-anchored patterns below would be tried at every separator of the name: the
    # last character tells first whether they can match at all.
    if name.rstrip()[-1:].isdigit():
        name = _TRAILING_DATE.sub("", name)
    if name.rstrip()[-1:] in _CODEC_ENDS:
        name = _TRAILING_CODEC.sub("", name)
    packaging = _TRAILING_PACKAGING.search(name)
    if packaging is not None and packaging.start() > 0:
        name = name[: packaging.start()]
    name = clean_name(name)
    if name.endswith(")"):
        name = _COUNTRY_IN_PARENS.sub("", name)
    if name.endswith("]") and "[" in name:
        name = _TRAILING_SQUARE.sub("", name) or name
    if " " not in name and (
        _SLUG.fullmatch(name) or (_PAIR_SLUG.fullmatch(name) and _ONLY_HYPHENS.fullmatch(body))
    ):
        name = name.replace("-", " ")  # "kimetsu-no-yaiba-episode-25": words joined by hyphens
    return name or None


# A file name that starts with its episode number and goes on with the episode's title.
_NUMBERED_FILE = re.compile(r"(\d{1,3})(?:[ ._]*-[ ._]*|[ ._]+)(?=[^\W\d_])")


def _numbered_file_in_season(body: str) -> EpisodeMarker | None:
    """'Show/Season 1/02 The Invitation', 'Show.S01.1080p/02 - Pilot': a file in a folder of
    one season, named by its episode number and title. The season and the series come from
    the folders; the number first in the file name is the episode."""
    folders, _, file_name = body.rpartition("/")
    numbered = _NUMBERED_FILE.match(file_name)
    if numbered is None:
        return None
    season = find_explicit_marker(folders)
    if season is None or season.episodes or len(season.seasons) != 1:
        return None
    return EpisodeMarker(season.start, season.seasons, (int(numbered.group(1)),))


def _bracketed_after_number(body: str, marker: EpisodeMarker) -> bool:
    """'Series 46 (S2-23)': a season marker in brackets right after a bare number is an
    alternative numbering of that (absolute) episode."""
    before = body[: marker.start].rstrip()
    return before.endswith(("(", "[")) and before[:-1].rstrip()[-1:].isdigit()


def _kind(
    body: str,
    lower: str,
    extension: str | None,
    marker: EpisodeMarker | None,
    source: str | None,
    codec: str | None,
    discography: bool,
) -> ReleaseKind:
    """Video evidence (resolution, video source/codec, extension, scene language) wins over
    music evidence, because video titles name their audio codecs too."""
    video_evidence = (
        (extension in extensions.VIDEO)
        or codec is not None
        or source in _VIDEO_SOURCES
        or states_resolution(body, lower)
        or _VIDEO_LANGUAGE.search(body) is not None
        or has_documentary_label(body)
    )
    if video_evidence:
        return ReleaseKind.TV if marker is not None else ReleaseKind.MOVIE
    music_evidence = (
        source in _MUSIC_SOURCES or discography or _MUSIC_WORDS.search(body) is not None
    )
    if marker is not None and marker.explicit and not music_evidence:
        return ReleaseKind.TV
    if _EBOOK.search(body, lower):
        return ReleaseKind.EBOOK
    if music_evidence:
        return ReleaseKind.MUSIC
    if marker is not None:
        return ReleaseKind.TV
    if _SOFTWARE.search(body):
        return ReleaseKind.SOFTWARE
    if (" - " in body and " - " in _BRACKETED.sub("", body)) or looks_like_scene_music(body):
        # "Artist - Album"; a dash inside brackets ("Film [1963 - UK] comedy") says nothing.
        return ReleaseKind.MUSIC
    return ReleaseKind.UNKNOWN


def _music_tag_text(body: str, artist: str | None) -> str:
    """The title after the artist's name, where codec words are tags and not part of a name."""
    if artist is None:
        return body
    for separator in (" - ", " – ", "-"):
        index = body.find(separator)
        if index > 0:
            return body[index + len(separator) :]
    return body


def parse(
    title: str, hint_artist: str | None = None, hint_album: str | None = None
) -> ParsedRelease:
    """Read a release title into a `ParsedRelease`.

    `hint_artist`/`hint_album` are optional names a search asked for; for music titles that
    start with the hinted artist they are trusted over the generic artist/album split.
    """
    stripped, extension = split_extension(plain_text(title.strip()))
    body = strip_leading_noise(stripped)
    first_tags: list[int | None] = []  # computed at most once, and only when needed

    def first_tag(text: str) -> int | None:
        if not first_tags:
            first_tags.append(first_strong_tag(text))
        return first_tags[0]

    marker = _numbered_file_in_season(body) if "/" in body else None
    marker = marker or find_explicit_marker(body)
    absolute: AbsoluteMarker | None = None
    alternative = marker is not None and _bracketed_after_number(body, marker)
    if (marker is None and may_have_absolute_marker(stripped)) or alternative:
        absolute = find_absolute_marker(stripped, numbered=alternative)
        if absolute is not None:
            marker = EpisodeMarker(len(body), absolute.seasons, absolute.episodes)
    if marker is None:
        marker = find_terse_marker(body, first_tag)
    air_date: str | None = None
    if marker is None:
        dated = find_air_date(body)
        if dated is not None:
            marker, air_date = dated
    lower = body.lower()  # for every keyword check on the body below
    source = source_of(body, lower)
    codec = codec_of(body, lower)
    discography = is_discography(body, lower)
    kind = _kind(body, lower, extension, marker, source, codec, discography)

    artist = album = name = alias = None
    year: int | None = None
    seasons: tuple[int, ...] = ()
    episodes: tuple[int, ...] = ()
    audio_format = resolution = None
    if kind is ReleaseKind.MUSIC:
        music_body = strip_leading_noise(stripped, keep_parenthesised=False)
        found = artist_album(music_body, discography, hint_artist, hint_album)
        artist, album = found.artist, found.album
        web_scene = source == "WEB" and looks_like_scene_music(music_body)
        audio_format = audio_format_of(
            stripped, _music_tag_text(music_body, artist), music_web=web_scene
        )
        year = year_of(music_body)
    elif kind is ReleaseKind.TV and absolute is not None:
        name, year = absolute.name, absolute.year
        if year is None:
            later = _LATER_YEAR.search(body)
            year = int(later.group(1)) if later is not None else None
        if marker is not None:
            seasons, episodes = marker.seasons, marker.episodes
        volume = _TRAILING_VOLUME.search(name) if "ol" in name else None
        if volume is not None and volume.start() > 0:
            # "Classroom Crisis - Vol.1 [BD]": the number read was a volume's, not an episode.
            name, episodes = clean_name(name[: volume.start()]), ()
        resolution = resolution_of(stripped)
    elif kind is ReleaseKind.TV and marker is not None:
        name = _series_title(body, marker)
        named_year = (
            _NAME_YEAR.search(name)
            if name is not None and " " in name and (name[-1].isdigit() or name[-1] in ")]")
            else None
        )
        named_year = named_year or _BRACKETED_YEAR.search(body)
        # "Show.E04.Title.German.2022.ANiME": otherwise the first free-standing year after the
        # marker (not a piece of a date such as 2023.05.14).
        named_year = named_year or _LATER_YEAR.search(body, marker.start)
        year = int(named_year.group(1)) if named_year is not None else None
        seasons, episodes = marker.seasons, marker.episodes
        resolution = resolution_of(stripped)
    else:
        name, year = movie_title(body, first_tag(body))
        alias = alternative_title_of(body) if "ka" in lower else None
        if kind is not ReleaseKind.MOVIE:
            audio_format = audio_format_of(body, body)
        resolution = resolution_of(stripped)
    if name is not None and not name.isascii():
        name = prefer_latin(name)
    if (
        kind in (ReleaseKind.MOVIE, ReleaseKind.TV, ReleaseKind.UNKNOWN)
        and extension in extensions.VIDEO
    ):
        resolution = resolution or resolution_of(extension)

    if air_date is not None:
        if kind is ReleaseKind.TV:
            year = year or int(air_date[:4])
        else:
            air_date = None  # "Live at Hall 2003-05-14": a concert's date, not an air date
    flagged = may_name_flags_or_editions(lower)
    flags = set(red_flags_of(body, audio_format is not None, lower)) if flagged else set()
    if is_various_artists(artist):
        flags.add(RedFlag.VA_COMPILATION)
    if RedFlag.AUDIOBOOK in flags and kind in (ReleaseKind.MUSIC, ReleaseKind.UNKNOWN):
        kind = ReleaseKind.AUDIOBOOK
    year_range = year_range_of(body)
    if discography and year_range is not None:
        year = None  # a discography spans its year range; no single year describes it
    discs = _DISCS.search(body, lower)
    # A frozen dataclass sets each field through object.__setattr__ in its __init__, a twentieth
    # of the parser's time for twenty fields. Every field is given here (a test holds it to
    # that) and ParsedRelease has no __post_init__: the instance is filled in one update.
    release = _new_instance(ParsedRelease)
    release.__dict__.update(
        raw_title=title,
        content_type=kind,
        artist=artist,
        album=album,
        title=name,
        year=year,
        year_range=year_range,
        seasons=seasons,
        episodes=episodes,
        is_season_pack=bool(seasons) and not episodes,
        resolution=resolution,
        source=source,
        codec=codec,
        audio_format=audio_format,
        release_group=release_group_of(stripped),
        edition=editions_of(body, lower) if flagged else (),
        is_discography=discography,
        is_collection=is_collection(body, lower),
        disc_count=int(discs.group(1)) if discs is not None else None,
        red_flags=frozenset(flags),
        air_date=air_date,
        alternative_title=alias,
    )
    return release
