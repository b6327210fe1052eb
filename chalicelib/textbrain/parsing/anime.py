"""Absolute episode numbers (anime and long-running shows) read from a token stream.

`[Group] Series Name - 07 [1080p][ABCD1234].mkv`, `Series_Name_023`, `[Group][Series][023]`,
`Series - 1071 - Episode title`, `Series 01 ~ 28 (1080p) [Batch]`, `Series ep. 1-5`, `#1-4`.

The title is tokenised once into bracketed groups and words; each token is classified (group
bracket, checksum, metadata bracket, year, number, range, episode word, tag, dash) and the
episode is chosen from positions: a number named by an episode word first, then a number right
after a dash, then (only with anime evidence: a leading group bracket or a CRC checksum) a bare
number after the name or alone in a bracket. The series name is what precedes that number.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import NamedTuple

_I = re.IGNORECASE
# One pass: a bracketed group, or a word. Words are separated by spaces, underscores and dots,
# except a dot between digits ("02.5", "1.11").
_TOKEN = re.compile(
    r"(\[[^\]]*\]|\([^)]*\)|\{[^}]*\}|【[^】]*】)"
    r"|[^ _.()\[\]{}【】]+(?:(?<=\d)\.(?=\d)[^ _.()\[\]{}【】]+)*"
)
_NUMBER = re.compile(r"(\d{1,4})(?:v\d)?", _I)
_CJK_EPISODE = re.compile(r"第?(\d{1,4})[話话集]")
_CJK_SEASON = re.compile(r"第(\d{1,2})[期季]")
_RANGE = re.compile(r"(\d{1,4})(?:v\d)?(?:[-~]|to)(?:ep?)?(\d{1,4})(?:v\d)?", _I)
_LISTED = re.compile(r"(\d{1,4})(?:v\d)?[+&](\d{1,4})(?:v\d)?")
_EPISODE_WORD = re.compile(r"(?:ep(?:isodes?|isodio|isódio|s)?|e|#|folge)\.?", _I)
_GLUED_EPISODE = re.compile(
    r"(?:ep(?:isode)?\.?|e|#)(\d{1,4})(?:v\d)?(?:[-~](?:ep?)?(\d{1,4})(?:v\d)?)?", _I
)
_CHECKSUM = re.compile(r"[0-9A-Fa-f]{8}")
_YEAR = re.compile(r"(?:19|20)\d\d")
_DASHES = frozenset({"-", "~", "–", "—"})
# Words that end a name: quality, codec, source and packaging tags.
_TAG = re.compile(
    r"(?:\d{3,4}[pi]|\d{3,4}x\d{3,4}|[xh]\.?26[45]|hevc|avc|xvid|divx\d*|aac\w*|flac\w*|ac3|dts"
    r"|mp3|ogg|vorbis|opus|\d{1,2}[ -]?bit|hi10p?|bd(?:rip)?|blu-?ray|dvd(?:rip)?|web(?:-?dl|rip)?"
    r"|hdtv|tv|raw|batch|complete|vostfr|multi|dual|uncensored|remastered|mkv|mp4|avi"
    r"|1080|720|480|2160|v\d)",
    _I,
)
_TAG_LOWER = re.compile(_TAG.pattern)
_MAX_EPISODE = 3000
# First characters of a word that can name an episode ("Ep01", "Folge", "#01", "第01話").
_WORDED_STARTS = frozenset("EeＥFf#第")


# Cheap pre-check: a number that could be an episode (not a year, not glued to letters, not a
# decimal like 5.1), or an episode word. Most titles without a season marker are movies and
# music whose only number is a year: they skip the tokeniser.
# Each branch starts with its first character and checks what precedes it after that (a
# leading look-behind would be tried at every position; a leading character lets `re` skip).
_CANDIDATE = re.compile(
    r"(?:\d(?<![^\W_]\d)(?<!\d\.\d)(?!(?<=1)9\d\d(?!\d)|(?<=2)0\d\d(?!\d))"
    r"(?:\d{1,2}(?:\.\d|[a-d])|\d{0,3})(?:v\d)?(?![^\W_])(?!\.\d)"
    r"|e(?<![^\W_]e)(?:p?|pisode)\.?\s?\d|#(?<![^\W_]#)\.?\s?\d|第\d|\d[話话集])"
)  # run on lower-cased text: case-insensitive matching is several times slower in `re`
# A part of an episode: "02.5" (a recap between 2 and 3) or "01b" (the second story of 1).
# Where it stands the name has ended; a lettered part names its episode, a fraction none.
_PARTIAL = re.compile(r"(\d{2,3})(?:\.(\d)|([a-d]))(?:v\d)?", _I)


def may_have_absolute_marker(title: str) -> bool:
    """False when `find_absolute_marker` cannot find anything in `title`."""
    return _CANDIDATE.search(title.lower()) is not None


class AbsoluteMarker(NamedTuple):
    """An absolute episode marker: where the name ends, the episodes, a year in the name."""

    name: str
    start: int
    episodes: tuple[int, ...]
    year: int | None
    seasons: tuple[int, ...] = ()


class _Token(NamedTuple):
    text: str
    start: int
    bracket: bool


# What `_Token(...)` calls, without its Python-level __new__: a title has a dozen tokens.
_new_token = tuple.__new__


def _tokens(title: str) -> list[_Token]:
    """Bracketed groups as single tokens; the text between them split into words."""
    # A bracketed group is the whole match of the first alternative (group 1).
    return [
        _new_token(_Token, (match.group()[1:-1], match.start(), True))
        if match.lastindex
        else _new_token(_Token, (match.group(), match.start(), False))
        for match in _TOKEN.finditer(title)
    ]


# Words repeat across titles (1080p, x264, 01, a group's tag): the per-word verdicts below are
# pure functions of the word, so a small cache answers most of them without a regex.
_WORD_CACHE = 2048


@lru_cache(maxsize=_WORD_CACHE)
def _is_tag(text: str) -> bool:
    return _TAG_LOWER.fullmatch(text.lower()) is not None


@lru_cache(maxsize=_WORD_CACHE)
def _bracket_is_metadata(text: str) -> bool:
    if _CHECKSUM.fullmatch(text):
        return True
    words = [w for w in re.split(r"[ _.,+\-]+", text) if w]
    return any(_is_tag(word) for word in words)


@lru_cache(maxsize=_WORD_CACHE)
def _episodes_of(text: str, prefixed: bool) -> tuple[int, ...] | None:
    """The episodes a word names: '07', '01v2', '13-15', '01+02', 'Ep01', '#1-4'."""
    glued = _GLUED_EPISODE.fullmatch(text) if prefixed or not text[:1].isdigit() else None
    match = glued or _RANGE.fullmatch(text) or _NUMBER.fullmatch(text)
    listed = None if match else _LISTED.fullmatch(text)
    if listed is not None:
        return (int(listed.group(1)), int(listed.group(2)))
    if match is None:
        return None
    first = int(match.group(1))
    last = match.group(2) if match.re is not _NUMBER else None
    if last is not None and first < int(last) <= first + _MAX_EPISODE:
        return tuple(range(first, int(last) + 1))
    return (first,)


def _clean(words: list[str]) -> str:
    text = " ".join(words).strip(" -~–_")
    return " ".join(text.split())


def find_absolute_marker(title: str, numbered: bool = False) -> AbsoluteMarker | None:
    """The absolute episode of a title without a season marker, or None.

    `numbered` says the caller already knows the title carries an episode number (a bracketed
    alternative numbering follows one), so a bare number needs no other anime evidence.
    """
    tokens = _tokens(title)
    if not tokens:
        return None
    leading = 0
    while leading < len(tokens) and tokens[leading].bracket:
        leading += 1
    group = any(not _bracket_is_metadata(t.text) for t in tokens[:leading])
    evidence = (
        numbered
        or group
        or any(t.bracket and _CHECKSUM.fullmatch(t.text) is not None for t in tokens)
    )
    leading_number = _leading_number(title, tokens, leading)
    if leading_number is not None:
        return leading_number
    name: list[str] = []
    year: int | None = None
    seasons: tuple[int, ...] = ()
    previous_dash = closed = False
    named = bool(leading)
    for position in range(leading, len(tokens)):
        token = tokens[position]
        text = token.text
        following = tokens[position + 1] if position + 1 < len(tokens) else None
        if token.bracket:
            inner = text.strip()
            if _YEAR.fullmatch(inner):
                if year is None and name and not closed:
                    # Kept in the name like a scene series year (bench README, rule 1).
                    name.append(f"({inner})")
                year = year or int(inner)
                continue
            number = _episodes_of(inner, True)
            if number is None and "+" in inner:
                # "(0001-1071+Movies+Specials)": a batch's range with what else it holds.
                number = _episodes_of(inner.split("+", 1)[0].strip(), True)
                number = number if number is not None and len(number) > 1 else None
            squared = title[token.start] in "[{"
            if number is not None and (evidence or squared) and not closed and (name or named):
                return _marker(tokens, leading, name, token.start, number, year, seasons)
            if number is not None and len(number) > 1 and (name or named):
                # "Naruto [1080p] (001-220)": a batch's range after its tags.
                return _marker(tokens, leading, name, token.start, number, year, seasons)
            if _bracket_is_metadata(inner):
                closed = True
            elif name and not closed and year is None:
                # A bracket after the year is a label ("(1968) [TSHS]"), not the name's.
                name.append(f"({inner})" if title[token.start] == "(" else f"[{inner}]")
            continue
        if text in _DASHES:
            previous_dash = True
            if not closed:
                name.append(text)
            continue
        cjk_season = _CJK_SEASON.fullmatch(text) if text[:1] == "第" else None
        if cjk_season is not None:
            seasons, closed = (int(cjk_season.group(1)),), True
            continue
        # An episode word ("Ep01", "episode 18", "#01", "第01話") names the episode wherever it
        # stands after the name; without anime evidence "Show E05" is season 1 (scene custom).
        worded = (
            _worded_episode(text, following)
            if text[:1] in _WORDED_STARTS or text[-1:] in "話话集"
            else None
        )
        if worded is not None and (name or named):
            found_seasons = seasons or (() if evidence else (1,))
            return _marker(tokens, leading, name, token.start, worded, year, found_seasons)
        partial = _PARTIAL.fullmatch(text) if text[:1].isdigit() else None
        if (
            partial is not None
            and (name or named)
            and (previous_dash or evidence)
            and _ends_here(following, tokens, position)
        ):
            parts = () if partial.group(2) else (int(partial.group(1)),)
            return _marker(tokens, leading, name, token.start, parts, year, seasons)
        if (
            (name or named)
            and not (len(text) == 4 and _YEAR.fullmatch(text))
            and (previous_dash or not closed)
        ):
            episodes = _episodes_of(text, False)
            if (
                episodes is not None
                and (
                    _ends_here(following, tokens, position)
                    or (bool(name) and _titled(text, following))
                )
                and (previous_dash or evidence or not text.isdigit())
                and not (not previous_dash and _number_follows_dash(tokens, position))
                and not _worded_later(tokens, position)
            ):
                episodes = _spelled_range(tokens, position, episodes)
                return _marker(tokens, leading, name, token.start, episodes, year, seasons)
        if _is_tag(text):
            closed = True
        elif not closed:
            name.append(text)
        previous_dash = False
    if leading and not name and evidence:
        return _bracketed_name(tokens, leading)
    return None


def _worded_episode(text: str, following: _Token | None) -> tuple[int, ...] | None:
    """'Ep01', '#01', '第01話', or 'Episode' / 'Ep.' followed by the number."""
    cjk = _CJK_EPISODE.fullmatch(text)
    if cjk is not None:
        return (int(cjk.group(1)),)
    if text[:1].isdigit():
        return None
    if _EPISODE_WORD.fullmatch(text):
        if following is None or (following.bracket and not following.text[:1].isdigit()):
            return None
        return _episodes_of(following.text.strip("()[]"), True)
    glued = _GLUED_EPISODE.fullmatch(text)
    return _episodes_of(text, True) if glued is not None else None


def _worded_later(tokens: list[_Token], position: int) -> bool:
    """'Yamato 2199 (2012) episode 18': an episode word later on names the episode, and the
    bare number before it belongs to the name."""
    for index in range(position + 1, len(tokens)):
        token = tokens[index]
        text = token.text
        if not token.bracket and (text[:1] in _WORDED_STARTS or text[-1:] in "話话集"):
            following = tokens[index + 1] if index + 1 < len(tokens) else None
            if _worded_episode(token.text, following) is not None:
                return True
    return False


def _number_follows_dash(tokens: list[_Token], position: int) -> bool:
    """'Show Name 2 - 03': the number after the dash is the episode, the first one is a name's."""
    if position + 2 >= len(tokens):
        return False
    dash, number = tokens[position + 1], tokens[position + 2]
    return (
        not dash.bracket
        and dash.text in _DASHES
        and not number.bracket
        and _episodes_of(number.text, False) is not None
    )


