"""The blocklist on DynamoDB: keyed by info hash, with GSIs by title key and by block time.

`is_blocked` matches a candidate by its info hash (a GetItem) and by its normalised title
(a Query on `by_title`), so a release blocked on one indexer stays blocked when another
indexer lists it under a different hash or a decorated title.
"""

from __future__ import annotations

import json
from typing import Any

from pynamodb.exceptions import DeleteError, DoesNotExist

from chalicelib.adapters.aws.cursor import decode_cursor, encode_cursor
from chalicelib.adapters.aws.searcher_models import SearcherModels
from chalicelib.adapters.aws.ticket_store import sort_time
from chalicelib.domain.blocklist import BlockEntry, release_title_key
from chalicelib.domain.candidate import TorrentCandidate
from chalicelib.domain.errors import FieldError, NotFound, ValidationError
from chalicelib.domain.magnet import known_info_hash
from chalicelib.ports import Clock, Page

MAX_PAGE = 200
_BY_BLOCKED = {"entry_id", "kind", "blocked_sort"}  # a page cursor: table key + index key


def candidate_hash(candidate: TorrentCandidate) -> str | None:
    """The candidate's info hash, from the indexer's field or its magnet URI."""
    return known_info_hash(candidate.info_hash, candidate.magnet_uri)


class DynamoBlocklist:
    """Blocked releases; listing is newest first through the `by_blocked` GSI."""

    def __init__(self, models: SearcherModels, clock: Clock) -> None:
        self._model = models.blocklist
        self._clock = clock

    def block(self, info_hash: str | None, title: str, reason: str, actor: str) -> BlockEntry:
        """Block a release (by hash when known, always by title); blocking again updates it."""
        entry = BlockEntry.create(info_hash, title, reason, actor, self._clock.now())
        self._model(
            entry.entry_id,
            title_key=entry.title_key,
            blocked_sort=f"{sort_time(entry.blocked_at)}#{entry.entry_id}",
            kind="block",
            document=json.dumps(entry.to_dict(), separators=(",", ":")),
        ).save()
        return entry

    def is_blocked(self, candidate: TorrentCandidate) -> BlockEntry | None:
        """The entry blocking this candidate (same info hash, or same release title), if any."""
        info_hash = candidate_hash(candidate)
        if info_hash:
            try:
                return _entry(self._model.get(info_hash))
            except DoesNotExist:
                pass
        key = release_title_key(candidate.title)
        if not key:
            return None
        for row in self._model.by_title.query(key, limit=1, scan_index_forward=False):
            return _entry(row)
        return None

    def get(self, entry_id: str) -> BlockEntry:
        try:
            return _entry(self._model.get(entry_id, consistent_read=True))
        except DoesNotExist as e:
            raise NotFound(f"no blocklist entry {entry_id}", entry_id=entry_id) from e

    def list(self, limit: int = 50, cursor: str | None = None) -> Page[BlockEntry]:
        """Blocked releases, newest first, one page at a time."""
        if not 1 <= limit <= MAX_PAGE:
            raise ValidationError(FieldError("limit", f"must be between 1 and {MAX_PAGE}"))
        results = self._model.by_blocked.query(
            "block", limit=limit, scan_index_forward=False,
            last_evaluated_key=decode_cursor(cursor, _BY_BLOCKED, ("kind", "block")),
        )  # fmt: skip
        items = [_entry(row) for row in results]
        more = results.last_evaluated_key if len(items) >= limit else None
        return Page(items=items, cursor=encode_cursor(more))

    def unblock(self, entry_id: str) -> BlockEntry:
        """Remove an entry (its id is the info hash for hash entries); NotFound if absent."""
        entry = self.get(entry_id)
        try:
            self._model(entry.entry_id).delete(condition=self._model.entry_id.exists())
        except DeleteError as e:
            if getattr(e, "cause_response_code", None) == "ConditionalCheckFailedException":
                raise NotFound(f"no blocklist entry {entry_id}", entry_id=entry_id) from e
            raise
        return entry


def _entry(row: Any) -> BlockEntry:
    return BlockEntry.from_dict(json.loads(row.document))
