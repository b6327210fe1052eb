"""Shared vocabulary of release titles: separators, extensions, prefixes and name clean-up."""

from __future__ import annotations

import html
import re
from typing import Any, TypeVar

_T = TypeVar("_T")

# A "word edge" in release titles: anything that is not a letter or digit (dots, underscores,
# dashes and brackets all separate words), which `\b` cannot express because `_` is a word char.
L = r"(?<![^\W_])"
R = r"(?![^\W_])"

_EXTENSION = re.compile(
    r"\.(mkv|avi|mp4|m4v|ts|mpg|mpeg|wmv|webm|mov|ogm|m2ts|rmvb|flv|nfo|srt|sub|idx|torrent|par2|nzb"
    r"|rar|zip|7z|mp3|flac|m4a)\s*$",
    re.IGNORECASE,
)

# "[ www.Torrenting.com ] - ", "www.Torrenting.org - ", "[nextorrent.org] ", "[XCT].",
# "{WWW.SITE.TV} ", "[www.site.net]_-_", "www.Site.party - ", "www Site tel - " (dots lost).
_LEADING_SITE = re.compile(
    r"^\s*(?:[\[{]\s*(?:www\.)?[\w-]+\.(?:com|org|net|pl|eu|ru|info|me|to|cc|tv)\s*[\]}]"
    r"|[\[{]\s*www\.[\w-]+\.[a-z]{2,6}\s*[\]}]|ww?w[.,][\w-]+\.[a-z]{2,6}(?![\w-])"
    r"|ww?w[ .,][\w-]+[ .][a-z]{2,6}(?=\s+-\s+)"
    r"|[\w-]+\.(?:com|org|net|info|to|cc|tv|me)(?=\s+-\s+))[\s_]*(?:-[\s_]+)?",
    re.IGNORECASE,
)
_LEADING_BRACKET = re.compile(r"^\s*\[[^\]]*\]\s*\.?\s*")
_LEADING_NAMED_BRACKET = re.compile(r"^\s*\[([^\W\d_][^\]]*?[ ._](?:19|20)\d\d)\]")
_LEADING_PAREN_GENRE = re.compile(r"^\s*\([^)]*[A-Za-z][^)]*\)\s*(?=\S)")
_ACRONYM_DOTS = re.compile(r"(?<![^\W_])[^\W\d_](?:\.[^\W\d_](?![^\W_]))+\.?")
_LEADING_JUNK_CHARS = " -:~,;+/|"
_TRAILING_JUNK_CHARS = " -:~,;+/|([{"
_EMPTY_BRACKETS = re.compile(r"\(\s*\)|\[\s*\]|\{\s*\}")


def plain_text(title: str) -> str:
    """Undo the encodings of web feeds: HTML entities ('Don&#039;t') and '+' for spaces
    ('Artist+-+Album+(2021)'), the latter only in a title without a single space."""
    if "&" in title and ";" in title:
        title = html.unescape(title)
    if "+" in title and " " not in title and title.count("+") >= 2:
        title = title.replace("+", " ")
    return title


def split_extension(title: str) -> tuple[str, str | None]:
    """Return the title without a trailing file extension, and that extension in lower case."""
    # Only spaces may follow the extension: a match can start at the last dot only.
    dot = title.rfind(".")
    match = _EXTENSION.match(title, dot) if dot >= 0 else None
    if match is None:
        return title, None
    return title[: match.start()], match.group(1).lower()


def strip_leading_noise(title: str, keep_parenthesised: bool = True) -> str:
    """Drop leading site names and bracketed tags ("[RlsGrp] ", "[ www.x.com ] - ").

    A leading parenthesised group is kept unless `keep_parenthesised` is False, because it is
    part of some names ("(500) Days of Summer") but a genre label in music feeds.
    """
    if title.lstrip()[:1] not in "[{(" and _LEADING_SITE.match(title) is None:
        return title  # most titles: no bracket first and no site name, nothing to strip
    previous = None
    while previous != title:
        previous = title
        title = _LEADING_SITE.sub("", title)
        named = _LEADING_NAMED_BRACKET.match(title)
        if named is not None:
            # "[Taxi 1998] [BDRemux]": a bracket holding a name and its year is the name.
            return named.group(1) + title[named.end() :]
        stripped = _LEADING_BRACKET.sub("", title)
        if stripped.strip():
            title = stripped
        if not keep_parenthesised:
            stripped = _LEADING_PAREN_GENRE.sub("", title)
            if stripped.strip():
                title = stripped
    return title


def _protect_acronym(match: re.Match[str]) -> str:
    protected = match.group(0).replace(".", "\x00")
    following = match.string[match.end() : match.end() + 1]
    return protected + " " if following.isalnum() else protected


