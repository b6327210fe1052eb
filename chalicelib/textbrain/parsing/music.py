"""Artist and album of music titles: 'Artist - Album (2017) [FLAC]', 'Artist-Album-WEB-2017-GRP'."""

from __future__ import annotations

import re
from dataclasses import dataclass

from chalicelib.textbrain.normalise import normalise_text
from chalicelib.textbrain.parsing.flags import discography_start
from chalicelib.textbrain.parsing.tokens import L, R, clean_name

_I = re.IGNORECASE

_SPACED_DASH = re.compile(r"\s+[-–—]\s+|\s+[-–—](?=[A-Z(\[])|(?<=[a-z)\]])[-–—]\s+")
# A field separator of scene names: not a spaced dash, not inside "08-05-2023", but before the
# closing "-YEAR-GROUP" even after a digit ("Artist-Song_2-1997-GRP").
_SCENE_DASH = re.compile(
    r"(?<![\s\d])-(?!\s)|(?<=\d)-(?![\d\s])|(?<![\s\d])-(?=\d)|-(?=(?:19|20)\d\d-[^\W_]+$)"
)
_BRACKETED_YEAR = re.compile(r"[(\[{](?:[^)\]}]*?\D)?(?:19|20)\d\d(?:\D[^)\]}]*)?[)\]}]")
_BARE_YEAR = re.compile(r"(?<![^\W_])(?:19|20)\d\d(?![^\W_])")
# A parenthesised group that starts with a tag word, a year or a number (not an ordinal), or
# names an edition, is a label after the album: "(Deluxe Edition)", "(Single 2014)", "(320)",
# "(20.04.2017)". Other groups are part of the name: "Wanna Be (More Than Your Lover)",
# "Serious Emotions (2nd Remixes Pack)", "Live in Melbourne (Australia 29.01.2003)".
_LABEL_GROUP = re.compile(
    r"\(\s*(?:(?:deluxe|limited|special|expanded|collector|anniversary|remaster\w*|single|album"
    r"|ep|lp|bonus|explicit|clean|reissue|original|ost|soundtrack|web|cd|vinyl|flac|mp3|lossless"
    r"|live|full|promo|retail|import|hi[ -]?res|\d+[ -]?bits?)(?![^\W_])"
    r"|\d(?!\d?(?:st|nd|rd|th)(?![^\W_]))|[^)]*(?:edition|version|remaster))",
    _I,
)
_ALBUM_END = re.compile(
    r"\s*[\[{]|"
    + L
    + r"(?:flac|web[ ._-]?flac|mp3|m4a|aac|alac|ape|wv|wavpack|ogg|vorbis|opus|lossless"
    r"|\d{0,2}cds?|cd[ ._-]?rip|vinyl|web|\d{3}[ ._-]?kbps|kbps|24[ ._-]?bits?|v0|v2|eac"
    r"|(?:320|256|192)(?=\s*$)|@\d+)" + R,
    _I,
)
_SCENE_TAG = re.compile(
    r"^(?:(?:19|20)\d\d|\d{0,2}cds?|web\w*|flac|mp3|vinyl"
    r"|(?:deluxe|limited|special)(?:[ ._]edition)?"
    r"|\(?deluxe[ ._]edition\)?|24bit|24|\d{2,3}|remastered|retail|promo|bonus)$",
    _I,
)
# A field that is a year, or ends in one ("9th_January_2001", "08-05-2023").
_YEAR_SEGMENT = re.compile(r"^(?:.*[\s._-])?(?:19|20)\d\d[\s._]*$")
_TRAILING_DASH = re.compile(r"[\s._]*[-–—]+[\s._]*$")


@dataclass(frozen=True)
class ArtistAlbum:
    """Artist and album read from a music title; None where the title does not say."""

    artist: str | None
    album: str | None


def _album_from(rest: str) -> str | None:
    has_bracketed_year = _BRACKETED_YEAR.search(rest) is not None
    ends = [len(rest)]
    paren = rest.find("(", 1)
    while paren > 0:
        if _LABEL_GROUP.match(rest, paren):
            ends.append(len(rest[:paren].rstrip()))
            break
        paren = rest.find("(", paren + 1)
    tag = _ALBUM_END.search(rest, 1)
    if tag is not None:
        ends.append(tag.start())
    if not has_bracketed_year:
        year = _BARE_YEAR.search(rest, 1)
        if year is not None:
            ends.append(year.start())
    album = _TRAILING_DASH.sub("", rest[: min(ends)])
    return clean_name(album) or None


