"""CatalogCache on DynamoDB: catalog answers kept in the search-cache table.

The table is shared with the indexers' search cache: rows are told apart by a `catalog#`
key prefix and `indexer` holds the catalog's name, so no new table (or IAM grant) is needed.
As there, TTL deletion is lazy, so a read checks the expiry itself.
"""

from __future__ import annotations

import hashlib
import json
import logging
import math
from typing import Any

from pynamodb.exceptions import DoesNotExist, PynamoDBException

from chalicelib.adapters.aws.search_cache import MAX_KEY_TEXT, MAX_PAYLOAD_BYTES
from chalicelib.adapters.aws.searcher_models import SearcherModels
from chalicelib.ports import Clock

log = logging.getLogger(__name__)
PREFIX = "catalog#"


def catalog_row_key(key: str) -> str:
    return PREFIX + hashlib.sha256(key.encode("utf-8")).hexdigest()


class DynamoCatalogCache:
    def __init__(self, models: SearcherModels, clock: Clock) -> None:
        self._model = models.search_cache
        self._clock = clock

    def get(self, key: str) -> Any | None:
        try:
            row = self._model.get(catalog_row_key(key))
        except DoesNotExist:
            return None
        except PynamoDBException as e:  # a cache that fails is a miss, not a failed lookup
            log.warning("catalog cache unreadable", extra={"error": type(e).__name__})
            return None
        if self._clock.now().timestamp() >= float(row.expires_at):
            return None
        if row.request != key[:MAX_KEY_TEXT]:
            return None
        try:
            return json.loads(row.payload)
        except ValueError:
            return None

    def put(self, key: str, value: Any, ttl_secs: float) -> None:
        payload = json.dumps(value, separators=(",", ":"))
        if len(payload.encode("utf-8")) > MAX_PAYLOAD_BYTES:
            return
        try:
            self._model(catalog_row_key(key), indexer=key.split(" ", 1)[0],
                        request=key[:MAX_KEY_TEXT],
                        expires_at=math.ceil(self._clock.now().timestamp() + ttl_secs),
                        encoding="json", payload=payload).save()
        except PynamoDBException as e:
            log.warning("catalog cache not written", extra={"error": type(e).__name__})
