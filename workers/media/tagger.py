"""Write and read track tags and cover art with mutagen.

Fields left None in TrackTags are left as the file has them; a given cover replaces every
embedded picture. Covers must be JPEG or PNG (the only kinds an m4a `covr` atom can carry,
so every format is held to the same rule).
"""

from __future__ import annotations

import base64
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any

import mutagen
from mutagen import flac, id3, mp4
from mutagen.mp3 import MP3
from mutagen.oggopus import OggOpus
from mutagen.oggvorbis import OggVorbis

from workers.media.errors import TaggingError

# mutagen's classes are only partly annotated; held as Any so calls type-check.
Picture: Any = flac.Picture
MP4Cover: Any = mp4.MP4Cover
_ID3_FRAMES: Any = id3
COVER_FRONT = id3.PictureType.COVER_FRONT

COVER_MIMES = ("image/jpeg", "image/png")
_PICTURE_BLOCK_KEY = "METADATA_BLOCK_PICTURE"

# TrackTags field -> Vorbis comment name (FLAC, Ogg Vorbis, Opus).
_VORBIS_KEYS = {"title": "TITLE", "artist": "ARTIST", "album": "ALBUM",
                "album_artist": "ALBUMARTIST", "date": "DATE", "genre": "GENRE",
                "track_number": "TRACKNUMBER", "track_total": "TRACKTOTAL",
                "disc_number": "DISCNUMBER", "disc_total": "DISCTOTAL"}
_ID3_TEXT = {"title": "TIT2", "artist": "TPE1", "album": "TALB", "album_artist": "TPE2",
             "genre": "TCON", "date": "TDRC"}
_MP4_TEXT = {"title": "\xa9nam", "artist": "\xa9ART", "album": "\xa9alb",
             "album_artist": "aART", "date": "\xa9day", "genre": "\xa9gen"}


@dataclass(frozen=True)
class TrackTags:
    """The metadata a ticket asks to embed; `date` is a year or an ISO date."""

    title: str | None = None
    artist: str | None = None
    album: str | None = None
    album_artist: str | None = None
    track_number: int | None = None
    track_total: int | None = None
    disc_number: int | None = None
    disc_total: int | None = None
    date: str | None = None
    genre: str | None = None

    def __post_init__(self) -> None:
        for name in ("track_number", "track_total", "disc_number", "disc_total"):
            value = getattr(self, name)
            if value is not None and (not isinstance(value, int) or value < 0):
                raise TaggingError(f"TrackTags.{name} must be a non-negative int, got {value!r}")

    def given(self) -> dict[str, Any]:
        return {f.name: getattr(self, f.name) for f in fields(self)
                if getattr(self, f.name) is not None}


@dataclass(frozen=True)
class CoverArt:
    data: bytes
    mime: str


def tag_file(path: Path, tags: TrackTags, cover: bytes | None = None,
             cover_mime: str = "image/jpeg") -> None:
    """Write `tags` (and `cover`, if given) into the audio file at `path`."""
    if cover is not None and cover_mime not in COVER_MIMES:
        raise TaggingError(f"cover_mime must be one of {', '.join(COVER_MIMES)}, "
                           f"got {cover_mime!r}")
    art = CoverArt(cover, cover_mime) if cover is not None else None
    audio = _open(path)
    kind = _kind(path, audio)
    try:
        if kind == "vorbis":
            _write_vorbis_comments(audio, tags, art)
            audio.save()
        elif kind == "id3":
            _write_id3(audio, tags, art)
            audio.save(v2_version=4)
        else:
            _write_mp4(audio, tags, art)
            audio.save()
    except (mutagen.MutagenError, OSError) as exc:
        raise TaggingError(f"{path}: writing tags failed ({exc})") from exc


def read_tags(path: Path) -> TrackTags:
    """Read back the fields tag_file writes."""
    audio = _open(path)
    kind = _kind(path, audio)
    if kind == "vorbis":
        return _read_vorbis_comments(audio)
    if kind == "id3":
        return _read_id3(audio)
    return _read_mp4(audio)


