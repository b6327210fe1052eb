"""A small Torznab indexer on 127.0.0.1 for tests and the demo, shaped like Jackett/Prowlarr.

It answers `t=caps` and t=search/music/tvsearch/movie/book from an in-memory catalog by
case-insensitive word match, serves each release's .torrent at `/dl/<id>.torrent` (or a
redirect to its magnet), and has knobs for failure tests: per-indexer faults (HTTP 500,
malformed XML, an entity-expansion document, a slow answer) and a request log.

    with TorznabServer(catalog, api_key="k") as server:
        config = TorznabConfig(Backend.JACKETT, server.url, "k")
"""

from __future__ import annotations

import argparse
import contextlib
import re
import socket
import struct
import threading
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import format_datetime
from enum import StrEnum
from functools import cached_property
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import TracebackType
from urllib.parse import parse_qs, quote, urlencode, urlsplit

from chalicelib.domain.bencode import TorrentMeta, read_torrent_files
from chalicelib.domain.candidate import Category
from chalicelib.domain.magnet import known_info_hash

TORZNAB_NS = "http://torznab.com/schemas/2015/feed"
ET.register_namespace("torznab", TORZNAB_NS)
ET.register_namespace("atom", "http://www.w3.org/2005/Atom")

# Function -> the params a full-featured Jackett indexer lists in its caps.
FULL_CAPS: dict[str, tuple[str, ...]] = {
    "search": ("q",),
    "tv-search": ("q", "season", "ep", "imdbid"),
    "movie-search": ("q", "year", "imdbid"),
    "music-search": ("q", "artist", "album", "year"),
    "book-search": ("q", "title", "author"),
}
_FUNCTIONS = {"search": "search", "tvsearch": "tv-search", "movie": "movie-search",
              "music": "music-search", "book": "book-search"}  # fmt: skip
_CATEGORY_NAMES = {2000: "Movies", 3000: "Audio", 3040: "Audio/Lossless", 4000: "PC",
                   5000: "TV", 7000: "Books", 7020: "Books/EBook"}  # fmt: skip
_WORD = re.compile(r"[a-z0-9]+")

BILLION_LAUGHS = (
    b'<?xml version="1.0"?>\n<!DOCTYPE lolz [\n <!ENTITY lol "lol">\n'
    + b"".join(
        b' <!ENTITY lol%d "%s">\n' % (i, (b"&lol%d;" % (i - 1) if i > 1 else b"&lol;") * 10)
        for i in range(1, 10)
    )
    + b']>\n<rss version="2.0"><channel><title>&lol9;</title></channel></rss>\n'
)


class Fault(StrEnum):
    """How an indexer of the local server misbehaves."""

    NONE = "none"
    HTTP_500 = "http_500"
    MALFORMED_XML = "malformed_xml"
    ENTITY_EXPANSION = "entity_expansion"
    SLOW = "slow"
    # On the wire, not in the document:
    HANG = "hang"  # reads the request, never answers (until the server stops)
    RESET = "reset"  # drops the connection with a TCP reset instead of answering
    GARBAGE = "garbage"  # answers bytes that are not HTTP at all
    TRICKLE = "trickle"  # sends the headers, then the body a byte at a time, forever


WIRE_FAULTS = frozenset({Fault.HANG, Fault.RESET, Fault.GARBAGE, Fault.TRICKLE})


class _WireFault(Exception):
    def __init__(self, fault: Fault) -> None:
        super().__init__(fault.value)
        self.fault = fault


@dataclass(frozen=True)
class LocalRelease:
    """One release in the catalog: real .torrent bytes (hash, size, files come from them)
    or a magnet URI. `redirect_to_magnet` makes the download link answer 302 to the magnet.
    """

    title: str
    categories: tuple[int, ...]
    seeders: int = 10
    peers: int = 12
    torrent: bytes | None = None
    magnet: str | None = None
    release_id: str | None = None
    redirect_to_magnet: bool = False
    size: int | None = None
    published: datetime = field(default_factory=lambda: datetime(2024, 1, 2, 3, 4, 5, tzinfo=UTC))

    def __post_init__(self) -> None:
        if self.torrent is None and self.magnet is None:
            raise ValueError(f"release {self.title!r} needs torrent bytes or a magnet")

    @cached_property
    def meta(self) -> TorrentMeta | None:
        """What the torrent bytes say, or None when absent or unreadable (bad-bencode tests)."""
        if self.torrent is None:
            return None
        try:
            return read_torrent_files(self.torrent)
        except ValueError:
            return None

    @property
    def info_hash(self) -> str | None:
        if self.meta is not None:
            return self.meta.info_hash
        return known_info_hash(None, self.magnet)

    @property
    def magnet_uri(self) -> str | None:
        if self.magnet:
            return self.magnet
        if self.info_hash is None:
            return None
        trackers = self.meta.trackers if self.meta else ()
        parts = [f"xt=urn:btih:{self.info_hash}", f"dn={quote(self.title)}"]
        parts += [f"tr={quote(tracker, safe='')}" for tracker in trackers]
        return "magnet:?" + "&".join(parts)


