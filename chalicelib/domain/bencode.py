"""Bencoding (BEP 3) and reading a .torrent's metadata: name, info hash, files, trackers.

Decoding is strict (canonical integers, byte-string keys, nothing after the value) and
bounded (size and nesting depth), because .torrent files come from untrusted indexers.
The info hash is the SHA-1 of the info dictionary's bytes exactly as they appear in the
file, so a torrent with unsorted keys still gets the hash its peers use.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from chalicelib.domain.candidate import TorrentFile

Bencoded = int | bytes | list["Bencoded"] | dict[bytes, "Bencoded"]

MAX_TORRENT_BYTES = 10 * 1024 * 1024
_MAX_DEPTH = 64
_DIGITS = frozenset(b"0123456789")


class BencodeError(ValueError):
    """The bytes are not valid bencoding; the message says what is wrong and where."""


class TorrentMetaError(ValueError):
    """The bencoding is valid but is not a usable .torrent; the message names the field."""


class TorrentTooLarge(TorrentMetaError):
    """The .torrent is larger than the accepted limit."""


class _Decoder:
    """A cursor over the input; records where the top-level `info` value starts and ends."""

    def __init__(self, data: bytes) -> None:
        self.data = data
        self.pos = 0
        self.info_span: tuple[int, int] | None = None

    def fail(self, message: str) -> BencodeError:
        return BencodeError(f"bad bencode at byte {self.pos}: {message}")

    def peek(self) -> int:
        if self.pos >= len(self.data):
            raise self.fail("unexpected end of data")
        return self.data[self.pos]

    def value(self, depth: int) -> Bencoded:
        if depth > _MAX_DEPTH:
            raise self.fail(f"nesting deeper than {_MAX_DEPTH}")
        lead = self.peek()
        if lead == ord("i"):
            return self.integer()
        if lead in _DIGITS:
            return self.string()
        if lead == ord("l"):
            self.pos += 1
            items: list[Bencoded] = []
            while self.peek() != ord("e"):
                items.append(self.value(depth + 1))
            self.pos += 1
            return items
        if lead == ord("d"):
            return self.dictionary(depth)
        raise self.fail(f"unexpected byte {bytes([lead])!r}")

    def integer(self) -> int:
        end = self.data.find(b"e", self.pos)
        if end < 0:
            raise self.fail("integer without closing 'e'")
        text = self.data[self.pos + 1 : end]
        digits = text[1:] if text.startswith(b"-") else text
        if not digits or not all(b in _DIGITS for b in digits):
            raise self.fail(f"bad integer {text[:20]!r}")
        if (digits.startswith(b"0") and len(digits) > 1) or text == b"-0":
            raise self.fail(f"non-canonical integer {text[:20]!r}")
        self.pos = end + 1
        return int(text)

    def string(self) -> bytes:
        colon = self.data.find(b":", self.pos)
        if colon < 0 or colon - self.pos > 12:
            raise self.fail("string length without ':'")
        length_text = self.data[self.pos : colon]
        if not all(b in _DIGITS for b in length_text):
            raise self.fail(f"bad string length {length_text!r}")
        if length_text.startswith(b"0") and len(length_text) > 1:
            raise self.fail(f"non-canonical string length {length_text!r}")
        start = colon + 1
        end = start + int(length_text)
        if end > len(self.data):
            raise self.fail(f"string of {int(length_text)} bytes runs past the end")
        self.pos = end
        return self.data[start:end]

    def dictionary(self, depth: int) -> dict[bytes, Bencoded]:
        self.pos += 1
        result: dict[bytes, Bencoded] = {}
        while self.peek() != ord("e"):
            if self.peek() not in _DIGITS:
                raise self.fail("dictionary key is not a byte string")
            key = self.string()
            if key in result:
                raise self.fail(f"duplicate dictionary key {key[:40]!r}")
            start = self.pos
            result[key] = self.value(depth + 1)
            if depth == 0 and key == b"info":
                self.info_span = (start, self.pos)
        self.pos += 1
        return result


def decode(data: bytes) -> Bencoded:
    """Decode one bencoded value that must span all of `data`."""
    decoder = _Decoder(data)
    value = decoder.value(0)
    if decoder.pos != len(data):
        raise decoder.fail(f"{len(data) - decoder.pos} trailing bytes after the value")
    return value


def encode(value: Bencoded | str) -> bytes:
    """Encode `value`; str is written as UTF-8 and dictionary keys are sorted."""
    if isinstance(value, bool):
        raise TypeError("bencoding has no booleans")
    if isinstance(value, int):
        return b"i%de" % value
    if isinstance(value, str):
        value = value.encode("utf-8")
    if isinstance(value, bytes):
        return b"%d:%s" % (len(value), value)
    if isinstance(value, list):
        return b"l" + b"".join(encode(item) for item in value) + b"e"
    if isinstance(value, dict):
        for key in value:
            if not isinstance(key, bytes):
                raise TypeError(f"dictionary key must be bytes, got {type(key).__name__}")
        return b"d" + b"".join(encode(k) + encode(value[k]) for k in sorted(value)) + b"e"
    raise TypeError(f"cannot bencode {type(value).__name__}")


@dataclass(frozen=True)
class TorrentMeta:
    """What a v1 .torrent says about its content."""

    name: str
    info_hash: str
    files: tuple[TorrentFile, ...]
    total_size: int
    piece_length: int
    trackers: tuple[str, ...]
    private: bool = False


def read_torrent_files(data: bytes, *, max_bytes: int = MAX_TORRENT_BYTES) -> TorrentMeta:
    """Read a .torrent's name, info hash, file list and trackers.

    Multi-file paths start with the torrent's name (the root folder); BEP 47 padding files
    are left out. Raises TorrentTooLarge, BencodeError or TorrentMetaError.
    """
    root, info, info_hash = _read_root(data, max_bytes)
    name = _text(info, "name", "info.name")
    _check_component(name, "info.name")
    piece_length = info.get(b"piece length")
    if not isinstance(piece_length, int) or piece_length <= 0:
        raise TorrentMetaError("info.piece length: missing or not a positive integer")
    files = _files(info, name)
    return TorrentMeta(
        name=name,
        info_hash=info_hash,
        files=files,
        total_size=sum(f.size for f in files),
        piece_length=piece_length,
        trackers=_trackers(root),
        private=info.get(b"private") == 1,
    )


def info_hash_of_torrent(data: bytes, *, max_bytes: int = MAX_TORRENT_BYTES) -> str:
    """A .torrent's v1 info hash, whatever its info dictionary holds besides.

    Raises TorrentTooLarge, BencodeError or TorrentMetaError (all ValueError).
    """
    return _read_root(data, max_bytes)[2]


def _read_root(
    data: bytes, max_bytes: int
) -> tuple[dict[bytes, Bencoded], dict[bytes, Bencoded], str]:
    """The root dictionary, its info dictionary, and the SHA-1 of the info bytes as found."""
    if len(data) > max_bytes:
        raise TorrentTooLarge(f".torrent is {len(data)} bytes, more than the {max_bytes} allowed")
    decoder = _Decoder(data)
    root = decoder.value(0)
    if decoder.pos != len(data):
        raise decoder.fail(f"{len(data) - decoder.pos} trailing bytes after the value")
    if not isinstance(root, dict):
        raise TorrentMetaError(".torrent is not a dictionary")
    info = root.get(b"info")
    if not isinstance(info, dict) or decoder.info_span is None:
        raise TorrentMetaError("info: missing or not a dictionary")
    start, end = decoder.info_span
    return root, info, hashlib.sha1(data[start:end]).hexdigest()


def _files(info: dict[bytes, Bencoded], name: str) -> tuple[TorrentFile, ...]:
    length = info.get(b"length")
    entries = info.get(b"files")
    if entries is None:
        if b"file tree" in info:
            raise TorrentMetaError("info: v2-only torrents (file tree, no files) are not supported")
        if not isinstance(length, int) or length < 0:
            raise TorrentMetaError("info.length: missing or not a non-negative integer")
        return (TorrentFile(name, length),)
    if length is not None:
        raise TorrentMetaError("info: has both length and files")
    if not isinstance(entries, list) or not entries:
        raise TorrentMetaError("info.files: not a non-empty list")
    files: list[TorrentFile] = []
    for index, entry in enumerate(entries):
        where = f"info.files[{index}]"
        if not isinstance(entry, dict):
            raise TorrentMetaError(f"{where}: not a dictionary")
        size = entry.get(b"length")
        if not isinstance(size, int) or size < 0:
            raise TorrentMetaError(f"{where}.length: missing or not a non-negative integer")
        attr = entry.get(b"attr")
        if isinstance(attr, bytes) and b"p" in attr:
            continue
        key = b"path.utf-8" if b"path.utf-8" in entry else b"path"
        parts = entry.get(key)
        if not isinstance(parts, list) or not parts:
            raise TorrentMetaError(f"{where}.path: missing or empty")
        components: list[str] = []
        for part in parts:
            if not isinstance(part, bytes):
                raise TorrentMetaError(f"{where}.path: holds a non-string component")
            component = _decode_text(part, f"{where}.path")
            _check_component(component, f"{where}.path")
            components.append(component)
        files.append(TorrentFile("/".join([name, *components]), size))
    return tuple(files)


def _trackers(root: dict[bytes, Bencoded]) -> tuple[str, ...]:
    found: list[str] = []
    announce = root.get(b"announce")
    if isinstance(announce, bytes):
        found.append(_decode_text(announce, "announce"))
    tiers = root.get(b"announce-list")
    if isinstance(tiers, list):
        for tier in tiers:
            for url in tier if isinstance(tier, list) else []:
                if isinstance(url, bytes):
                    found.append(_decode_text(url, "announce-list"))
    return tuple(dict.fromkeys(url for url in found if url))


def _text(container: dict[bytes, Bencoded], key: str, where: str) -> str:
    raw = container.get(f"{key}.utf-8".encode(), container.get(key.encode()))
    if not isinstance(raw, bytes) or not raw:
        raise TorrentMetaError(f"{where}: missing or not a string")
    return _decode_text(raw, where)


def _decode_text(raw: bytes, where: str) -> str:
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        # Old torrents carry names in a legacy code page; keep them readable, not fatal.
        return raw.decode("latin-1")


def _check_component(component: str, where: str) -> None:
    """Refuse path parts that could escape the download folder."""
    if component in ("", ".", "..") or "/" in component or "\\" in component or "\0" in component:
        raise TorrentMetaError(f"{where}: unsafe path component {component[:60]!r}")