def _scene_segments(body: str) -> list[str] | None:
    """Split 'Artist-Album-WEB-2017-GRP'; None when the title is not written that way."""
    depth = 0
    cuts = []
    for index, ch in enumerate(body):
        if ch in "([{":
            depth += 1
        elif ch in ")]}":
            depth = max(0, depth - 1)
        elif ch == "-" and depth == 0 and _SCENE_DASH.match(body, index):
            cuts.append(index)
    if not cuts:
        return None
    segments = []
    previous = 0
    for cut in cuts:
        segments.append(body[previous:cut])
        previous = cut + 1
    segments.append(body[previous:])
    if len(segments) < 3 and " " in body:
        return None
    return [segment for segment in segments if segment.strip(" ._")]


def _join_hyphenated_names(segments: list[str]) -> list[str]:
    """'A-ha-Hunting_High_and_Low-CD-FLAC-1985-GRP', 'Jay-Z-Album-2001-GRP': scene names keep a
    name's own hyphen, so a one- or two-letter piece among the leading fields is half of a
    hyphenated name, joined to its neighbour while an album field remains after the artist."""
    content = 0
    for segment in segments[:-1]:
        if _SCENE_TAG.match(segment.strip(" ._")):
            break
        content += 1
    if content < 3:
        return segments
    first, second = segments[0].strip(" ._"), segments[1].strip(" ._")
    if (len(first) <= 2 or len(second) <= 2) and first.isalpha() and second.isalnum():
        return [f"{segments[0]}-{segments[1]}", *segments[2:]]
    return segments


def looks_like_scene_music(body: str) -> bool:
    """'Artist-Album-WEB-2017-GRP': dash-separated fields, one of them a bare year."""
    if " - " in body:
        return False
    segments = _scene_segments(body)
    return (
        segments is not None
        and len(segments) >= 3
        and any(_YEAR_SEGMENT.match(segment) for segment in segments[1:])
    )


def _from_hints(body: str, hint_artist: str | None, hint_album: str | None) -> ArtistAlbum | None:
    if not hint_artist:
        return None
    title_key = normalise_text(body, drop_leading_article=False)
    artist_key = normalise_text(hint_artist, drop_leading_article=False)
    if not artist_key or not title_key.startswith(artist_key):
        return None
    rest = title_key[len(artist_key) :]
    album = None
    if hint_album:
        album_key = normalise_text(hint_album, drop_leading_article=False)
        if album_key and f" {album_key} " in f" {rest} ":
            album = hint_album
    return ArtistAlbum(hint_artist, album)


def artist_album(
    body: str, discography: bool, hint_artist: str | None = None, hint_album: str | None = None
) -> ArtistAlbum:
    """Split a music title into artist and album.

    The hints are the artist/album a search asked for: when the title starts with the hinted
    artist, the hinted names are trusted over the generic split (Lidarr does the same).
    """
    hinted = _from_hints(body, hint_artist, hint_album)
    if hinted is not None:
        return hinted
    spaced = _SPACED_DASH.search(body)
    if spaced is not None:
        artist, rest = body[: spaced.start()], body[spaced.end() :]
    else:
        segments = _scene_segments(body)
        if segments is not None:
            segments = _join_hyphenated_names(segments)
            artist = segments[0]
            album_segments = [s for s in segments[1:-1] if not _SCENE_TAG.match(s.strip(" ._"))]
            if len(segments) == 2:
                album_segments = [segments[1]]
            rest = album_segments[0] if album_segments else ""
        else:
            start = discography_start(body) if discography else None
            end = start if start else len(body)
            tag = _ALBUM_END.search(body, 1)
            if tag is not None and tag.start() < end:
                end = tag.start()
            return ArtistAlbum(clean_name(body[:end]) or None, None)
    if discography:
        start = discography_start(artist)
        if start:
            artist = artist[:start]
        return ArtistAlbum(clean_name(artist) or None, None)
    return ArtistAlbum(clean_name(artist) or None, _album_from(rest))