def clean_name(fragment: str) -> str:
    """Turn a slice of a release title into a display name.

    Dots and underscores become spaces except inside acronyms (R.I.P.D., S.H.I.E.L.D.), and
    dangling separators or unclosed brackets at either end are dropped.
    """
    text = _ACRONYM_DOTS.sub(_protect_acronym, fragment) if "." in fragment else fragment
    # Each dot or underscore becomes a space (runs of spaces are collapsed below): two
    # `str.replace` calls cost a tenth of a regex substitution.
    text = text.replace(".", " ").replace("_", " ").replace("\x00", ".")
    if "()" in text or "( " in text or "[" in text or "{" in text:
        text = _EMPTY_BRACKETS.sub(" ", text)
    text = " ".join(text.split()).lstrip(_LEADING_JUNK_CHARS).rstrip(_TRAILING_JUNK_CHARS)
    if text.count("(") > text.count(")"):
        cut = text.rfind("(")
        text = text[1:].strip() if cut == 0 else text[:cut].strip()
    if text.count("[") > text.count("]"):
        text = text[: text.rfind("[")].strip()
    return text.lstrip(_LEADING_JUNK_CHARS).rstrip(_TRAILING_JUNK_CHARS)


def _scan_top(body: str) -> tuple[list[int], int] | None:
    """Positions of the top-level `|` of `body` and of the `)` that closes it (or -1 at its
    end); None when a character class or a group is left open."""
    bars: list[int] = []
    depth, index, in_class = 0, 0, False
    while index < len(body):
        char = body[index]
        if char == "\\":
            index += 2
            continue
        if in_class:
            in_class = char != "]"
        elif char == "[":
            in_class = True
            index += 1
            if body[index : index + 1] == "^":
                index += 1
            if body[index : index + 1] == "]":  # a "]" first in a class is a literal
                index += 1
            continue
        elif char == "(":
            depth += 1
        elif char == ")":
            if depth == 0:
                return bars, index
            depth -= 1
        elif char == "|" and depth == 0:
            bars.append(index)
        index += 1
    return None if depth or in_class else (bars, -1)


_FIRST_ATOM = re.compile(r"(?:[A-Za-z0-9]|\\d|\[[^\]\\^]+\])(?![?*+{])")


def _literal_first_branch(branch: str) -> str | None:
    first = _FIRST_ATOM.match(branch)
    if first is None:
        return None
    atom = first.group()
    return atom + f"(?<![^\\W_]{atom})" + branch[len(atom) :]


def literal_first(pattern: str) -> str:
    """`pattern` with a leading word-start look-behind (`L`) moved behind the first character
    of each alternative: "L(?:web|dvd)" -> "(?:w(?<![^\\W_]w)eb|d(?<![^\\W_]d)vd)".

    The same matches: no letter or digit before the position of a `c` is the same as no
    letter or digit followed by that `c` before the end of the `c` just matched. But `re`
    skips ahead to the characters that can start a match when a pattern begins with them,
    where a leading look-behind is tried at every position of the title. Returns `pattern`
    unchanged when an alternative does not start with a plain character (or class) that is
    not optional.
    """
    if not pattern.startswith(L):
        return pattern
    rest = pattern[len(L) :]
    if not rest.startswith("(?:"):
        moved = _literal_first_branch(rest)
        return pattern if moved is None else moved
    scanned = _scan_top(rest[3:])
    if scanned is None or scanned[1] < 0:
        return pattern
    bars, close = scanned
    inner, tail = rest[3 : 3 + close], rest[3 + close :]
    edges = [-1, *bars, close]
    branches = [
        _literal_first_branch(inner[edges[i] + 1 : edges[i + 1]]) for i in range(len(edges) - 1)
    ]
    if any(branch is None for branch in branches):
        return pattern
    return "(?:" + "|".join(branch for branch in branches if branch is not None) + tail


# An upper-case letter in a pattern outside an escape (\W, \Z...): such a pattern cannot run
# on lower-cased text unchanged.
_UPPER_LITERAL = re.compile(r"(?<!\\)[A-Z]")


class KeywordPattern:
    """A regex tried only when one of its keywords occurs in the lower-cased text.

    The substring pre-check costs tens of nanoseconds where a miss of the regex itself costs
    microseconds, and most tag patterns miss on most titles.
    """

    __slots__ = ("keywords", "lower_pattern", "pattern")

    def __init__(self, keywords: tuple[str, ...], pattern: str, flags: int = re.IGNORECASE) -> None:
        self.keywords = keywords
        self.pattern = re.compile(literal_first(pattern), flags)
        # Case-insensitive matching costs `re` up to tens of microseconds a title: an ASCII
        # title is searched in lower case by the same pattern without IGNORECASE (the same
        # matches for ASCII text, as long as the pattern names no upper-case letter).
        folds = bool(flags & re.IGNORECASE) and _UPPER_LITERAL.search(pattern) is None
        self.lower_pattern = (
            re.compile(self.pattern.pattern, flags & ~re.IGNORECASE) if folds else None
        )

    def search(self, text: str, lower: str | None = None) -> re.Match[str] | None:
        """Like `re.Pattern.search`; `lower` is `text.lower()` when the caller has it."""
        folded = text.lower() if lower is None else lower
        for keyword in self.keywords:
            if keyword in folded:
                return self.search_all(text)
        return None

    def search_all(self, text: str) -> re.Match[str] | None:
        """`re.Pattern.search` without the keyword check."""
        if self.lower_pattern is None or not text.isascii():
            return self.pattern.search(text)
        found = self.lower_pattern.search(text.lower())
        # The match on `text` itself (its groups keep their case) starts where that one does.
        return None if found is None else self.pattern.match(text, found.start())