def read_cover(path: Path) -> CoverArt | None:
    """The front cover (or first picture) embedded in the file, if any."""
    audio = _open(path)
    kind = _kind(path, audio)
    if isinstance(audio, flac.FLAC):  # real picture blocks, not comments
        return _first_picture(list(audio.pictures))
    tags: Any = audio.tags
    if tags is None:
        return None
    if kind == "vorbis":
        blocks = tags.get(_PICTURE_BLOCK_KEY, [])
        return _first_picture([Picture(base64.b64decode(b)) for b in blocks])
    if kind == "id3":
        frames = tags.getall("APIC")
        return CoverArt(frames[0].data, frames[0].mime) if frames else None
    covers = tags.get("covr", [])
    if not covers:
        return None
    mime = "image/png" if covers[0].imageformat == MP4Cover.FORMAT_PNG else "image/jpeg"
    return CoverArt(bytes(covers[0]), mime)


def _open(path: Path) -> Any:
    try:
        audio = mutagen.File(path)
    except (mutagen.MutagenError, OSError) as exc:
        raise TaggingError(f"{path}: cannot open for tagging ({exc})") from exc
    if audio is None:
        raise TaggingError(f"{path}: not an audio format the tagger knows")
    return audio


def _kind(path: Path, audio: object) -> str:
    """'vorbis' (FLAC, Ogg Vorbis, Opus), 'id3' (MP3) or 'mp4' (AAC/ALAC in m4a)."""
    if isinstance(audio, flac.FLAC | OggVorbis | OggOpus):
        return "vorbis"
    if isinstance(audio, MP3):
        return "id3"
    if isinstance(audio, mp4.MP4):
        return "mp4"
    raise TaggingError(f"{path}: cannot tag {type(audio).__name__} files")


def _write_vorbis_comments(audio: Any, tags: TrackTags, art: CoverArt | None) -> None:
    if audio.tags is None:
        audio.add_tags()
    for name, value in tags.given().items():
        audio.tags[_VORBIS_KEYS[name]] = [str(value)]
    if art is None:
        return
    picture = Picture()
    picture.type = COVER_FRONT
    picture.mime = art.mime
    picture.desc = "Cover"
    picture.data = art.data
    if hasattr(audio, "add_picture"):  # FLAC has real picture blocks
        audio.clear_pictures()
        audio.add_picture(picture)
    else:
        # Ogg has no picture block: the FLAC block goes base64-encoded into a comment.
        audio.tags[_PICTURE_BLOCK_KEY] = [base64.b64encode(picture.write()).decode("ascii")]


def _read_vorbis_comments(audio: Any) -> TrackTags:
    comments = audio.tags or {}

    def text(name: str) -> str | None:
        values = comments.get(_VORBIS_KEYS[name])
        return str(values[0]) if values else None

    return TrackTags(
        title=text("title"), artist=text("artist"), album=text("album"),
        album_artist=text("album_artist"), date=text("date"), genre=text("genre"),
        track_number=_number(text("track_number")), track_total=_number(text("track_total")),
        disc_number=_number(text("disc_number")), disc_total=_number(text("disc_total")),
    )


def _write_id3(audio: Any, tags: TrackTags, art: CoverArt | None) -> None:
    if audio.tags is None:
        audio.add_tags()
    frames: Any = audio.tags
    given = tags.given()
    for name, frame_id in _ID3_TEXT.items():
        if name in given:
            frames.setall(frame_id, [_id3_frame(frame_id, text=[given[name]])])
    if tags.track_number is not None or tags.track_total is not None:
        pair = _pair(tags.track_number, tags.track_total, _split_pair(frames.get("TRCK")))
        frames.setall("TRCK", [_id3_frame("TRCK", text=[pair])])
    if tags.disc_number is not None or tags.disc_total is not None:
        pair = _pair(tags.disc_number, tags.disc_total, _split_pair(frames.get("TPOS")))
        frames.setall("TPOS", [_id3_frame("TPOS", text=[pair])])
    if art is not None:
        frames.setall("APIC", [_id3_frame("APIC", mime=art.mime, type=COVER_FRONT,
                                          desc="Cover", data=art.data)])


