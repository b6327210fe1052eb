"""Where a name ends and the tags begin; the year of a movie; the release group."""

from __future__ import annotations

import re
from typing import NamedTuple

from chalicelib.textbrain.parsing.tokens import KeywordPattern, L, R, clean_name, literal_first

_I = re.IGNORECASE

# Tags that never belong to a name: once one is seen, the name has ended.
_STRONG_TAG = re.compile(
    L + r"(?:[a-z]*+\d{3,4}[pi](?:\d{2})?|\d{3,4} ?[x*×] ?\d{3,4}|4k|uhd\w*|hdr(?:10)?\+?"
    r"|dolby[ ._]vision|m?blu[ ._-]?ray\w*|b[dr][ ._-]?rip\w*|bd(?:25|50|mux|remux)?|brmux"
    r"|hd[ ._-]?dvd|hdrip|dvd\w*"
    r"|web[ ._-]?(?:dl|rip|mux)\w*|webdl|web|hdtv\w*|pdtv|sdtv|dsr|tvrip|hdcam|cam(?:rip)?|telesync"
    r"|hdts|vhs\w*|remux|amzn|nf|ntsc|pal|secam"
    r"|[xh][ .]?26[2345]|hevc\w*|avc|xvid\w*|divx|vc[ .-]?1|mpeg[ .-]?2|mpg2|vp9|av1|\d{1,2}bit"
    r"|ac3d?|e?ac3|dts\w*|dd[p+]?\d(?:[ .]\d)?|ddp|dd-?ex|truehd|atmos\w*|aac\w*|lpcm|pcm|mp3|flac"
    r"|opus"
    r"|lame\w*|dl|dubbed|subbed|\w*subs|[a-z]{2,5}sub|subforced|vostfr|vost|truefrench|vff|vfq|vf|multi|dual"
    r"|swissgerman|readnfo|nfofix|prooffix|proper|repack|rerip|internal|hq|hfr|\d+fps|x\d{1,2}"
    r"|avi|mkv|mp4|h264|mhd|hdlight)" + R,
    _I,
)
# Language names are tags when written the scene way (GERMAN), ordinary words otherwise.
_UPPER_LANGUAGE = re.compile(
    literal_first(
        r"(?<![^\W_])(?:GERMAN|FRENCH|ENGLISH|ITALIAN|SPANISH|ITA|ENG|RUS|FR|VO|DUTCH|NL|POLISH"
        r"|PL|HINDI|JAPANESE|KOREAN|LATINO|CASTELLANO)(?![^\W_])"
    )
)
# Words that end a name only right before a year, a strong tag or another such word
# ("Movie.Title.Imax.2018", "World.War.Z.EXTENDED.2013", but "The French Connection").
_WEAK_TAG = re.compile(
    literal_first(
        L
        + r"(?:extended(?:[ ._-](?:cut|edition))?|unrated|uncut"
        r"|theatrical(?:[ ._-](?:cut|edition))?"
        r"|imax(?:[ ._-]edition)?|limited|remastered|colorized|director'?s?[ ._-]?cut|dc|se|om|oar"
        r"|special[ ._-]edition|criterion|complete|festival|stv|docu|doku|convert|3d|xxx|recut"
        r"|alternative[ ._-]cut|integral|german|french|english|italian|spanish|russian|japanese"
        r"|korean|hindi|polish|dutch|latino|swedish|danish|norwegian|finnish|ita|eng|line|ws|fs"
        r"|real|proof|ts|screener|special|custom)"
        + R
    ),
    _I,
)
_WEAK_TAG_AT_END = re.compile(_WEAK_TAG.pattern + r"[\s._\-\[\](){}]*\Z", _I)
# The same patterns without IGNORECASE, run on lower-cased text: case-insensitive matching of
# a large alternation is several times slower in `re` (the patterns are all lower case).
_STRONG_TAG_LOWER = re.compile(_STRONG_TAG.pattern)
# For searching: the same without "\w*subs", which backtracks through every word it starts at
# and is looked for on its own where "subs" occurs ("[a-z]*+": letters never give way to the
# digits after them, so they are not backtracked through either).
_SUBS = r"|\w*subs"
_STRONG_TAG_SEARCH = re.compile(_STRONG_TAG.pattern.replace(_SUBS, "", 1), _I)
_STRONG_TAG_SEARCH_LOWER = re.compile(_STRONG_TAG_SEARCH.pattern)
_SUBS_TAG = re.compile(L + _SUBS[1:] + R, _I)
_SUBS_TAG_LOWER = re.compile(_SUBS_TAG.pattern)
_WEAK_TAG_AT_END_LOWER = re.compile(_WEAK_TAG_AT_END.pattern)


