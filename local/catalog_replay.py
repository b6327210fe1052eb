"""Recorded MusicBrainz, Cover Art Archive and TMDB answers, served on 127.0.0.1 for `make run`.

A new user can try the lookups ("Radiohead OK Computer" → releases → a ticket skeleton) with no
account, key or internet: the local stack starts this server and points the catalogs the
configuration leaves unset at it. The answers are the recorded responses in local/replay/ (the
JSON shapes the services document, also what the adapter tests replay), looked up the way the
real services would: a MusicBrainz search by its `release:"..." AND artist:"..."` query, a
release by its id, a TMDB search by its words. Anything not recorded is answered as the real
service answers a miss (404 with its error body, or an empty search).

Paths: /musicbrainz/ws/2/..., /coverartarchive/release/{mbid}, /tmdb/3/...
"""

from __future__ import annotations

import json
import logging
import re
import threading
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

from chalicelib.config import ExternalCatalogsConfig

log = logging.getLogger("quentin.local")
RECORDED = Path(__file__).resolve().parent / "replay"
# What the configuration says when a catalog is left unset (see ExternalCatalogsConfig).
_DEFAULT = ExternalCatalogsConfig()
MB_NOT_FOUND = {"error": "Not Found", "help": "For usage, please see: "
                "https://musicbrainz.org/development/mmd"}
TMDB_NOT_FOUND = {"success": False, "status_code": 34,
                  "status_message": "The resource you requested could not be found."}
CAA_NOT_FOUND = b"No cover art found for release"
_LUCENE_TERM = re.compile(r'([\w-]+):(?:"((?:[^"\\]|\\.)*)"|(\S+))')


@dataclass(frozen=True)
class Answer:
    status: int
    body: bytes
    content_type: str = "application/json"


def _json(status: int, body: Any) -> Answer:
    return Answer(status, json.dumps(body, ensure_ascii=False).encode())


def _words(text: str) -> str:
    """Lower-case words without accents or punctuation: how a search index compares names."""
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return " ".join(re.findall(r"[a-z0-9]+", folded.lower()))


@dataclass
class Recordings:
    """The recorded answers, read once from local/replay/."""

    root: Path = RECORDED
    _cache: dict[str, Any] = field(default_factory=dict)

    def load(self, relative: str) -> Any | None:
        if relative not in self._cache:
            path = self.root / relative
            self._cache[relative] = (json.loads(path.read_text(encoding="utf-8"))
                                     if path.is_file() else None)
        return self._cache[relative]

    def each(self, pattern: str) -> Iterator[Any]:
        for path in sorted(self.root.glob(pattern)):
            found = self.load(str(path.relative_to(self.root)))
            if found is not None:
                yield found


