"""How names are written differently but mean the same: stylised letters, numbers, subtitles.

'P!nk' is 'Pink', 'Part One' is 'Part 1', 'Rocky III' is 'Rocky 3'; and the number in a
name tells one installment from the next ('Vol. 1' is not 'Vol. 2').
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from dataclasses import dataclass

from chalicelib.textbrain.normalise import normalise_text

# A symbol standing for a letter inside a word: 'P!nk', 'Ke$ha', 'A$AP', 'M@x'.
_STYLISED = re.compile(r"(?<=[^\W\d_])[!$@](?=[^\W\d_])")
_STYLISED_LETTER = {"!": "i", "$": "s", "@": "a"}
_NUMBER_WORDS = {
    "one": "1", "two": "2", "three": "3", "four": "4", "five": "5", "six": "6", "seven": "7",
    "eight": "8", "nine": "9", "ten": "10", "eleven": "11", "twelve": "12",
}
# Roman numerals from II: a lone 'I' or 'X' or 'V' is too often a word or a letter.
_ROMAN = {
    "ii": "2", "iii": "3", "iv": "4", "vi": "6", "vii": "7", "viii": "8", "ix": "9",
    "xi": "11", "xii": "12", "xiii": "13", "xiv": "14", "xv": "15",
}
# Number words count as installment numbers only after these words ('Part One', not 'One Day').
_COUNTED_AFTER = frozenset({"part", "chapter", "vol", "volume", "episode", "book", "pt", "no"})
SimilarityFn = Callable[[str, str], float]
_YEARLIKE = re.compile(r"^(?:19|20)\d\d$")


def title_variants(title: str, short_head: bool) -> tuple[str, ...]:
    """A title as releases also write it: with its subtitle as initials, or (when
    `short_head`) without its subtitle.

    'Law & Order: Special Victims Unit' -> 'Law & Order SVU' ('Law & Order' alone is another
    show, so the head alone only when something else, like a film's year, pins the work).
    """
    variants = [title]
    head, colon, tail = title.partition(":")
    if colon and head.strip():
        words = [w for w in re.split(r"[\s\-–—]+", tail) if w[:1].isalpha()]
        if len(words) >= 2:
            variants.append(f"{head} {''.join(w[0] for w in words)}")
        if short_head:
            variants.append(head)
    return tuple(variants)


def destylised(text: str) -> str:
    """'P!nk' -> 'Pink', 'Ke$ha' -> 'Kesha'; other text unchanged."""
    return _STYLISED.sub(lambda m: _STYLISED_LETTER[m.group(0)], text)


def _numbered(words: list[str]) -> list[str]:
    out = []
    for i, word in enumerate(words):
        if word in _ROMAN:
            out.append(_ROMAN[word])
        elif word in _NUMBER_WORDS and i > 0 and words[i - 1] in _COUNTED_AFTER:
            out.append(_NUMBER_WORDS[word])
        elif word == "i" and i == len(words) - 1 and i > 0:
            out.append("1")  # 'Use Your Illusion I', 'Rocky I'
        else:
            out.append(word)
    return out


_APOSTROPHES = re.compile(r"(?<=\w)['’`´](?=\w)")


@functools.lru_cache(maxsize=16384)
def name_forms(text: str) -> tuple[str, ...]:
    """The comparable forms of a name: plain, destylised, with numbers as digits; no repeats.

    Apostrophes inside words are both a break and nothing ('Grey's' is 'grey s' and 'greys'),
    as releases write them both ways.
    """
    forms = [normalise_text(text)]
    for variant in (destylised(text), _APOSTROPHES.sub("", text)):
        if variant != text:
            forms.append(normalise_text(variant))
    for form in list(forms):
        numbered = " ".join(_numbered(form.split()))
        forms.append(numbered)
    return tuple(dict.fromkeys(f for f in forms if f))


@functools.lru_cache(maxsize=16384)
def installment(text: str) -> frozenset[str]:
    """The numbers that tell this work from its sequels: 'Toy Story 3' -> {'3'}.

    Years are left out (they are judged as years), and so are numbers glued to letters
    ('40th', '5th').
    """
    words = _numbered(normalise_text(destylised(text)).split())
    return frozenset(w for w in words if w.isdigit() and not _YEARLIKE.match(w))


_LEADING_TAGS = re.compile(r"^\s*(?:\[[^\]]*\]\s*|\([^)]*\)\s*)+")
_BRACKETS = re.compile(r"[\[\](){}]")


def names_before_year(raw_title: str, year: int | None) -> tuple[str, ...]:
    """The release name's words before its year: the whole title as the uploader wrote it.

    'Mission.Impossible.Dead.Reckoning.Part.One.2023.1080p' -> 'Mission.Impossible.Dead.
    Reckoning.Part.One'. Leading tags are dropped ('[YTS] Heat (1995)' -> 'Heat'), or kept
    as words when nothing else precedes the year ('[Heat] 1995 BDRip' -> 'Heat').
    """
    if year is None:
        return ()
    found = []
    for text in (_LEADING_TAGS.sub("", raw_title), _BRACKETS.sub(" ", raw_title)):
        match = re.search(rf"(?<!\d){year}(?!\d)", text)
        if match is None:
            continue
        head = text[: match.start()].strip(" ._-([")
        if head and head not in found:
            found.append(head)
    return tuple(found)


@functools.lru_cache(maxsize=16384)
def best_match(
    wanted: tuple[str, ...], offered: tuple[str, ...], similarity: SimilarityFn
) -> tuple[float, str]:
    """The best likeness between any wanted form and any form of the offered texts.

    Returns the value and the offered text that reached it (the first offered text when
    none matches at all).
    """
    best, chosen = -1.0, offered[0] if offered else ""
    for text in offered:
        for form in name_forms(text):
            for want in wanted:
                value = similarity(want, form)
                if value > best:
                    best, chosen = value, text
    return max(best, 0.0), chosen


# An installment number that differs costs this share of the name's likeness.
INSTALLMENT_PENALTY = 0.8


@functools.lru_cache(maxsize=16384)
def installment_fit(wanted: str, offered: str) -> tuple[float, str | None]:
    """A factor for the likeness when installment numbers differ, and the reason (None: same).

    Different numbers on both sides ('Vol. 1' / 'Vol. 2') is another work: factor 0. A number
    on one side only ('Toy Story' / 'Toy Story 3') is likely another work: a penalty.
    """
    want, have = installment(wanted), installment(offered)
    if want == have:
        return 1.0, None
    shown_want = "/".join(sorted(want)) or "none"
    shown_have = "/".join(sorted(have)) or "none"
    reason = f"installment {shown_have} offered, {shown_want} requested"
    if want and have:
        return 0.0, reason
    return INSTALLMENT_PENALTY, reason


# Country codes that tell apart national versions of a show ('The Office (US)', 'Shameless UK').
COUNTRIES = frozenset({"us", "uk", "gb", "au", "nz", "ca", "ie"})


@dataclass(frozen=True)
class Qualified:
    """A show's name split from the country or year that tells its versions apart."""

    base: str
    country: str | None = None
    year: int | None = None


@functools.lru_cache(maxsize=16384)
def qualified(name: str) -> Qualified:
    """'The Office (US)' -> base 'office', country 'us'; 'Doctor Who 2005' -> year 2005."""
    words = normalise_text(name).split()
    country: str | None = None
    year: int | None = None
    while len(words) > 1:
        last = words[-1]
        if country is None and last in COUNTRIES:
            country = last
        elif year is None and _YEARLIKE.match(last):
            year = int(last)
        else:
            break
        words.pop()
    return Qualified(" ".join(words), country, year)


def extra_words(wanted: str, offered: str) -> list[str]:
    """Words of `offered` that `wanted` lacks (both normalised): 'dark matter' over 'dark'."""
    have = set(wanted.split())
    return [w for w in offered.split() if w not in have]


# Words a release adds to a name without making it another work: editions, formats, media.
_EDITION_LINES = (
    "deluxe edition editions remaster remastered remasters expanded anniversary legacy special",
    "collector collectors limited super bonus track tracks version versions reissue re issue",
    "mono stereo vinyl lp cd cds disc discs 2cd 3cd dvd sacd hdcd shm mfsl japan japanese import",
    "original digital web flac mp3 lossless hi res hires 16bit 24bit khz bit aac ogg alac",
    "extended directors director s cut unrated uncut theatrical imax criterion final",
    "restored definitive complete ultimate aka and the of a edit 3d dc se sbs hsbs ou hou",
)
EDITION_WORDS = frozenset(word for line in _EDITION_LINES for word in line.split())


@functools.lru_cache(maxsize=16384)
def extra_name_words(wanted: tuple[str, ...], offered: tuple[str, ...]) -> tuple[str, ...]:
    """The fewest words any offered form adds to any wanted form, editions and numbers aside.

    () means the offered name is the wanted one (maybe with an edition); anything else names
    something more, like a spin-off or another album that starts the same way.
    """
    best: tuple[str, ...] | None = None
    for want in wanted:
        for text in offered:
            for form in name_forms(text):
                extra = tuple(w for w in extra_words(want, form)
                              if w not in EDITION_WORDS and not w.isdigit())
                if best is None or len(extra) < len(best):
                    best = extra
    return best or ()


# Words that end a name in a release title: languages, sources, resolutions, codecs.
_TAG_LINES = (
    "german french truefrench vostfr multi multi2 dual english eng spanish castellano latino",
    "italian ita dutch nl swedish nordic danish norwegian finnish polish pl russian rus hindi",
    "korean japanese chinese portuguese brazilian subbed dubbed ac3d dl",
    "bluray blu ray bdrip brrip bdremux remux webrip web webdl dl hdtv hdrip dvdrip dvdr dvd",
    "dvdscr hdcam cam ts tc screener pal ntsc uhd 4k hdr hdr10 dv sdr 10bit 8bit",
    "x264 x265 h264 h265 hevc avc xvid divx av1 vp9 dts dd5 ddp5 aac ac3 truehd atmos",
)
_TAGS = frozenset(word for line in _TAG_LINES for word in line.split())
_RESOLUTION = re.compile(r"^\d{3,4}[pi]$")


@functools.lru_cache(maxsize=16384)
def words_after_name(wanted: tuple[str, ...], whole: str) -> tuple[str, ...] | None:
    """The words an uploader wrote right after the wanted name and before the first tag.

    'Dune.Part.Two' after 'dune' -> ('part',); 'www.site.com - Heat' -> (). None when
    the wanted name is not found as a run of words in `whole`.
    """
    found: tuple[str, ...] | None = None
    # A bracket after the name opens an alternative title or tags, not more of the name.
    whole = re.split(r"\s*[(\[{]", whole, maxsplit=1)[0] or whole
    for form in name_forms(whole):
        words = form.split()
        for want in wanted:
            target = want.split()
            size = len(target)
            for start in range(len(words) - size + 1):
                if words[start:start + size] != target:
                    continue
                tail = []
                for word in words[start + size:]:
                    if word in _TAGS or _RESOLUTION.match(word):
                        break
                    tail.append(word)
                extra = tuple(w for w in tail if w not in EDITION_WORDS and not w.isdigit())
                if found is None or len(extra) < len(found):
                    found = extra
                break
    return found