def _lowered(text: str) -> str | None:
    """`text.lower()` when it keeps every position (it does not for a few non-ASCII letters)."""
    lower = text.lower()
    return lower if len(lower) == len(text) else None


_WEAK_WINDOW = 32
_LANGUAGE_WORDS = frozenset(
    [
        "german",
        "french",
        "english",
        "italian",
        "spanish",
        "russian",
        "japanese",
        "korean",
        "hindi",
        "polish",
        "dutch",
        "latino",
        "swedish",
        "danish",
        "norwegian",
        "finnish",
    ]
)
# The look-ahead first: `re` rejects most positions on their first character, before the
# look-behind.
_YEAR = re.compile(r"(?=[(\[12])(?<![^\W_])([(\[]?)((?:18[89]|19\d|20[0-3])\d)([)\]]?)(?![^\W_])")
_PART = KeywordPattern(("part",), L + r"part[ ._]?(?:\d{1,2}|[ivx]{1,4}|one|two|three)" + R)
# "Crouching Tiger Hidden Dragon AKA Wo hu cang long 2000": the alternative title is not the title.
_AKA = KeywordPattern(("aka", "a.k.a"), r"[\s._]+(?:aka|a\.k\.a\.?)[\s._]+(?=\S)")
# A genre label or a broadcaster in front of a documentary's name: "(Documentary) BBC - ",
# "BBC.", "Documentary - National Geographic - ". Never the whole title.
_LEADING_LABEL = re.compile(
    r"^(?:[\s._-]*(?:[(\[](?i:documentar(?:y|ies)|documentry|documentaire|doku?|docu)[)\]]"
    r"|(?i:documentar(?:y|ies)|documentry)(?=[\s._]*-)"
    r"|(?:BBC(?:[\s._](?:One|Two|Four|Earth))?|PBS|ITV|NHK|CBC|HBO|Channel[\s._]?[45]"
    r"|National[\s._]Geographic|Nat[\s._]?Geo|Discovery(?:[\s._]Channel)?|History[\s._]Channel"
    r"|Smithsonian(?:[\s._]Channel)?|ARTE|ZDF|ARD|Netflix)(?=[\s._]*-|[._]|\s+[A-Z])))+"
    r"[\s._-]*(?=\w)"
)
_DOCUMENTARY_LABEL = re.compile(
    r"^[\s._-]*[(\[]?(?:documentar(?:y|ies)|documentry|documentaire|doku?|docu)[)\]]?[\s._]*[-(\[A-Z]",
    _I,
)


def has_documentary_label(text: str) -> bool:
    """'(Documentary) BBC - Planet Earth II (2016)': a video label in front of the name."""
    return _DOCUMENTARY_LABEL.match(text) is not None


