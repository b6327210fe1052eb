"""The torrent catalog as the API shows it: kept torrents with their seeding status, the
storage budget and what would be cleaned up, and an artist's coverage."""

from __future__ import annotations

from typing import Any

from chalicelib.domain.catalog import RetentionPolicy, artist_coverage, torrent_summary
from chalicelib.domain.errors import FieldError, ValidationError
from chalicelib.ports import TorrentCatalog


class CatalogView:
    def __init__(self, catalog: TorrentCatalog, policy: RetentionPolicy,
                 budget_bytes: int) -> None:
        self._catalog = catalog
        self._policy = policy
        self._budget = budget_bytes

    def listing(self) -> dict[str, Any]:
        torrents = self._catalog.list_torrents()
        used = sum(t.total_size for t in torrents)
        cleanup = self._catalog.get_cleanup_candidates(self._budget) if self._budget else []
        return {
            "torrents": [torrent_summary(t, self._policy) for t in torrents],
            "storage": {"used_bytes": used, "budget_bytes": self._budget or None,
                        "cleanup_candidates": [t.info_hash for t in cleanup]},
        }

    def coverage(self, artist: str | None) -> dict[str, Any]:
        if not artist or not artist.strip():
            raise ValidationError(FieldError("artist", "is required"))
        albums = artist_coverage(self._catalog.list_torrents(with_contents=True), artist)
        return {"artist": artist, "albums": albums}
