"""Text normalisation for comparing names: case, diacritics, punctuation, '&', leading 'The'."""

from __future__ import annotations

import re
import unicodedata

_AMPERSAND = re.compile(r"\s*&\s*")
_NOT_WORD = re.compile(r"[^\w]+|_+")
_LEADING_ARTICLE = re.compile(r"^the\s+")
# Letters that have no decomposition in NFKD but that people type without the mark.
_EXTRA_FOLDS = str.maketrans(
    {"ı": "i", "ł": "l", "ø": "o", "đ": "d", "ß": "ss", "æ": "ae", "œ": "oe"}
)


def strip_diacritics(text: str) -> str:
    """'Barış Manço' -> 'Baris Manco'."""
    decomposed = unicodedata.normalize("NFKD", text)
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return stripped.translate(_EXTRA_FOLDS)


def normalise_text(text: str, drop_leading_article: bool = True) -> str:
    """Fold a name to a comparable key: lower case, no diacritics, punctuation as single spaces.

    '&' counts as 'and', and a leading 'The' is dropped unless `drop_leading_article` is False
    ("The Cure" and "Cure" name the same band for matching purposes).
    """
    folded = strip_diacritics(text.casefold()).translate(_EXTRA_FOLDS)
    folded = _AMPERSAND.sub(" and ", folded)
    folded = _NOT_WORD.sub(" ", folded).strip()
    if drop_leading_article:
        folded = _LEADING_ARTICLE.sub("", folded)
    return folded