# Packaging words after a name: "Ultimate Fan Collection", "Complete Collection", "Box Set".
# Packaging words after a name: "Ultimate Fan Collection", "Complete Collection", "Box Set",
# "Full Series", "Heptalogy" (a film series counted in Greek).
_TRAILING_PACKAGING = KeywordPattern(
    ("collection", "box", "series", "logy"),
    r"(?:[\s._-]+(?:the|complete|ultimate|fan|trilogy|quadrilogy|anthology|movie|film)){0,3}"
    r"[\s._-]+(?:collection|box[\s._]?set|(?:full|complete)[\s._]series"
    r"|(?:tri|tetra|quadri|penta|hexa|hepta|octa)logy)[\s._-]*$",
)
_LEADING_YEAR = re.compile(r"[(\[]((?:19|20)\d\d)[)\]][\s._-]*(?=\w)")
# A year in front of a name, then the name's first word: "2008 - The Incredible Hulk".
_FILED_UNDER_YEAR = re.compile(r"((?:19|20)\d\d)(?:[ ]*[-–:][ ]*|[ ]+)(?=[^\W_])")
_TITLE_CASE_WEB = re.compile(r"Web[ ._][(\[]?(?:19|20)\d\d(?![^\W_])")
# "[\s._]?[(\[{<]" written as two branches: a pattern that starts with something optional is
# tried at every position, one that starts with a character class only where it can match.
_NAME_BREAK = re.compile(r"\s[-–]\s|--|[\s._][(\[{<]|[(\[{<]")
_GROUP_PREFIX = re.compile(r"^[a-z0-9]{3,6}-(?=[a-z0-9]+\.)")
_LEADING_JUNK = re.compile(r"^[\s._\-:]+")
_GROUP = re.compile(r"-\s?([A-Za-z0-9@&]+(?:[ _][A-Za-z0-9]+)?)_?(?:\[[^\]]*\])?\s*$")
_NOT_GROUPS = frozenset({"dl", "rip", "hd", "ray", "x264", "x265", "h264", "h265", "r", "ma", "ts"})


class NameSpan(NamedTuple):
    """Where the name of a title ends, and the year named after it."""

    end: int
    year: int | None


def first_strong_tag(text: str, start: int = 1) -> int | None:
    """Position of the first unambiguous quality/language tag at or after `start`."""
    positions = []
    lower = _lowered(text)
    if lower is None:
        match = _STRONG_TAG_SEARCH.search(text, start)
        subs = _SUBS_TAG.search(text, start)  # a rare path: no pre-check to get wrong
    else:
        match = _STRONG_TAG_SEARCH_LOWER.search(lower, start)
        subs = _SUBS_TAG_LOWER.search(lower, start) if "subs" in lower else None
    if match is not None:
        positions.append(match.start())
    if subs is not None:
        positions.append(subs.start())
    upper = _UPPER_LANGUAGE.search(text, start)
    if upper is not None:
        positions.append(upper.start())
    return min(positions) if positions else None


def strip_leading_tags(text: str) -> str:
    """'h265 - HEVC Riddick 1080p' -> 'Riddick 1080p'."""
    while True:
        lower = _lowered(text)
        match = _STRONG_TAG.match(text) if lower is None else _STRONG_TAG_LOWER.match(lower)
        if match is None or match.end() >= len(text):
            return text
        text = _LEADING_JUNK.sub("", text[match.end() :])


def _choose_year(text: str, tag: int | None) -> re.Match[str] | None:
    candidates = [
        m for m in _YEAR.finditer(text) if m.start(2) > 0 and text[: m.start()].strip(" ._-([")
    ]
    if not candidates:
        return None
    bracketed = [m for m in candidates if m.group(1) and m.group(3)]
    if bracketed:
        return bracketed[0]
    before_tag = [m for m in candidates if tag is None or m.start() < tag]
    return before_tag[-1] if before_tag else candidates[-1]


def year_of(text: str) -> int | None:
    """The release year: the first bracketed year, else the last bare one after some name."""
    match = _choose_year(text, None)
    return int(match.group(2)) if match is not None else None