def _spelled_range(
    tokens: list[_Token], position: int, episodes: tuple[int, ...]
) -> tuple[int, ...]:
    """'01 ~ 28', '01 - 12': a second number after a dash closes a range."""
    if len(episodes) != 1 or position + 2 >= len(tokens):
        return episodes
    dash, last = tokens[position + 1], tokens[position + 2]
    if dash.bracket or last.bracket or dash.text not in _DASHES:
        return episodes
    end = _NUMBER.fullmatch(last.text)
    if end is None or not episodes[0] < int(end.group(1)) <= episodes[0] + _MAX_EPISODE:
        return episodes
    after = tokens[position + 3] if position + 3 < len(tokens) else None
    if not _ends_here(after, tokens, position + 2):
        return episodes  # "- 11 - 511 Kinderheim": the second number starts an episode title
    return tuple(range(episodes[0], int(end.group(1)) + 1))


def _ends_here(following: _Token | None, tokens: list[_Token], position: int) -> bool:
    """An episode number is followed by the end, a bracket, a dash, a tag or a title."""
    if following is None or following.bracket or following.text in _DASHES:
        return True
    return _is_tag(following.text) or following.text.lower() in ("end", "final", "fin")


def _titled(text: str, following: _Token | None) -> bool:
    """'Show - 02 The Invitation', '[Grp] Show 01 Role Play [CRC]': a zero-padded number after
    a name and followed by words is an episode and its title (names do not pad their numbers;
    "00" is a name's, as in "Gundam 00", and "007" an agent's). The caller asks for a name
    before it: a number first ("01 The Pilot") is a file's, not a series'."""
    return (
        len(text) == 2
        and text[0] == "0"
        and text[1] in "123456789"
        and following is not None
        and not following.bracket
        and following.text[:1].isalpha()
    )