@dataclass(frozen=True)
class RecordedRequest:
    """One request the server received (API key left out)."""

    path: str
    indexer: str | None
    params: dict[str, str]


class TorznabServer:
    """Threaded HTTP Torznab server; port 0 picks a free port."""

    def __init__(
        self,
        catalog: list[LocalRelease],
        api_key: str | None = None,
        flavour: str = "jackett",
        *,
        caps: dict[str, dict[str, tuple[str, ...]]] | None = None,
        port: int = 0,
    ) -> None:
        if flavour not in ("jackett", "prowlarr"):
            raise ValueError(f"flavour must be 'jackett' or 'prowlarr', got {flavour!r}")
        self.flavour = flavour
        self.api_key = api_key
        self.releases = {r.release_id or f"r{i}": r for i, r in enumerate(catalog, 1)}
        self.caps = caps or {}
        self.faults: dict[str, Fault] = {}
        self.delay_secs = 0.0
        self.requests: list[RecordedRequest] = []
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self._httpd = ThreadingHTTPServer(("127.0.0.1", port), _handler(self))
        self._httpd.daemon_threads = True
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        """The base URL to configure (what Jackett's or Prowlarr's URL would be)."""
        return f"http://127.0.0.1:{self._httpd.server_address[1]}"

    @property
    def request_count(self) -> int:
        with self._lock:
            return len(self.requests)

    def api_requests(self, indexer: str | None = None) -> list[RecordedRequest]:
        """The Torznab API requests received, optionally for one indexer."""
        with self._lock:
            return [r for r in self.requests if r.indexer and indexer in (None, r.indexer)]

    def start(self) -> TorznabServer:
        self._thread = threading.Thread(
            target=self._httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stopping.set()
        if self._thread is not None:
            self._httpd.shutdown()
            self._thread.join(timeout=5)
        self._httpd.server_close()

    def __enter__(self) -> TorznabServer:
        return self.start()

    def __exit__(
        self,
        kind: type[BaseException] | None,
        value: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    # --- answering -----------------------------------------------------------------------

    def answer(self, path: str, params: dict[str, str]) -> tuple[int, dict[str, str], bytes]:
        """Status, headers and body for one GET (runs in a handler thread)."""
        indexer = self._indexer_of(path)
        public = {k: v for k, v in params.items() if k != "apikey"}
        with self._lock:
            self.requests.append(RecordedRequest(path, indexer, public))
        if path.startswith("/dl/") and path.endswith(".torrent"):
            return self._download(path[4:-8], params)
        if indexer is None:
            return 404, {"Content-Type": "text/plain"}, b"not found"
        if self.api_key is not None and params.get("apikey") != self.api_key:
            return 401, _XML, _error(100, "Invalid API Key")
        fault = self.faults.get(indexer, self.faults.get("*", Fault.NONE))
        if fault in WIRE_FAULTS:
            raise _WireFault(fault)
        if fault == Fault.SLOW:
            self._stopping.wait(self.delay_secs)
        elif fault == Fault.HTTP_500:
            return 500, {"Content-Type": "text/html"}, b"<html>Internal Server Error</html>"
        elif fault == Fault.MALFORMED_XML:
            return 200, _XML, b'<?xml version="1.0"?><rss><channel><item><title>cut'
        elif fault == Fault.ENTITY_EXPANSION:
            return 200, _XML, BILLION_LAUGHS
        function = params.get("t", "")
        if function == "caps":
            return 200, _XML, self._caps_document(indexer)
        mode = _FUNCTIONS.get(function)
        if mode is None:
            return 200, _XML, _error(202, f"No such function ({function})")
        if mode not in self._caps_of(indexer):
            return 200, _XML, _error(203, f"Function not available ({function})")
        return 200, _XML, self._results(indexer, params)

    def _indexer_of(self, path: str) -> str | None:
        parts = path.strip("/").split("/")
        jackett_shape = ["api", "v2.0", "indexers", parts[3] if len(parts) > 3 else "",
                         "results", "torznab", "api"]  # fmt: skip
        if self.flavour == "jackett" and parts == jackett_shape:
            return parts[3]
        if self.flavour == "prowlarr" and len(parts) == 2 and parts[1] == "api":
            return parts[0]
        return None

    def _caps_of(self, indexer: str) -> dict[str, tuple[str, ...]]:
        return self.caps.get(indexer, self.caps.get("*", FULL_CAPS))

    def _caps_document(self, indexer: str) -> bytes:
        root = ET.Element("caps")
        ET.SubElement(root, "server", version="1.0", title=f"Local {indexer}")
        ET.SubElement(root, "limits", default="100", max="100")
        searching = ET.SubElement(root, "searching")
        caps = self._caps_of(indexer)
        for mode in FULL_CAPS:
            params = caps.get(mode)
            attributes = {"available": "yes" if params is not None else "no"}
            attributes["supportedParams"] = ",".join(params or ("q",))
            ET.SubElement(searching, mode, attributes)
        categories = ET.SubElement(root, "categories")
        for category in (2000, 3000, 4000, 5000, 7000):
            element = ET.SubElement(categories, "category", id=str(category),
                                    name=_CATEGORY_NAMES[category])  # fmt: skip
            for sub, name in _CATEGORY_NAMES.items():
                if sub != category and sub // 1000 * 1000 == category:
                    ET.SubElement(element, "subcat", id=str(sub), name=name)
        return _xml_bytes(root)

    def _results(self, indexer: str, params: dict[str, str]) -> bytes:
        rss = ET.Element("rss", version="2.0")
        channel = ET.SubElement(rss, "channel")
        ET.SubElement(channel, "{http://www.w3.org/2005/Atom}link", href=self.url, rel="self")
        ET.SubElement(channel, "title").text = f"Local {indexer}"
        ET.SubElement(channel, "description").text = "Quentin Torrentino local indexer"
        for release_id, release in self.releases.items():
            if _matches(release, params):
                self._item(channel, indexer, release_id, release)
        return _xml_bytes(rss)

    def _item(self, channel: ET.Element, indexer: str, rid: str, release: LocalRelease) -> None:
        item = ET.SubElement(channel, "item")
        details = f"{self.url}/details/{rid}"
        size = release.meta.total_size if release.meta else (release.size or 0)
        link = release.magnet_uri or ""
        if release.torrent is not None or release.redirect_to_magnet:
            key = f"?{urlencode({'apikey': self.api_key})}" if self.api_key else ""
            link = f"{self.url}/dl/{rid}.torrent{key}"
        ET.SubElement(item, "title").text = release.title
        ET.SubElement(item, "guid").text = details
        tag = "jackettindexer" if self.flavour == "jackett" else "prowlarrindexer"
        ET.SubElement(item, tag, id=indexer).text = f"Local {indexer}"
        ET.SubElement(item, "type").text = "public"
        ET.SubElement(item, "comments").text = f"{details}#comments"
        ET.SubElement(item, "pubDate").text = format_datetime(release.published)
        ET.SubElement(item, "size").text = str(size)
        ET.SubElement(item, "description").text = release.title
        ET.SubElement(item, "link").text = link
        for category in release.categories:
            ET.SubElement(item, "category").text = str(category)
        ET.SubElement(item, "enclosure", url=link, length=str(size),
                      type="application/x-bittorrent")  # fmt: skip
        attrs: list[tuple[str, str | int | float | None]] = [
            *(("category", c) for c in release.categories),
            ("seeders", release.seeders),
            ("peers", release.peers),
            ("infohash", release.info_hash),
            ("magneturl", release.magnet_uri),
            ("size", size),
            ("files", len(release.meta.files) if release.meta else None),
            ("downloadvolumefactor", 0),
            ("uploadvolumefactor", 1),
        ]
        for name, value in attrs:
            if value is not None:
                ET.SubElement(item, f"{{{TORZNAB_NS}}}attr", name=name, value=str(value))

    def _download(self, rid: str, params: dict[str, str]) -> tuple[int, dict[str, str], bytes]:
        release = self.releases.get(rid)
        if self.api_key is not None and params.get("apikey") != self.api_key:
            return 401, {"Content-Type": "text/plain"}, b"bad api key"
        if release is None:
            return 404, {"Content-Type": "text/plain"}, b"no such release"
        if release.redirect_to_magnet and release.magnet_uri:
            return 302, {"Location": release.magnet_uri}, b""
        if release.torrent is None:
            return 404, {"Content-Type": "text/plain"}, b"magnet-only release"
        return 200, {"Content-Type": "application/x-bittorrent"}, release.torrent


_XML = {"Content-Type": "application/rss+xml; charset=utf-8"}


def _xml_bytes(root: ET.Element) -> bytes:
    return bytes(ET.tostring(root, encoding="utf-8", xml_declaration=True))


def _error(code: int, description: str) -> bytes:
    element = ET.Element("error", code=str(code), description=description)
    return _xml_bytes(element)


def _matches(release: LocalRelease, params: dict[str, str]) -> bool:
    """Every word of the query is a word of the title; season/episode/year and cat agree."""
    words = set(_WORD.findall(release.title.lower()))
    text = " ".join(params.get(k, "") for k in ("q", "artist", "album", "author", "title"))
    if not set(_WORD.findall(text.lower())) <= words:
        return False
    if params.get("year") and params["year"] not in words:
        return False
    season, episode = params.get("season"), params.get("ep")
    if season and not any(re.fullmatch(rf"s0*{int(season)}(e\d+)?", w) for w in words):
        return False
    if episode and not any(re.fullmatch(rf"s\d+e0*{int(episode)}", w) for w in words):
        return False
    wanted = {int(c) for c in params.get("cat", "").split(",") if c.strip().isdigit()}
    if wanted:
        own = {c for c in release.categories} | {c // 1000 * 1000 for c in release.categories}
        return bool(own & wanted)
    return True


def _handler(server: TorznabServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            parts = urlsplit(self.path)
            params = {k: v[-1] for k, v in parse_qs(parts.query).items()}
            try:
                status, headers, body = server.answer(parts.path, params)
            except _WireFault as wire:
                self.close_connection = True
                with contextlib.suppress(OSError):
                    self._misbehave(wire.fault)
                return
            try:
                self.send_response(status)
                for name, value in headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the client gave up (timeout tests)

        def _misbehave(self, fault: Fault) -> None:
            if fault == Fault.HANG:
                server._stopping.wait()
            elif fault == Fault.RESET:
                # Linger 0: close() sends RST, the client sees "connection reset by peer".
                self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER,
                                           struct.pack("ii", 1, 0))
                self.connection.close()
            elif fault == Fault.GARBAGE:
                self.wfile.write(b"\x16\x03\x01\x00\xa5 \xff\xfe not HTTP \x00\r\n\r\n")
            elif fault == Fault.TRICKLE:
                self.send_response(200)
                self.send_header("Content-Type", "application/rss+xml")
                self.send_header("Content-Length", "1000000")
                self.end_headers()
                self.wfile.write(b"<")
                while not server._stopping.wait(0.2):
                    self.wfile.write(b" ")

        def log_message(self, format: str, *args: object) -> None:
            return  # keep test output clean; the request log is server.requests

    return Handler


def _catalog_from(media_dir: Path, tracker: str) -> list[LocalRelease]:
    """One release per entry of `media_dir`, each with a real .torrent."""
    from local.torrent_maker import make_torrent

    releases = []
    for entry in sorted(media_dir.iterdir()):
        torrent = make_torrent(entry, [tracker] if tracker else [])
        releases.append(LocalRelease(entry.name, (Category.AUDIO,), torrent=torrent))
    return releases


def main() -> None:
    """Serve the entries of a folder as releases until interrupted (for the demo)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("media_dir", type=Path)
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--api-key", default=None)
    parser.add_argument("--flavour", choices=("jackett", "prowlarr"), default="jackett")
    parser.add_argument("--tracker", default="")
    args = parser.parse_args()
    catalog = _catalog_from(args.media_dir, args.tracker)
    with TorznabServer(catalog, args.api_key, args.flavour, port=args.port) as server:
        print(f"Torznab server at {server.url} with {len(catalog)} releases", flush=True)
        forever = threading.Event()
        while not forever.wait(0.5):  # polling keeps Ctrl-C prompt
            pass


if __name__ == "__main__":
    main()
