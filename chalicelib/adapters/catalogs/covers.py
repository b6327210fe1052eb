"""Front covers from the Cover Art Archive (by MusicBrainz id) and from Discogs (by name).

Cover Art Archive: GET /release/{mbid} (else /release-group/{mbid}) lists the images with
`front`, `image` and `thumbnails` ("250", "500", "1200"); the chosen size is downloaded.
Discogs: GET /database/search?type=release&artist=&release_title= with the
`Authorization: Discogs token=...` header; a result's `cover_image` is downloaded (Discogs
answers a spacer GIF when it has none). Only JPEG and PNG pictures are returned.
"""

from __future__ import annotations

from typing import Any

from chalicelib.adapters.catalogs.http import CatalogHttp
from chalicelib.domain.errors import NotFound
from chalicelib.domain.media_catalog import (
    CatalogUnavailable,
    CoverImage,
    CoverWanted,
    picture_mime,
)

SIZES = ("250", "500", "1200")


class CoverArtArchiveCovers:
    name = "coverartarchive"

    def __init__(self, http: CatalogHttp, size: str = "500") -> None:
        self._http = http
        self._size = size

    def front(self, wanted: CoverWanted) -> CoverImage | None:
        for kind, mbid in (("release", wanted.release_id),
                           ("release-group", wanted.release_group_id)):
            if not mbid:
                continue
            try:
                listing = self._http.get_json(f"{kind}/{mbid}", {}, what=f"{kind} cover")
            except NotFound:
                continue
            url = self._front_url(listing)
            if url:
                return _download(self._http, url, self.name)
        return None

    def _front_url(self, listing: Any) -> str | None:
        try:
            images = listing["images"]
            front = next((i for i in images if i.get("front")), None)
            if front is None:
                return None
            thumbs = front.get("thumbnails") or {}
            return str(thumbs.get(self._size) or front["image"])
        except (KeyError, TypeError, AttributeError):
            raise CatalogUnavailable(self.name, "malformed image listing") from None


class DiscogsCovers:
    name = "discogs"

    def __init__(self, http: CatalogHttp) -> None:
        self._http = http  # its endpoint carries the Authorization header

    def front(self, wanted: CoverWanted) -> CoverImage | None:
        if not (wanted.artist and wanted.album):
            return None
        found = self._http.get_json("database/search", {
            "type": "release", "artist": wanted.artist, "release_title": wanted.album,
            "per_page": "5"}, what="release")
        try:
            urls = [str(r["cover_image"]) for r in found["results"] if r.get("cover_image")]
        except (KeyError, TypeError, AttributeError):
            raise CatalogUnavailable(self.name, "malformed search reply") from None
        for url in urls:
            if url.endswith("spacer.gif"):
                continue
            image = _download(self._http, url, self.name)
            if image is not None:
                return image
        return None


def _download(http: CatalogHttp, url: str, source: str) -> CoverImage | None:
    try:
        data, _ = http.get_bytes(url, what="cover image")
    except NotFound:
        return None
    mime = picture_mime(data)
    return CoverImage(data, mime, source, url) if mime else None