def _bracketed_name(tokens: list[_Token], leading: int) -> AbsoluteMarker | None:
    """'[Group][Series Name][023][tags]': the name and the number are brackets themselves."""
    for index in range(1, leading):
        episodes = _episodes_of(tokens[index].text.strip(), True)
        if episodes is None or _YEAR.fullmatch(tokens[index].text.strip()):
            continue
        name = tokens[index - 1].text
        if index - 1 == 0 or _bracket_is_metadata(name):
            return None
        words = re.split(r"[ _.]+", name)
        return AbsoluteMarker(_clean(words), tokens[index].start, episodes, None)
    return None


def _leading_number(title: str, tokens: list[_Token], leading: int) -> AbsoluteMarker | None:
    """'[Grp] 01 - Show Name [BD]', '003. Show Name - Episode Title': the episode first, then
    the name up to the next dash, bracket or tag. Only a zero-padded number followed by a
    spaced dash or by '. ' counts: '300 - Rise of an Empire' and '007.Spectre' are names."""
    if leading >= len(tokens) or tokens[leading].bracket:
        return None
    first = tokens[leading]
    number = _NUMBER.fullmatch(first.text)
    if number is None or not first.text.startswith("0") or len(number.group(1)) > 3:
        return None
    end = first.start + len(first.text)
    after = title[end : end + 3]
    if not (after.startswith(". ") or after == " - " or after.startswith("_-_")):
        return None
    name: list[str] = []
    for token in tokens[leading + 1 :]:
        if token.bracket or _is_tag(token.text) or (token.text in _DASHES and name):
            break
        if token.text not in _DASHES:
            name.append(token.text)
    cleaned = _clean(name)
    if not cleaned:
        return None
    return AbsoluteMarker(cleaned, first.start, (int(number.group(1)),), None)


def _marker(
    tokens: list[_Token],
    leading: int,
    name: list[str],
    start: int,
    episodes: tuple[int, ...],
    year: int | None,
    seasons: tuple[int, ...] = (),
) -> AbsoluteMarker | None:
    words = list(name)
    if not words and leading:
        words = re.split(r"[ _.]+", tokens[leading - 1].text)
    cleaned = _clean(words)
    if not cleaned:
        return None
    return AbsoluteMarker(cleaned, start, episodes, year, seasons)