def name_span(text: str, tag: int | None = -1) -> NameSpan:
    """Find where the name ends: at the year, the first tag, a bracket or a ' - '.

    `tag` is `first_strong_tag(text)` when the caller already has it.
    """
    if tag == -1:
        tag = first_strong_tag(text)
    if tag is not None and _TITLE_CASE_WEB.match(text, tag):
        # "The.Girl.in.the.Spiders.Web.2019.1080p.WEB-DL": scene tags are written WEB or web;
        # a title-case "Web" right before the year is a word of the name.
        tag = first_strong_tag(text, tag + 3)
    year_match = _choose_year(text, tag)
    ends = [len(text)]
    if tag is not None:
        ends.append(tag)
    if year_match is not None:
        ends.append(year_match.start())
    name_break = _NAME_BREAK.search(text, 1)
    while name_break is not None and (tag is None or name_break.start() < tag):
        inside = _words_in_brackets(text, name_break)
        if inside is None:
            break
        name_break = _NAME_BREAK.search(text, inside)
    if name_break is not None and not _dash_inside_name(text, name_break, year_match, tag):
        ends.append(name_break.start())
    part = _PART.search(text)
    if part is not None and (
        part.start() == 0 or (year_match is not None and part.start() < year_match.start())
    ):
        # "Dead.Reckoning.Part.One.2023": a part named before the year belongs to the title.
        part = None
    if part is not None:
        ends.append(part.start())
    aka = _AKA.search(text)
    if aka is not None:
        ends.append(aka.start())
    end = min(ends)
    end = _step_back_over_weak_tags(text, end)
    year = int(year_match.group(2)) if year_match is not None else None
    return NameSpan(end, year)


_CLOSING = {"(": ")", "[": "]"}
_BRACKETED_WORDS = re.compile(r"[^\W\d_][^\W_]*(?:[ ._'-][^\W\d_][^\W_]*){0,2}")
_NAME_GOES_ON = re.compile(r"[ ._]*[^\W\d_]{2,}")


def _words_in_brackets(text: str, name_break: re.Match[str]) -> int | None:
    """'You Are (Not) Alone (2009)': a bracketed word or two that the name goes on after is
    part of the name; the end of the group is returned, None when the name ends there."""
    opening = text[name_break.end() - 1 : name_break.end()]
    closing = _CLOSING.get(opening)
    if closing is None:
        return None
    close = text.find(closing, name_break.end())
    if close < 0 or not _BRACKETED_WORDS.fullmatch(text, name_break.end(), close):
        return None
    follows = _NAME_GOES_ON.match(text, close + 1)
    if follows is None:
        return None
    inner = text[name_break.end() : close]
    if first_strong_tag(inner, 0) is not None or _WEAK_TAG.search(inner) is not None:
        return None
    word_start = follows.end() - len(follows.group().lstrip(" ._"))
    if first_strong_tag(text[word_start:], 0) == 0 or _WEAK_TAG.match(text, word_start):
        return None
    return close + 1


def _dash_inside_name(
    text: str, name_break: re.Match[str], year: re.Match[str] | None, tag: int | None
) -> bool:
    """'The Big Bus - Il fantabus (1976) 720p': a spaced dash before the year, with no tag or
    bracket between them, joins two parts of one title (original and translated, subtitle)."""
    if year is None or name_break.start() > year.start():
        return False
    if name_break.group().strip() not in ("-", "–"):
        return False
    if tag is not None and tag < year.start():
        return False
    between = text[name_break.end() : year.start()]
    return bool(between.strip(" ._-([")) and "[" not in between and " - " not in between


def _step_back_over_weak_tags(text: str, end: int) -> int:
    # Only the last few words before `end` can be a run of weak tags: look at a short window.
    lower = _lowered(text)
    while end > 0:
        window = max(0, end - _WEAK_WINDOW)
        match = (
            _WEAK_TAG_AT_END_LOWER.search(lower, window, end)
            if lower is not None
            else _WEAK_TAG_AT_END.search(text, window, end)
        )
        if match is None or not text[: match.start()].strip(" ._-"):
            return end
        if _named_again(text, match, end):
            return end
        end = match.start()
    return end


