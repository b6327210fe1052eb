"""How names are written differently but mean the same: stylised letters, numbers, subtitles.

'P!nk' is 'Pink', 'Part One' is 'Part 1', 'Rocky III' is 'Rocky 3'; and the number in a
name tells one installment from the next ('Vol. 1' is not 'Vol. 2').
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable

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


@functools.lru_cache(maxsize=16384)
def name_forms(text: str) -> tuple[str, ...]:
    """The comparable forms of a name: plain, destylised, with numbers as digits; no repeats."""
    forms = [normalise_text(text)]
    plain = destylised(text)
    if plain != text:
        forms.append(normalise_text(plain))
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


def name_before_year(raw_title: str, year: int | None) -> str | None:
    """The release name's words before its year: the whole title as the uploader wrote it.

    'Mission.Impossible.Dead.Reckoning.Part.One.2023.1080p' -> 'Mission.Impossible.Dead.
    Reckoning.Part.One'; None when the title has no year after some words.
    """
    if year is None:
        return None
    text = _LEADING_TAGS.sub("", raw_title)
    found = re.search(rf"(?<!\d){year}(?!\d)", text)
    if found is None or found.start() == 0:
        return None
    head = text[: found.start()].rstrip(" ._-([")
    return head or None


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