def keyword_gate(keywords: tuple[str, ...]) -> re.Pattern[str]:
    """A pattern that finds a text containing any of `keywords` (run it on lower-cased text).

    The keywords are merged into a tree of alternatives by their first characters ("a(?:udio
    |bridged)|b(?:oo(?:klet|tleg))..."): at each position `re` tests one branch per distinct
    first character instead of one per keyword, several times faster than a flat alternation
    of sixty words or sixty substring checks. Only whether it matches means anything: a
    keyword that has a shorter keyword as its prefix is left out.
    """
    tree: dict[str, dict[str, Any]] = {}
    for keyword in keywords:
        node = tree
        for char in keyword:
            node = node.setdefault(char, {})
        node[""] = {}

    def branches(node: dict[str, Any]) -> str:
        if "" in node:
            return ""  # a keyword ends here: its longer variants add nothing to a gate
        alternatives = [re.escape(char) + branches(child) for char, child in sorted(node.items())]
        return alternatives[0] if len(alternatives) == 1 else "(?:" + "|".join(alternatives) + ")"

    return re.compile(branches(tree))


def _named(pattern: KeywordPattern, text: str, lower: str, ascii_text: bool) -> bool:
    """Whether `pattern` matches `text`; `lower` is `text.lower()`, `ascii_text` its isascii()."""
    if pattern.lower_pattern is not None and ascii_text:
        return pattern.lower_pattern.search(lower) is not None
    return pattern.pattern.search(text) is not None


def first_named(table: tuple[tuple[_T, KeywordPattern], ...], text: str, lower: str) -> _T | None:
    """The name of the first pattern of `table` that matches `text` (`lower` is its lower case).

    `KeywordPattern.search` inlined: a family of a dozen patterns is tried on every title, and
    the method calls cost more than the keyword checks themselves. Only whether a pattern
    matches counts here, so the lower-cased text is searched as it is (no second lower()).
    """
    ascii_text = text.isascii()
    for name, pattern in table:
        for keyword in pattern.keywords:
            if keyword in lower:
                if _named(pattern, text, lower, ascii_text):
                    return name
                break
    return None


def all_named(
    table: tuple[tuple[_T, KeywordPattern], ...], text: str, lower: str
) -> tuple[_T, ...]:
    """The names of every pattern of `table` that matches `text`, in table order."""
    found = []
    ascii_text = text.isascii()
    for name, pattern in table:
        for keyword in pattern.keywords:
            if keyword in lower:
                if _named(pattern, text, lower, ascii_text):
                    found.append(name)
                break
    return tuple(found)


# A letter of another script than Latin (Cyrillic, Greek, CJK, Arabic, Hangul ...); roman
# numeral letters (Ⅱ) count as Latin.
_NON_LATIN = re.compile(r"[^\W\d_A-Za-z\u00c0-\u024f\u1e00-\u1eff\u2160-\u2188]")
_LATIN = re.compile(r"[A-Za-z\u00c0-\u024f]")
_OTHER_SCRIPT_WORDS = re.compile(
    r"^(?:[^\sA-Za-z\u00c0-\u024f]*[^\W\d_A-Za-z\u00c0-\u024f\u1e00-\u1eff\u2160-\u2188]"
    r"[^\sA-Za-z\u00c0-\u024f]*\s+)+"
)


def prefer_latin(name: str) -> str:
    """A name given in two scripts keeps its Latin-script part, the one catalogs match.

    "Голубая волна / Blue Crush" -> "Blue Crush"; "超能警探 Memorist" -> "Memorist"; a name in
    one script only, or one whose other script follows the Latin part, is kept whole.
    """
    if name.isascii() or _NON_LATIN.search(name) is None:
        return name
    if " / " in name or name.endswith(" /"):
        parts = [part.strip() for part in name.split("/")]
        latin = [p for p in parts if p and _NON_LATIN.search(p) is None and _LATIN.search(p)]
        return " / ".join(latin) if latin else name
    leading = _OTHER_SCRIPT_WORDS.match(name)
    if leading is None:
        return name
    rest = name[leading.end() :].strip(" -_.")
    if rest.startswith("(") and rest.endswith(")") and rest.count("(") == 1:
        rest = rest[1:-1].strip()
    return rest if _LATIN.search(rest) and _NON_LATIN.search(rest) is None else name