# Tags after a name that state the release's language, of its sound or of its subtitles.
_LANGUAGE_STATED = re.compile(
    L
    + r"(?:german|french|truefrench|english|italian|spanish|russian|japanese|korean|hindi"
    r"|polish|dutch|latino|castellano|swedish|danish|norwegian|finnish|multi|vostfr|vost|vff"
    r"|vfq|subfrench)"
    + R,
    _I,
)


def _named_again(text: str, match: re.Match[str], end: int) -> bool:
    """Whether a language word before the year is a word of the name, not the release's
    language. A release states its language once: when the tags after the name state one
    ('Immersion.French.2011.QC.FRENCH.DVDR', 'The Good German (2006) VOSTFR'), the word
    before them belongs to the name. And English, the language releases leave unsaid,
    is labelled the scene way (ENGLISH) when it is: 'Johnny English 2003 1080p' names a film,
    'Der.Film.deines.Lebens.German.2011' a German release."""
    written = text[match.start() : match.end()].strip(" ._-[](){}")
    word = written.lower()
    if word not in _LANGUAGE_WORDS:
        return False
    if word == "english" and not written.isupper():
        return True
    return _LANGUAGE_STATED.search(text, end) is not None


def movie_title(text: str, tag: int | None = -1) -> tuple[str | None, int | None]:
    """The cleaned name and year of a movie-like title (tags and noise already stripped off).

    `tag` is `first_strong_tag(text)` when the caller already has it.
    """
    original = text
    text = strip_leading_tags(text)
    if " " not in text:
        # "blow-how.to.be.single.2016": a lower-case group tag glued in front of a dotted name.
        prefix = _GROUP_PREFIX.match(text)
        if prefix is not None:
            text = text[prefix.end() :]
    label = _LEADING_LABEL.match(text)
    if label is not None and label.end() < len(text):
        text = text[label.end() :]
    leading_year = _LEADING_YEAR.match(text) if text[:1] in "([" else None
    if leading_year is not None and (
        first_strong_tag(text, leading_year.end()) == leading_year.end()
        or _WEAK_TAG.match(text, leading_year.end()) is not None
    ):
        leading_year = None  # "(2014) 1080p BrRip": tags follow, no name to stand for
    if leading_year is not None:
        # "(2000) Le follie dell'imperatore": a bracketed year in front is a label, never a
        # name; it is the year unless the name is followed by one.
        text = text[leading_year.end() :]
    span = name_span(text, tag if text is original else -1)
    if leading_year is not None and span.year is None:
        span = NameSpan(span.end, int(leading_year.group(1)))
    name_part = text[: span.end]
    packaging = _TRAILING_PACKAGING.search(name_part)
    if packaging is not None and packaging.start() > 0:
        name_part = name_part[: packaging.start()]
    name = clean_name(name_part)
    if span.year is not None and name[:1] in "12":
        filed = _FILED_UNDER_YEAR.match(name)
        if filed is not None and int(filed.group(1)) == span.year:
            # "2008 - The Incredible Hulk (2008)": a collection's files sorted by year. A
            # leading number that differs from the year is the name's ("2001 A Space
            # Odyssey 1968"), and a year alone is a name ("1917 (2019)").
            name = name[filed.end() :]
    return (name or None), span.year


def alternative_title_of(text: str) -> str | None:
    """The name after "AKA": "Crouching Tiger Hidden Dragon AKA Wo hu cang long 2000"."""
    aka = _AKA.search(text)
    if aka is None:
        return None
    rest = text[aka.end() :]
    span = name_span(rest)
    return clean_name(rest[: span.end]) or None


def release_group_of(text: str) -> str | None:
    """The scene group after the last dash ('...x264-SPARKS' -> 'SPARKS')."""
    last = text.rfind("-")
    if last < 0:
        return None
    # The group's dash is the last one, unless a bracket after the group holds dashes: start
    # there rather than trying every dash of the title.
    match = _GROUP.search(text, 0 if "]" in text[last:] else last)
    if match is None:
        return None
    group = match.group(1).strip()
    if group.lower() in _NOT_GROUPS or group.isdigit():
        return None
    return group