def _id3_frame(frame_id: str, **values: Any) -> Any:
    """A UTF-8 (encoding=3) ID3v2.4 frame of the given kind."""
    return getattr(_ID3_FRAMES, frame_id)(encoding=3, **values)


def _read_id3(audio: Any) -> TrackTags:
    frames: Any = audio.tags
    if frames is None:
        return TrackTags()

    def text(frame_id: str) -> str | None:
        frame = frames.get(frame_id)
        return str(frame.text[0]) if frame is not None and frame.text else None

    track, track_total = _split_pair(frames.get("TRCK"))
    disc, disc_total = _split_pair(frames.get("TPOS"))
    return TrackTags(
        title=text("TIT2"), artist=text("TPE1"), album=text("TALB"), album_artist=text("TPE2"),
        date=text("TDRC"), genre=text("TCON"), track_number=track, track_total=track_total,
        disc_number=disc, disc_total=disc_total,
    )


def _write_mp4(audio: Any, tags: TrackTags, art: CoverArt | None) -> None:
    if audio.tags is None:
        audio.add_tags()
    atoms: Any = audio.tags
    for name, value in tags.given().items():
        if name in _MP4_TEXT:
            atoms[_MP4_TEXT[name]] = [value]
    if tags.track_number is not None or tags.track_total is not None:
        current = (atoms.get("trkn") or [(0, 0)])[0]
        atoms["trkn"] = [(tags.track_number or current[0], tags.track_total or current[1])]
    if tags.disc_number is not None or tags.disc_total is not None:
        current = (atoms.get("disk") or [(0, 0)])[0]
        atoms["disk"] = [(tags.disc_number or current[0], tags.disc_total or current[1])]
    if art is not None:
        kind = MP4Cover.FORMAT_PNG if art.mime == "image/png" else MP4Cover.FORMAT_JPEG
        atoms["covr"] = [MP4Cover(art.data, imageformat=kind)]


def _read_mp4(audio: Any) -> TrackTags:
    atoms: Any = audio.tags or {}

    def text(name: str) -> str | None:
        values = atoms.get(_MP4_TEXT[name])
        return str(values[0]) if values else None

    track, track_total = (atoms.get("trkn") or [(None, None)])[0]
    disc, disc_total = (atoms.get("disk") or [(None, None)])[0]
    return TrackTags(
        title=text("title"), artist=text("artist"), album=text("album"),
        album_artist=text("album_artist"), date=text("date"), genre=text("genre"),
        track_number=track or None, track_total=track_total or None,
        disc_number=disc or None, disc_total=disc_total or None,
    )


def _first_picture(pictures: list[Any]) -> CoverArt | None:
    if not pictures:
        return None
    front = [p for p in pictures if p.type == COVER_FRONT]
    chosen = (front or pictures)[0]
    return CoverArt(chosen.data, chosen.mime)


def _number(text: str | None) -> int | None:
    """'3' or '3/12' -> 3; anything else -> None."""
    if not text:
        return None
    head = text.split("/")[0].strip()
    return int(head) if head.isdigit() else None


def _split_pair(frame: Any) -> tuple[int | None, int | None]:
    """ID3 'n/N' text -> (n, N)."""
    if frame is None or not frame.text:
        return None, None
    number, _, total = str(frame.text[0]).partition("/")
    return _number(number), _number(total)


def _pair(number: int | None, total: int | None,
          current: tuple[int | None, int | None]) -> str:
    number = number if number is not None else current[0]
    total = total if total is not None else current[1]
    head = "" if number is None else str(number)
    return f"{head}/{total}" if total is not None else head