class ReplayCatalogs:
    """Answers a catalog request (path + query) from the recordings."""

    def __init__(self, base_url: str, recordings: Recordings | None = None) -> None:
        self.base_url = base_url
        self._rec = recordings or Recordings()

    def answer(self, path: str, query: dict[str, str]) -> Answer:
        parts = [p for p in path.split("/") if p]
        if parts[:3] == ["musicbrainz", "ws", "2"]:
            return self._musicbrainz(parts[3:], query)
        if parts[:1] == ["coverartarchive"]:
            return self._cover_art(parts[1:])
        if parts[:2] == ["tmdb", "3"]:
            return self._tmdb(parts[2:], query)
        return _json(404, {"error": "Not Found"})

    # --- MusicBrainz ws/2 ----------------------------------------------------------------
    def _releases(self) -> Iterator[dict[str, Any]]:
        seen: set[str] = set()
        for search in self._rec.each("musicbrainz/search-*.json"):
            for release in search["releases"]:
                if release["id"] not in seen:
                    seen.add(release["id"])
                    yield release

    def _musicbrainz(self, parts: list[str], query: dict[str, str]) -> Answer:
        if parts == ["release"] and "release-group" in query:
            group = query["release-group"]
            found = [r for r in self._releases() if r.get("release-group", {}).get("id") == group]
            return _json(200, {"release-count": len(found), "release-offset": 0,
                               "releases": found})
        if parts == ["release"]:
            terms = {m[1]: (m[2] if m[2] is not None else m[3]) for m in
                     _LUCENE_TERM.finditer(query.get("query", ""))}
            wanted = {k: _words(re.sub(r"\\(.)", r"\1", v)) for k, v in terms.items()}
            found = [r for r in self._releases() if _release_matches(r, wanted)]
            limit = int(query.get("limit") or 25)
            return _json(200, {"created": "2026-11-29T15:00:00.000Z", "count": len(found),
                               "offset": 0, "releases": found[:limit]})
        if len(parts) == 2 and parts[0] == "release":
            release = self._rec.load(f"musicbrainz/release-{parts[1]}.json")
            return _json(200, release) if release is not None else _json(404, MB_NOT_FOUND)
        return _json(404, MB_NOT_FOUND)

    # --- Cover Art Archive ---------------------------------------------------------------
    def _cover_art(self, parts: list[str]) -> Answer:
        if parts == ["img", "front.jpg"]:
            return Answer(200, (self._rec.root / "coverartarchive" / "front.jpg").read_bytes(),
                          "image/jpeg")
        if len(parts) == 2 and parts[0] in ("release", "release-group"):
            known = {r["id"] for r in self._releases()} | {
                r.get("release-group", {}).get("id") for r in self._releases()}
            if parts[1] in known:
                return _json(200, self._cover_listing(parts[0], parts[1]))
        return Answer(404, CAA_NOT_FOUND, "text/plain")

    def _cover_listing(self, kind: str, mbid: str) -> dict[str, Any]:
        """GET /release/{mbid} as the Cover Art Archive documents it (one front image)."""
        image = f"{self.base_url}/coverartarchive/img/front.jpg"
        return {"release": f"https://musicbrainz.org/{kind}/{mbid}", "images": [
            {"approved": True, "back": False, "front": True, "id": 1, "edit": 1,
             "comment": "", "types": ["Front"], "image": image,
             "thumbnails": {"250": image, "500": image, "1200": image, "small": image,
                            "large": image}}]}

    # --- TMDB v3 -------------------------------------------------------------------------
    def _tmdb(self, parts: list[str], query: dict[str, str]) -> Answer:
        if parts in (["search", "movie"], ["search", "tv"]):
            kind = parts[1]
            name_key, date_key = (("title", "release_date") if kind == "movie"
                                  else ("name", "first_air_date"))
            words = _words(query.get("query", ""))
            year = query.get("year") or query.get("first_air_date_year") or ""
            found = [r for search in self._rec.each(f"tmdb/search-{kind}-*.json")
                     for r in search["results"]
                     if words and words in _words(r.get(name_key, ""))
                     and str(r.get(date_key, "")).startswith(year)]
            return _json(200, {"page": 1, "results": found, "total_pages": 1,
                               "total_results": len(found)})
        recorded = self._rec.load("tmdb/" + "-".join(parts) + ".json")
        return _json(200, recorded) if recorded is not None else _json(404, TMDB_NOT_FOUND)


def _release_matches(release: dict[str, Any], wanted: dict[str, str]) -> bool:
    artist = _words("".join(f"{c['name']}{c.get('joinphrase', '')}"
                            for c in release.get("artist-credit") or []))
    checks = {"release": _words(release.get("title", "")), "artist": artist}
    for key, value in wanted.items():
        if key in checks and value != checks[key]:
            return False
        if key == "date" and not str(release.get("date", "")).startswith(value):
            return False
    return True


class CatalogReplayServer:
    """The replay on 127.0.0.1 (`port` 0: any free port), in a daemon thread."""

    def __init__(self, port: int = 0, recordings: Recordings | None = None) -> None:
        catalogs: ReplayCatalogs | None = None

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                assert catalogs is not None
                parts = urlsplit(self.path)
                query = {k: v[0] for k, v in parse_qs(parts.query).items()}
                answer = catalogs.answer(parts.path, query)
                self.send_response(answer.status)
                self.send_header("Content-Type", answer.content_type)
                self.send_header("Content-Length", str(len(answer.body)))
                self.end_headers()
                self.wfile.write(answer.body)

            def log_message(self, format: str, *args: Any) -> None:
                log.debug("catalog replay: " + format % args)

        self._httpd = ThreadingHTTPServer(("127.0.0.1", port), Handler)
        self._httpd.daemon_threads = True
        catalogs = ReplayCatalogs(self.url, recordings)
        self._thread = threading.Thread(target=self._httpd.serve_forever, daemon=True,
                                        name="catalog-replay")

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._httpd.server_address[1]}"

    def start(self) -> str:
        self._thread.start()
        return self.url

    def stop(self) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()


def pointed_at_replay(c: ExternalCatalogsConfig, url: str) -> ExternalCatalogsConfig:
    """The catalogs the configuration leaves unset, answered by the replay at `url`.

    A MusicBrainz or Cover Art Archive URL, or a TMDB key, that the user set is kept: those
    catalogs stay the real ones (or the user's mirror).
    """
    changes: dict[str, Any] = {}
    if c.musicbrainz_url == _DEFAULT.musicbrainz_url:
        changes["musicbrainz_url"] = f"{url}/musicbrainz"
    if c.coverartarchive_url == _DEFAULT.coverartarchive_url:
        changes["coverartarchive_url"] = f"{url}/coverartarchive"
    if c.tmdb_api_key == _DEFAULT.tmdb_api_key and c.tmdb_url == _DEFAULT.tmdb_url:
        changes["tmdb_url"] = f"{url}/tmdb/3"
        changes["tmdb_api_key"] = "local-replay"  # the replay takes any key
    return replace(c, **changes)
