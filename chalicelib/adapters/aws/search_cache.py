"""SearchCache on DynamoDB: recent results per indexer and normalised query, shared by all.

Entries carry a TTL attribute so DynamoDB deletes them eventually, but TTL deletion is lazy
(up to days late), so a read checks the expiry itself. Large result lists are compressed
(zlib + base64) to keep the item under DynamoDB's 400 KB limit; a list too large even then
is not cached at all rather than cached in part.
"""

from __future__ import annotations

import base64
import hashlib
import json
import logging
import math
import zlib
from collections.abc import Sequence

from pynamodb.exceptions import DoesNotExist

from chalicelib.adapters.aws.searcher_models import SearcherModels
from chalicelib.domain.candidate import TorrentCandidate
from chalicelib.domain.search import SearchCacheKey
from chalicelib.ports import Clock

log = logging.getLogger(__name__)

DEFAULT_TTL_SECS = 1800
COMPRESS_ABOVE_BYTES = 16 * 1024
# DynamoDB's item limit is 400 KB including attribute names and the key; leave headroom.
MAX_PAYLOAD_BYTES = 350 * 1024
MAX_KEY_TEXT = 1024

PLAIN = "json"
COMPRESSED = "zlib+base64"


def encode_candidates(candidates: Sequence[TorrentCandidate]) -> tuple[str, str]:
    """(encoding, payload): JSON, compressed when larger than COMPRESS_ABOVE_BYTES."""
    text = json.dumps([c.to_dict() for c in candidates], separators=(",", ":"))
    if len(text.encode("utf-8")) <= COMPRESS_ABOVE_BYTES:
        return PLAIN, text
    packed = base64.b64encode(zlib.compress(text.encode("utf-8"), 6)).decode("ascii")
    return COMPRESSED, packed


def decode_candidates(encoding: str, payload: str) -> list[TorrentCandidate]:
    """Inverse of `encode_candidates`; ValueError on an unknown encoding."""
    if encoding == PLAIN:
        text = payload
    elif encoding == COMPRESSED:
        text = zlib.decompress(base64.b64decode(payload)).decode("utf-8")
    else:
        raise ValueError(f"unknown search cache encoding {encoding!r}")
    return [TorrentCandidate.from_dict(d) for d in json.loads(text)]


def cache_row_key(key: SearchCacheKey) -> str:
    """The row's key: the indexer plus a digest, since normalised queries can be long."""
    digest = hashlib.sha256(str(key).encode("utf-8")).hexdigest()
    return f"{key.indexer}#{digest}"


class DynamoSearchCache:
    """Entries expire `ttl_secs` after they were put (DynamoDB TTL on `expires_at`)."""

    def __init__(
        self, models: SearcherModels, clock: Clock, ttl_secs: float = DEFAULT_TTL_SECS
    ) -> None:
        if ttl_secs < 0:
            raise ValueError("ttl_secs must not be negative")
        self._model = models.search_cache
        self._clock = clock
        self._ttl = ttl_secs

    def get(self, key: SearchCacheKey) -> list[TorrentCandidate] | None:
        """The cached results, or None when absent, expired or unreadable."""
        try:
            row = self._model.get(cache_row_key(key))
        except DoesNotExist:
            return None
        expired = self._clock.now().timestamp() >= float(row.expires_at)
        if expired or row.request != str(key)[:MAX_KEY_TEXT]:
            return None
        try:
            return decode_candidates(row.encoding, row.payload)
        except (ValueError, KeyError, TypeError, zlib.error) as e:
            # A row written by another version of the code is a miss, not a failed search.
            log.warning("unreadable search cache entry", extra={"indexer": key.indexer,
                                                               "error": type(e).__name__})
            return None

    def put(self, key: SearchCacheKey, candidates: Sequence[TorrentCandidate]) -> None:
        """Remember `candidates` for the TTL; skipped (with a warning) if too large to store."""
        if self._ttl <= 0:
            return
        encoding, payload = encode_candidates(candidates)
        if len(payload) > MAX_PAYLOAD_BYTES:
            log.warning(
                "search results too large to cache",
                extra={"indexer": key.indexer, "results": len(candidates),
                       "payload_bytes": len(payload)},
            )  # fmt: skip
            return
        self._model(
            cache_row_key(key),
            indexer=key.indexer,
            request=str(key)[:MAX_KEY_TEXT],
            expires_at=math.ceil(self._clock.now().timestamp() + self._ttl),
            encoding=encoding,
            payload=payload,
        ).save()
