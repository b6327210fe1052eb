"""The torrent catalog on DynamoDB: what kept torrents hold, found without ever Scanning.

One table, two row shapes under the torrent's partition `torrent#<info hash>`:
- `torrent`: name, size, seeding figures, last use (the `by_last_used` GSI orders these for
  LRU cleanup);
- `content#<n>`: one named file each, in the sparse `by_track` GSI (by catalog track id) and
  `by_album` GSI (by normalised 'artist|album'), which is how `find_coverage` finds them.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from pynamodb.exceptions import DoesNotExist, UpdateError

from chalicelib.adapters.aws.searcher_models import SearcherModels
from chalicelib.adapters.aws.ticket_store import sort_time
from chalicelib.domain.bencode import TorrentMeta
from chalicelib.domain.catalog import (
    CatalogContent,
    CatalogTorrent,
    Coverage,
    RetentionPolicy,
    WantedAlbum,
    album_key,
    cleanup_candidates,
    find_coverage,
)
from chalicelib.domain.errors import FieldError, NotFound, ValidationError
from chalicelib.domain.magnet import normalise_info_hash
from chalicelib.domain.request import TicketItem
from chalicelib.ports import Clock

TORRENT_ROW = "torrent"
CONTENT_PREFIX = "content#"
_BATCH_GET = 100


def _hash(info_hash: str) -> str:
    try:
        return normalise_info_hash(info_hash)
    except ValueError as e:
        raise ValidationError(FieldError("info_hash", str(e))) from e


def _pk(info_hash: str) -> str:
    return f"torrent#{info_hash}"


class DynamoTorrentCatalog:
    """Registers kept torrents, finds which requested items they cover, and picks cleanups."""

    def __init__(
        self, models: SearcherModels, clock: Clock, policy: RetentionPolicy | None = None
    ) -> None:
        self._model = models.catalog
        self._clock = clock
        self._policy = policy or RetentionPolicy()

    # --- writing ------------------------------------------------------------------------

    def register_torrent(
        self,
        torrent: TorrentMeta,
        contents: Sequence[CatalogContent],
        *,
        save_path: str | None = None,
        agent_id: str | None = None,
    ) -> CatalogTorrent:
        """Add (or refresh) a torrent and its named contents; seeding figures are kept.

        `contents` come from services/catalog_entries.py (`catalog_contents` when files were
        mapped to ticket items, else `name_contents`).
        """
        info_hash = _hash(torrent.info_hash)
        named = tuple(contents)
        now = self._clock.now()
        try:
            old = self._torrent_from_row(self._model.get(_pk(info_hash), TORRENT_ROW,
                                                         consistent_read=True), ())
        except DoesNotExist:
            old = None
        entry = CatalogTorrent(
            info_hash=info_hash,
            name=torrent.name,
            total_size=torrent.total_size,
            registered_at=old.registered_at if old else now,
            last_used_at=now,
            ratio=old.ratio if old else 0.0,
            seeding_secs=old.seeding_secs if old else 0,
            contents=named,
            save_path=save_path or (old.save_path if old else None),
            agent_id=agent_id or (old.agent_id if old else None),
        )
        fresh = {f"{CONTENT_PREFIX}{index:05d}" for index in range(len(named))}
        # One batch may not both delete and put the same key: drop only rows not rewritten.
        stale = [row for row in self._content_rows(info_hash) if row.sk not in fresh]
        with self._model.batch_write() as batch:
            for row in stale:
                batch.delete(row)
            batch.save(self._torrent_row(entry))
            for index, content in enumerate(named):
                batch.save(self._content_row(info_hash, index, content))
        return entry

    def touch(self, info_hash: str) -> None:
        """Mark the torrent as just used (it served a ticket); NotFound if not catalogued."""
        now = self._clock.now()
        key = _hash(info_hash)
        self._update(key, [self._model.last_used_at.set(now.isoformat()),
                           self._model.last_used_sort.set(f"{sort_time(now)}#{key}")])  # fmt: skip

    def update_seeding(self, info_hash: str, ratio: float, seeding_secs: int) -> None:
        """Record the torrent client's upload ratio and seeding time for the torrent."""
        errors = []
        if ratio < 0:
            errors.append(FieldError("ratio", "must not be negative"))
        if seeding_secs < 0:
            errors.append(FieldError("seeding_secs", "must not be negative"))
        if errors:
            raise ValidationError(errors)
        actions = [self._model.ratio.set(ratio), self._model.seeding_secs.set(int(seeding_secs))]
        self._update(_hash(info_hash), actions)

    def remove(self, info_hash: str) -> None:
        """Forget the torrent and its contents (after its files were deleted)."""
        key = _hash(info_hash)
        with self._model.batch_write() as batch:
            for row in self._content_rows(key):
                batch.delete(row)
            batch.delete(self._model(_pk(key), TORRENT_ROW))

    # --- reading ------------------------------------------------------------------------

    def get(self, info_hash: str) -> CatalogTorrent:
        """The catalogued torrent with all its contents; NotFound if absent."""
        key = _hash(info_hash)
        try:
            row = self._model.get(_pk(key), TORRENT_ROW, consistent_read=True)
        except DoesNotExist as e:
            raise NotFound(f"torrent {key} is not in the catalog", info_hash=key) from e
        contents = [_content(r) for r in self._content_rows(key)]
        return self._torrent_from_row(row, contents)

    def find_coverage(
        self, items: Sequence[TicketItem], album: WantedAlbum | None = None
    ) -> Coverage:
        """Which `items` catalogued torrents hold: GSI queries by track id and by album."""
        wanted = album or WantedAlbum()
        found: dict[str, dict[str, CatalogContent]] = defaultdict(dict)

        def collect(rows: Iterable[Any]) -> None:
            for row in rows:
                content = _content(row)
                found[row.info_hash][content.path] = content

        for item in items:
            collect(self._model.by_track.query(item.item_id))
        key = album_key(wanted.artist, wanted.album)
        if key is not None:
            collect(self._model.by_album.query(key))
        torrents = [
            self._torrent_from_row(row, tuple(found[row.info_hash].values()))
            for row in self._torrent_rows(found.keys())
        ]
        return find_coverage(items, torrents, wanted)

    def list_torrents(self, *, with_contents: bool = False) -> list[CatalogTorrent]:
        """Every kept torrent, most recently used first (contents only when asked: one
        query per torrent)."""
        rows = self._model.by_last_used.query(TORRENT_ROW, scan_index_forward=False)
        return [self._torrent_from_row(
            row, [_content(r) for r in self._content_rows(row.info_hash)] if with_contents
            else ()) for row in rows]

    def get_cleanup_candidates(self, max_bytes: int) -> list[CatalogTorrent]:
        """Torrents to delete, least recently used first, so the rest fit in `max_bytes`.

        Only torrents the retention policy allows (ratio or seeding time reached) are named.
        """
        if max_bytes < 0:
            raise ValidationError(FieldError("max_bytes", "must not be negative"))
        rows = self._model.by_last_used.query(TORRENT_ROW, scan_index_forward=True)
        torrents = [self._torrent_from_row(row, ()) for row in rows]
        return cleanup_candidates(torrents, max_bytes, self._policy)

    # --- rows ---------------------------------------------------------------------------

    def _update(self, info_hash: str, actions: list[Any]) -> None:
        try:
            self._model(_pk(info_hash), TORRENT_ROW).update(
                actions=actions, condition=self._model.pk.exists()
            )
        except UpdateError as e:
            if getattr(e, "cause_response_code", None) == "ConditionalCheckFailedException":
                raise NotFound(f"torrent {info_hash} is not in the catalog",
                               info_hash=info_hash) from e  # fmt: skip
            raise

    def _content_rows(self, info_hash: str) -> list[Any]:
        return list(self._model.query(
            _pk(info_hash), self._model.sk.startswith(CONTENT_PREFIX), consistent_read=True
        ))  # fmt: skip

    def _torrent_rows(self, hashes: Iterable[str]) -> list[Any]:
        keys = [(_pk(h), TORRENT_ROW) for h in hashes]
        rows: list[Any] = []
        for start in range(0, len(keys), _BATCH_GET):
            rows.extend(self._model.batch_get(keys[start:start + _BATCH_GET]))
        return sorted(rows, key=lambda r: r.info_hash)

    def _torrent_row(self, entry: CatalogTorrent) -> Any:
        return self._model(
            _pk(entry.info_hash),
            TORRENT_ROW,
            info_hash=entry.info_hash,
            kind=TORRENT_ROW,
            last_used_sort=f"{sort_time(entry.last_used_at)}#{entry.info_hash}",
            name=entry.name,
            total_size=entry.total_size,
            registered_at=entry.registered_at.isoformat(),
            last_used_at=entry.last_used_at.isoformat(),
            ratio=entry.ratio,
            seeding_secs=entry.seeding_secs,
            save_path=entry.save_path,
            agent_id=entry.agent_id,
        )

    def _content_row(self, info_hash: str, index: int, content: CatalogContent) -> Any:
        return self._model(
            _pk(info_hash),
            f"{CONTENT_PREFIX}{index:05d}",
            info_hash=info_hash,
            track_id=content.catalog_track_id or None,
            album_key=content.album_key,
            file_sort=f"{info_hash}#{index:05d}",
            document=json.dumps(content.to_dict(), separators=(",", ":")),
        )

    @staticmethod
    def _torrent_from_row(row: Any, contents: Sequence[CatalogContent]) -> CatalogTorrent:
        return CatalogTorrent(
            info_hash=row.info_hash,
            name=row.name or "",
            total_size=int(row.total_size or 0),
            registered_at=datetime.fromisoformat(row.registered_at),
            last_used_at=datetime.fromisoformat(row.last_used_at),
            ratio=float(row.ratio or 0.0),
            seeding_secs=int(row.seeding_secs or 0),
            contents=tuple(contents),
            save_path=row.save_path,
            agent_id=row.agent_id,
        )


def _content(row: Any) -> CatalogContent:
    return CatalogContent.from_dict(json.loads(row.document))
