"""Season and episode markers: S01E02(-E03), 1x02, 102, Season 1 Episode 2, season packs."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import NamedTuple

from chalicelib.textbrain.parsing.tokens import KeywordPattern, L, R

# Every pattern here runs on lower-cased text (see `_lower`): case-insensitive matching is
# several times slower in `re`, and these patterns are tried on every title.
_I = 0
_SEP = r"[ ._]"


def _keywords(keywords: tuple[str, ...], pattern: str) -> KeywordPattern:
    return KeywordPattern(keywords, pattern, 0)


def _lower(text: str) -> str:
    """`text` in lower case, position for position (a few letters lower to two characters)."""
    lower = text.lower()
    if len(lower) == len(text):
        return lower
    return "".join(ch if len(ch.lower()) != 1 else ch.lower() for ch in text)


_NUMBER_WORDS = {
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "un": 1,
    "deux": 2,
    "trois": 3,
    "quatre": 4,
    "cinq": 5,
    "sept": 7,
    "huit": 8,
    "neuf": 9,
    "dix": 10,
}
_ROMAN = {"i": 1, "v": 5, "x": 10}
_NUMBER = r"(?:\d{1,4}|[ivx]{1,5}|" + "|".join(_NUMBER_WORDS) + r")"

# S01E02, S01.E02, S01 - E02, S01EP02, s01e02 glued to a word ("zoos01e11" is zoo S01E11).
# The patterns of this module start with their first literal and check what precedes it after
# that ("s(?<!\ds)" for "(?<!\d)s"): `re` then skips straight to each occurrence of that
# letter, where a leading look-behind is tried at every position of the title.
_SE = re.compile(
    r"s(?<!\ds)n?(\d{1,4})(?:"
    + _SEP
    + r"*-?"
    + _SEP
    + r"*)x?e(?:p\.?)?"
    + _SEP
    + r"?\(?(\d{1,5})(?![\dpi])",
    _I,
)


def _se_next(range_word: str) -> re.Pattern[str]:
    """More episodes after S01E02: "-03", "-E03", "E03", "+E03", "& E03", "E01 à E12".

    A spaced range names its end the way the marker named its start: after "S05E53" a
    spaced "- Ep.129" is an absolute number, after "S42 Ep10718" "- Ep10722" ends a range.
    """
    return re.compile(
        r"-(?P<bare>\d{1,4})(?![\dpi])"
        r"|"
        + _SEP
        + r"*(?:[-~]|(?<= )(?:à|a|ao|al|to)(?= ))"
        + _SEP
        + r"*(?:s\d{1,4}"
        + _SEP
        + r"?)?"
        + range_word
        + _SEP
        + r"?(?P<range>\d{1,5})(?![\dpi])"
        r"|(?:"
        + _SEP
        + r"*(?:[+&,]|and)"
        + _SEP
        + r"*|"
        + _SEP
        + r"*)(?:s\d{1,4}"
        + _SEP
        + r"?)?e(?:p\.?)?"
        + _SEP
        + r"?(?P<list>\d{1,5})(?![\dpi])"
        r"|\+(?P<plus>\d{1,4})(?!\d)",
        _I,
    )


_SE_NEXT = _se_next("e")
_SE_NEXT_EP = _se_next(r"e(?:p\.?)?")
# More episodes after 1x02 (see `_cross`).
_X_NEXT = re.compile(
    r"(?:x|_)(?P<list>\d{1,3})(?![\dpi])"
    r"|" + _SEP + r"*-" + _SEP + r"*\d{1,4}x(?P<range2>\d{1,3})(?![\dpi])"
    r"|-x?(?P<range>\d{1,3})(?![\dpix])"
    r"|" + _SEP + r"\d{1,4}x(?P<list2>\d{1,3})(?![\dpi])",
    _I,
)
_GLUED_NAME = re.compile(r"(?<![^\W\d_])[^\W\d_]{3,}$")
_X_ALL = _keywords(("xall",), L + r"(\d{1,2})xall" + R)
_SEASON_WORD = _keywords(
    ("season", "saison", "seizoen", "tem", "stagione", "staffel", "series"),
    L
    + r"(?:seasons?|saison|seizoen|temporadas?|temp?|stagione|staffel|(?<=- )series)"
    + _SEP
    + r"*\(?("
    + _NUMBER
    + r")(?:of\d+)?"
    + R,
)
# A second season after a spaced dash must say it is a season ("Season 1 - Season 4",
# "S01 - S13") or be an unpadded number before packaging words ("Season 1 - 4 Complete",
# "Season 1 - 6 + Extras"): "Season 2 - 07" and "Season 3 - 11 [1080p]" name an episode.
# Unspaced ("Season 1-4", "Seasons 1:11") is a range; "+", "&", ",", "/" list seasons
# ("Seasons 1 + 2", "Season 1, 2, 3, & 6").
_SEASON_MORE = re.compile(
    r"(?:-|:"
    + _SEP
    + r"*|"
    + _SEP
    + r"*(?:&|and|to|,|\+|/)"
    + _SEP
    + r"*(?:&"
    + _SEP
    + r"*)?|"
    + _SEP
    + r"+-"
    + _SEP
    + r"*(?=s|[1-9]\d?(?![\dpx])"
    + _SEP
    + r"*(?:\+|complete|completa|integrale|pack|collection|box)))(?:(?:seasons?|saison|s)"
    + _SEP
    + r"*)?(\d{1,4})(?![\dpx])",
    _I,
)
# "Season 1 2 3 4 5", "Temporadas 1 2 3": seasons listed with spaces only (see `_season_word`).
_SPACED_SEASON = re.compile(_SEP + r"+(\d{1,2})(?![\dpx])")
_ORDINAL_SEASON = _keywords(
    ("season",), L + r"(\d{1,2})" + _SEP + r"?(?:st|nd|rd|th)" + _SEP + r"?season" + R
)
# More seasons after a season pack: "S01.S02.S03", "S1 + S2", "S01 to S28", "S01-S09".
_PACK_MORE = re.compile(
    r"(?:" + _SEP + r"*(?P<sep>[+&,/]|and|--?|to)?" + _SEP + r"*)s(?P<season>\d{1,2})" + R, _I
)
_SEASON_EPISODE = re.compile(
    r"[ ._-]*(?:episod(?:es?|ios?)|[eé]pisodes?|cap[ií]tulos?|folge|aflevering|puntata"
    r"|cap\.?(?=[ ._]*\d{1,2}(?!\d))|eps?\.?|e)\(?"
    + _SEP
    + r"*(\d{1,4})(?:"
    + _SEP
    + r"*-"
    + _SEP
    + r"*(\d{1,4}))?(?![\dpi])"
    r"|"
    + _SEP
    + r"+(\d{1,3})"
    + _SEP
    + r"?of"
    + _SEP
    + r"?\d{1,3}"
    + R
    + r"|.*?"
    + L
    + r"cap\.?(\d{3,4})(?:_(\d{3,4}))?"
    + R,
    _I,
)
# "Season.2.epi.02", "Stagione 6 (2016) 720p Episodio 13": an episode word after the season.
_LATER_EPISODE = re.compile(
    L + r"(?:episod(?:es?|io)|[eé]pisodes?|epi|eps?|e)[ ._]?\.?(\d{1,3})(?![\dpi])" + R
)
# "S05DVD2", "S02D1", "S01Disc3": a season pack's disc glued to the season. A possessive's S
# is none ("Ocean's 11").
# L + "s" written as "s" then the look-behind: a leading literal lets `re` skip to each "s".
_SEASON_PACK = re.compile(
    r"s(?<![^\W_]s)(?<!['’]s)(\d{1,4}| \d{1,2})(?:-s?(\d{1,4})|"
    + _SEP
    + r"*-"
    + _SEP
    + r"*s(\d{1,4}))?(?:"
    + R
    + r"|(?=(?:dvd|disc|disk|d)\d{1,2}"
    + R
    + r"))",
    _I,
)
# "E05", "Ep.05", "Episode 5", "episode-25" (a name whose words are joined by hyphens).
_EPISODE_ONLY = re.compile(
    r"e(?<![^\W_]e)(?:p(?:isode|s)?"
    + r"[ ._-]"
    + r"?)?(\d{1,4})(?:"
    + _SEP
    + r"*-"
    + _SEP
    + r"*e?(\d{1,4}))?(?![\dpi])",
    _I,
)
_N_OF_M = _keywords(("of",), L + r"(\d{1,2})" + _SEP + r"?of" + _SEP + r"?\d{1,2}" + R)
_NUMERIC = re.compile(r"[ ._-](\d{3,6})(?=$|[ ._\[]|-(?!-))")
_NUMERIC_NEXT = re.compile(r"[ ._](\d{3})(?=$|[ ._\[-])")
_TRAILING_NUMBER = re.compile(r"-(?<=[^\W_]-)(\d{3,4})$")
_PART = _keywords(
    ("part",), L + r"part" + _SEP + r"?(\d{1,2}|" + "|".join(_NUMBER_WORDS) + r"|[ivx]{1,4})" + R
)
# A bracketed year may stand between the season and its episode ("Show S2 (2019) - 11").
_BARE_EPISODE = re.compile(
    r"(?:[ ._]*\((?:19|20)\d\d\))?"
    r"(?:[ ._]+-?[ ._]*|[ ._]*-[ ._]*)(?:ep?\.?[ ._]?|#)?\(?(\d{1,3})(?:v\d)?"
    r"(?:[ ._]*(?:[-~]|(?<= )(?:ao|al|a|to)(?= ))[ ._]*(?:ep?\.?)?(\d{1,3}))?\)?(?![\dpix])"
    r"(?=$|[ ._\-\[(])",
    _I,
)
_BEFORE_BROADCAST = _keywords(
    ("tv", "dsr"),
    r"[ ._-](\d{1,2})(?:v\d)?[ ._-](?=(?:hdtv|pdtv|sdtv|dsr|tvrip)" + R + ")",
)
_BROADCAST = _keywords(("tv", "dsr"), L + r"(?:hdtv|pdtv|sdtv|dsr|tvrip)" + R)


# Season and episode words of other languages, and numbers written before the word:
# "3ª Temporada", "1a. Temporada", "10 th season", "Сезон: 1-8", "5-й сезон", "8.sez",
# "Серия №180", "Серии 1-6", "05 сер.", "21.ser", "7.Bölüm", "12. Bölüm", "Эпизод 09".
_WORDED = re.compile(
    r"(?P<season>temporadas?|сезон\w*|sezon|sez\.?)"
    r"|(?P<episode>серия|серии|серія|сер\.|seriya|serija|seria|ser\.|bölüm|bolum|blm|эпизод)"
)
# The other scripts' words for the cheap pre-check in `_worded` (most titles have none).
_WORDED_OTHER = ("сез", "сер", "bölüm", "эпизод")
# The number before or after the word; the word is found first (a literal is cheap to find).
_SEASON_BEFORE = re.compile(
    r"(?<!\d)(\d{1,2})(?:[ ._]?(?:st|nd|rd|th)|â?º|ª|°|a\.?|-?й)?"
    r"(?:[ ._]*(?:a|-|to)[ ._]*(\d{1,2})(?:â?º|ª|°)?)?[ ._]*$"
)
# "Сезон: 1-8" and "Сезон: 1, 2" name seasons; "Сезон 2 - 07" names season 2's episode 7.
_SEASON_AFTER = re.compile(
    r"[ ._:№]*(\d{1,2})(?!\d)(?:-(\d{1,2})(?!\d)|[ ._]*,[ ._]*(\d{1,2})(?!\d))?"
)
_EPISODE_BEFORE = re.compile(r"(?<!\d)(?<!\d\.)(\d{1,4})(?:-?я|-?й)?[ ._]*$")
_EPISODE_AFTER = re.compile(r"[ ._:№#]*(\d{1,4})(?!\d)(?:[ ._]*-[ ._]*(\d{1,4})(?!\d))?")


class EpisodeMarker(NamedTuple):
    """Where the season/episode marker starts in the title, and what it says."""

    start: int
    seasons: tuple[int, ...]
    episodes: tuple[int, ...]
    explicit: bool = True
    end: int = -1


def _number(text: str) -> int | None:
    lowered = text.lower()
    if lowered.isdigit():
        return int(lowered)
    if lowered in _NUMBER_WORDS:
        return _NUMBER_WORDS[lowered]
    if lowered and all(ch in _ROMAN for ch in lowered):
        total = 0
        for index, ch in enumerate(lowered):
            value = _ROMAN[ch]
            following = _ROMAN[lowered[index + 1]] if index + 1 < len(lowered) else 0
            total += -value if value < following else value
        return total
    return None


def _add_range(episodes: list[int], last: int) -> None:
    first = episodes[-1]
    if first < last <= first + 500:
        episodes.extend(range(first + 1, last + 1))
    elif last != first:
        episodes.append(last)


def _follow(pattern: re.Pattern[str], text: str, pos: int, episodes: list[int]) -> None:
    while True:
        match = pattern.match(text, pos)
        if match is None:
            return
        groups = match.groupdict()
        range_end = groups.get("bare") or groups.get("range") or groups.get("range2")
        if range_end is not None:
            _add_range(episodes, int(range_end))
        else:
            listed = groups.get("list") or groups.get("list2") or groups.get("plus")
            if listed is None:
                return
            if int(listed) not in episodes:
                episodes.append(int(listed))
        pos = match.end()


def _season_episode(text: str) -> EpisodeMarker | None:
    match = _SE.search(text)
    if match is None:
        return None
    episodes = [int(match.group(2))]
    worded = "p" in text[match.end(1) : match.start(2)]
    _follow(_SE_NEXT_EP if worded else _SE_NEXT, text, match.end(), episodes)
    return EpisodeMarker(match.start(), (int(match.group(1)),), tuple(episodes))


# "T02E22", "T01xE08" (temporada), "01E06": a season number with no S before the E marker.
# An x or an e right after a digit: "1x02" / "2010x15" (the x), "T02E22" / "01E06" / "T01xE08"
# (the e). One scan finds both kinds; the season digits are read back from the letter, since a
# pattern that starts with a digit is tried at every digit of a title.
_DIGIT_LETTER = re.compile(r"[xe](?<=\d[xe])")
_EPISODE_DIGITS = re.compile(r"(\d{1,3})(?![\dpi])")


def _digit_letter(text: str, cross: bool = True) -> EpisodeMarker | None:
    """The leftmost NxNN (`cross`) or bare-season E marker; see `_DIGIT_LETTER`."""
    for letter in _DIGIT_LETTER.finditer(text):
        position = letter.start()
        start = position
        while start > 0 and text[start - 1].isdigit():
            start -= 1
        if text[position] == "e" or text.startswith("e", position + 1):
            digits = _EPISODE_DIGITS.match(text, position + (1 if text[position] == "e" else 2))
            marker = None if digits is None else _bare_season_episode(text, start, digits)
        else:
            digits = _EPISODE_DIGITS.match(text, position + 1)
            marker = None if digits is None or not cross else _cross(text, start, digits)
        if marker is not None:
            return marker
    every = _X_ALL.search(text) if cross else None
    if every is not None:
        return EpisodeMarker(every.start(), (int(every.group(1)),), ())
    return None


def _bare_season_episode(text: str, start: int, digits: re.Match[str]) -> EpisodeMarker | None:
    """"T02E22", "T01xE08" (temporada), "01E06": a season with no S before the E marker."""
    if text[digits.end() : digits.end() + 1].isalnum():
        return None  # "[82E36A36]": inside a checksum
    season = text[start : digits.start() - 1].rstrip("x")
    before = text[start - 1 : start]
    if len(season) > 2:
        return None
    if before == "t" and not text[start - 2 : start - 1].isalnum():
        start -= 1  # "T02E22": the T of temporada
    elif before.isalnum() or (before == "." and text[start - 2 : start - 1].isdigit()):
        return None
    elif len(season) != 2:
        return None  # "01E06" needs its season padded: "1e5" says too little
    return EpisodeMarker(start, (int(season),), (int(digits.group(1)),))


def _cross(text: str, start: int, digits: re.Match[str]) -> EpisodeMarker | None:
    """"1x02", "[02x01]", "2010x15", "Fringe2x05"; a frame size (1920x1080) is not one."""
    season = text[start : digits.start() - 1]
    if len(season) > 4:
        return None
    before = text[start - 1] if start > 0 else " "
    # "Fringe2x05": a season glued to a word of three or more letters still counts.
    glued = before.isalnum() and not _GLUED_NAME.search(text, 0, start)
    # "AC3 5.1x2", "2.0x3": a count of audio tracks after a channel layout.
    channels = (
        before == "."
        and text[start - 2 : start - 1].isdigit()
        and not text[start - 3 : start - 2].isdigit()
    )
    if glued or channels:
        return None
    if len(season) == 3 or (len(season) == 4 and season[:2] not in ("19", "20")):
        return None
    episodes = [int(digits.group(1))]
    _follow(_X_NEXT, text, digits.end(), episodes)
    return EpisodeMarker(start, (int(season),), tuple(episodes))


def _season_word(text: str) -> EpisodeMarker | None:
    match = _SEASON_WORD.search(text)
    if match is None:
        return None
    first = _number(match.group(1))
    if first is None:
        return None
    seasons = [first]
    pos = match.end()
    more = _SEASON_MORE.match(text, pos)
    while more is not None:
        last = int(more.group(1))
        joined = text[more.start() : more.end()].lstrip(" ._").lower()
        if joined.startswith(("-", "to", ":")) and last > seasons[-1]:
            seasons.extend(range(seasons[-1] + 1, last + 1))
        elif last not in seasons:
            seasons.append(last)
        pos = more.end()
        more = _SEASON_MORE.match(text, pos)
    if len(seasons) == 1:
        # Spaces alone list seasons when the word was plural or the numbers count up by one
        # ("Season 20 21 22"); one number after "Season 3" is its episode ("Season 3 12").
        plural = text[match.start() : match.start(1)].rstrip(" ._(").endswith(("s", "as"))
        listed: list[int] = []
        after = pos
        spaced = _SPACED_SEASON.match(text, after)
        while spaced is not None and (
            plural or int(spaced.group(1)) == (listed or seasons)[-1] + 1
        ):
            listed.append(int(spaced.group(1)))
            after = spaced.end()
            spaced = _SPACED_SEASON.match(text, after)
        if len(listed) >= (1 if plural else 2):
            seasons.extend(listed)
            pos = after
    episode = _SEASON_EPISODE.match(text, pos)
    episodes: list[int] = []
    if episode is not None:
        if episode.group(4) is not None:
            number = int(episode.group(4))
            seasons = [number // 100]
            episodes = [number % 100]
            if episode.group(5) is not None:  # "[Cap.102_104]": episodes 2 to 4
                _add_range(episodes, int(episode.group(5)) % 100)
        else:
            episodes = [int(episode.group(1) or episode.group(3))]
            if episode.group(2) is not None:
                _add_range(episodes, int(episode.group(2)))
    return EpisodeMarker(match.start(), tuple(seasons), tuple(episodes), end=pos)


def _worded(text: str) -> EpisodeMarker | None:
    """Season and episode words of other languages and numbers before the word (`_WORDED`)."""
    if not (
        "sez" in text
        or "ser." in text
        or "seria" in text
        or "serij" in text
        or "seriy" in text
        or "temporada" in text
        or "bolum" in text
        or "blm" in text
        or (not text.isascii() and any(word in text for word in _WORDED_OTHER))
    ):
        return None
    match = _WORDED.search(text)
    start = consumed = -1
    seasons: list[int] = []
    episodes: list[int] = []
    while match is not None and not (seasons and episodes):
        word_start, word_end = match.span()
        word = match.group()
        if word_start > 0 and text[word_start - 1].isalpha():
            pass  # inside a word ("user", "laser")
        elif not word.endswith(".") and text[word_end : word_end + 1].isalpha():
            pass
        elif match.group("season") is not None and not seasons:
            before = _SEASON_BEFORE.search(text, max(0, word_start - 16, consumed), word_start)
            after = (
                None
                if before is not None or word.startswith("temporada")
                else (_SEASON_AFTER.match(text, word_end))
            )
            found = before or after
            if found is not None:
                first, joint, last = (
                    (found.group(1), "-", found.group(2))
                    if found is before
                    else (
                        found.group(1),
                        "," if found.group(3) is not None else "-",
                        found.group(2) or found.group(3),
                    )
                )
                seasons.append(int(first))
                if last is not None and joint == ",":
                    seasons.append(int(last))
                elif last is not None and int(last) > seasons[0]:
                    seasons.extend(range(seasons[0] + 1, int(last) + 1))
                start = found.start() if start < 0 else min(start, found.start())
                start = min(start, word_start)
                consumed = max(found.end(), word_end)
        elif match.group("episode") is not None and not episodes:
            before = _EPISODE_BEFORE.search(text, max(0, word_start - 12, consumed), word_start)
            after = (
                None
                if before is not None or word in ("seria", "сер.", "ser.")
                else (_EPISODE_AFTER.match(text, word_end))
            )
            found = before or after
            if found is not None:
                episodes.append(int(found.group(1)))
                if found is after and found.group(2) is not None:
                    _add_range(episodes, int(found.group(2)))
                start = found.start() if start < 0 else min(start, found.start())
                start = min(start, word_start)
                consumed = max(found.end(), word_end)
        match = _WORDED.search(text, word_end)
    if start < 0:
        return None
    # A season alone may be followed by its episode ("Temporada 10 - 215 ao 220").
    end = consumed if seasons and not episodes else -1
    return EpisodeMarker(start, tuple(seasons), tuple(episodes), end=end)


def _season_pack(text: str) -> EpisodeMarker | None:
    match = _SEASON_PACK.search(text)
    # "DD5.1-S56", "E-AC3-S78": an S-number hyphened to a tag that ends in a digit names the
    # release group, not a season.
    while (
        match is not None
        and text[match.start() - 2 : match.start()][-1:] == "-"
        and (text[match.start() - 2 : match.start() - 1].isdigit())
    ):
        match = _SEASON_PACK.search(text, match.end())
    if match is None:
        return None
    first = int(match.group(1).strip())
    seasons = [first]
    last = match.group(2) or match.group(3)
    if last is not None and int(last) > first:
        seasons.extend(range(first + 1, int(last) + 1))
    elif last is not None:
        return EpisodeMarker(match.start(), tuple(seasons), (), end=match.start(2) - 1)
    end = match.end()
    more = _PACK_MORE.match(text, end)
    while more is not None:
        number = int(more.group("season"))
        if more.group("sep") in ("-", "--", "to") and number > seasons[-1]:
            seasons.extend(range(seasons[-1] + 1, number + 1))
        elif number not in seasons:
            seasons.append(number)
        end = more.end()
        more = _PACK_MORE.match(text, end)
    return EpisodeMarker(match.start(), tuple(seasons), (), end=end)


def _ordinal_season(text: str) -> EpisodeMarker | None:
    """'2nd Season', '3rd_Season': an anime season."""
    match = _ORDINAL_SEASON.search(text)
    if match is None:
        return None
    return EpisodeMarker(match.start(), (int(match.group(1)),), (), end=match.end())


# "[5.01] Title", "Show - 6.01 - Title", "Show.02.09", "Show-02_17.F", "office_03_19",
# "4-13 Title" (at the start only): a season and a two- or three-digit episode, joined.
# The separator is found first and the season digits read back from it (cheaper than a
# pattern that starts at every digit).
_JOINED = re.compile(r"[._](?<=\d[._])(\d{2,3})(?!\d)(?![._]\d)")
_LEADING_JOINED = re.compile(r"(\d)-(\d{2})(?=[ .])")
_LATER_YEAR = re.compile(r"[12](?<!\d[12])(?:(?<=1)9|(?<=2)0)\d\d(?!\d)")
_JOINED_AFTER = re.compile(r"$|[ \]]|[._-][^\W\d_]|\.?$")


def _joined(text: str) -> EpisodeMarker | None:
    leading = _LEADING_JOINED.match(text) if text[:1].isdigit() else None
    if leading is not None:
        return EpisodeMarker(0, (int(leading.group(1)),), (int(leading.group(2)),))
    for match in _JOINED.finditer(text):
        separator = match.start()
        start = separator
        while start > 0 and text[start - 1].isdigit():
            start -= 1
        if separator - start > 2:
            continue
        before, earlier = text[start - 1 : start], text[start - 2 : start - 1]
        if before.isalnum() or (before in "._-" and before and earlier.isdigit()):
            continue  # "2023.05.14", "H.264", "DD5.1": dates and tags
        if text[separator] == "." and before not in ("[", " ", "."):
            continue
        if _JOINED_AFTER.match(text, match.end()) is None:
            continue
        if _LATER_YEAR.search(text, match.end()) is not None:
            continue  # "Movie.1.15.Version.2011": a film's name, its year after it
        return EpisodeMarker(start, (int(text[start:separator]),), (int(match.group(1)),))
    return None


def _episode_only(text: str) -> EpisodeMarker | None:
    match = _EPISODE_ONLY.search(text)
    if match is None or match.start() == 0:
        return None
    episodes = [int(match.group(1))]
    if match.group(2) is not None:
        _add_range(episodes, int(match.group(2)))
    return EpisodeMarker(match.start(), (1,), tuple(episodes))


def _n_of_m(text: str) -> EpisodeMarker | None:
    match = _N_OF_M.search(text)
    if match is None or match.start() == 0:
        return None
    return EpisodeMarker(match.start(), (1,), (int(match.group(1)),))


def _split_numeric(number: str) -> tuple[int, list[int]] | None:
    """'103' -> S1E3, '1013' -> S10E13, '10708' -> S1E7+E8, '010910' -> S1E9+E10."""
    if len(number) == 3:
        return int(number[0]), [int(number[1:])]
    if len(number) == 4:
        if number[:2] in ("19", "20"):
            return None
        return int(number[:2]), [int(number[2:])]
    season, first, second = (
        (number[0], number[1:3], number[3:])
        if len(number) == 5
        else (number[:2], number[2:4], number[4:])
    )
    if int(second) != int(first) + 1:
        return None
    return int(season), [int(first), int(second)]


def _trailing_numeric(text: str) -> EpisodeMarker | None:
    """'show-name-x264-103': an episode number as the last dash-separated field."""
    match = _TRAILING_NUMBER.search(text)
    if match is None:
        return None
    split = _split_numeric(match.group(1))
    return None if split is None else EpisodeMarker(match.start(), (split[0],), tuple(split[1]))


def _numeric(text: str) -> EpisodeMarker | None:
    for match in _NUMERIC.finditer(text):
        split = _split_numeric(match.group(1))
        if split is None or match.start() == 0:
            continue
        season, episodes = split
        following = _NUMERIC_NEXT.match(text, match.end())
        if following is not None:
            next_split = _split_numeric(following.group(1))
            if next_split is not None and next_split[0] == season:
                if next_split[1][0] == episodes[-1] + 1:
                    episodes.append(next_split[1][0])
                else:
                    return EpisodeMarker(following.start() + 1, (season,), tuple(next_split[1]))
        return EpisodeMarker(match.start(), (season,), tuple(episodes))
    return None


def _before_broadcast(text: str) -> EpisodeMarker | None:
    """'Show.Name.14.HDTV-GRP', 'FooBar.7v3.PDTV': a one- or two-digit number right before a
    television source is an episode (a film's sequel number never comes from television)."""
    match = _BEFORE_BROADCAST.search(text)
    if match is None or match.start() == 0:
        return None
    return EpisodeMarker(match.start(), (), (int(match.group(1)),))


def _part(text: str) -> EpisodeMarker | None:
    match = _PART.search(text)
    if match is None or match.start() == 0:
        return None
    number = _number(match.group(1))
    return None if number is None else EpisodeMarker(match.start(), (1,), (number,))


_STRONG: tuple[Callable[[str], EpisodeMarker | None], ...] = (
    _season_episode,
    _digit_letter,
    _ordinal_season,
    _season_word,
    _season_pack,
    _worded,
)
_WEAK: tuple[Callable[[str], EpisodeMarker | None], ...] = (
    _joined,
    _episode_only,
    _n_of_m,
    _numeric,
    _part,
    _before_broadcast,
)


def find_episode_marker(
    text: str, name_end: Callable[[str], int | None] = lambda _: None
) -> EpisodeMarker | None:
    """The season/episode marker of a title, or None when it names none.

    Explicit markers (S01E02, 1x02, Season 1, S01) win, the leftmost of them; the terse
    forms (E02, 3of9, 102, Part 2) are tried only without one, see `find_terse_marker`.
    """
    return find_explicit_marker(text) or find_terse_marker(text, name_end)


# What every strong marker needs (on lower-cased text): an S before a digit (S01E02, S01,
# Sn4, "S 2"), a digit before an x or an e (1x02, 01E06, 2xall), a season word or its
# keyword, or a word of `_worded`. Movies and albums name none of them, and then one search
# replaces the six finders. A test holds each finder to it.
_EXPLICIT_GATE = re.compile(
    r"s(?:n?\d| \d|e(?:ason|r|z)|aison|eizoen|tagione|taffel)|\d[xe]|tem|bolum|blm"
    r"|сез|сер|bölüm|эпизод"
)


def find_explicit_marker(text: str) -> EpisodeMarker | None:
    """The leftmost of S01E02, 1x02, Season 1 and S01 markers."""
    text = _lower(text)
    if _EXPLICIT_GATE.search(text) is None:
        return None
    found: list[EpisodeMarker] = []
    limit = len(text)
    for finder in _STRONG:
        # Only a marker left of the best one so far can win: search the name part only.
        window = text if limit == len(text) else text[: limit + 1]
        if finder is _digit_letter and found and found[0].start == limit:
            # "4x4.Name.S01E09": beside an S01E09 marker a 4x4 belongs to the name.
            marker = _digit_letter(window, cross=_SE.match(text, limit) is None)
        else:
            marker = finder(window)
        if marker is not None:
            found.append(marker)
            limit = min(limit, marker.start)
    if found:
        first = min(found, key=lambda marker: marker.start)
        if not first.episodes and len(first.seasons) == 1 and first.end > 0:
            # "Show S01 05", "Show.S02.04", "Show Season 3 12", "Show S2 - 09": a bare number
            # right after a single season is its episode (a year or a resolution is not).
            bare = _BARE_EPISODE.match(text, first.end)
            if bare is not None:
                episodes = [int(bare.group(1))]
                if bare.group(2) is not None:
                    _add_range(episodes, int(bare.group(2)))
                return EpisodeMarker(first.start, first.seasons, tuple(episodes))
            later = _LATER_EPISODE.search(text, first.end)
            if later is not None:
                return EpisodeMarker(first.start, first.seasons, (int(later.group(1)),))
        if not first.episodes:
            # "Show s03 ... Season 3 Episode 10": a later marker of the same season may say more.
            for other in found:
                if other.episodes and other.seasons[:1] == first.seasons[:1]:
                    return EpisodeMarker(first.start, first.seasons, other.episodes)
        return first
    return None


def find_terse_marker(text: str, name_end: Callable[[str], int | None]) -> EpisodeMarker | None:
    """E02, 3of9, 102 or Part 2 (with a broadcast source) within the name, or a final '-103'.

    `name_end(text)` says where the name ends (normally the first quality tag, so that "H.264"
    is not episode 64); it is asked only once a candidate turns up, since most titles have none.
    """
    original, text = text, _lower(text)
    bound: int | None = -1
    for finder in _WEAK:
        if finder is _part and _BROADCAST.search(text) is None:
            continue
        marker = finder(text)
        if marker is None:
            continue
        if bound == -1:
            bound = name_end(original)
        if bound is not None and marker.start >= bound:
            marker = finder(text[:bound])
            if marker is None:
                continue
        return EpisodeMarker(marker.start, marker.seasons, marker.episodes, explicit=False)
    marker = _trailing_numeric(text)
    if marker is not None:
        return EpisodeMarker(marker.start, marker.seasons, marker.episodes, explicit=False)
    return None


# A daily show's air date: "Show.Name.2023.05.14.720p", "Show Name 2023-05-14". The century's
# digits first, then the word-start look-behind: `re` skips straight to each "19" or "20".
_AIR_DATE = re.compile(
    r"((?:19|20)(?<![^\W_]19)(?<![^\W_]20)\d\d)([ ._-])(0[1-9]|1[0-2])\2(0[1-9]|[12]\d|3[01])"
    r"(?![^\W_])"
)


def find_air_date(text: str) -> tuple[EpisodeMarker, str] | None:
    """The air date of a daily show after its name, as a marker and an ISO date."""
    match = _AIR_DATE.search(text, 1)
    if match is None:
        return None
    year, _, month, day = match.groups()
    marker = EpisodeMarker(match.start(), (), (), explicit=False, end=match.end())
    return marker, f"{year}-{month}-{day}"
