# PynamoDB's index classes are untyped and its Meta is a protocol built dynamically here.
# mypy: disable-error-code="no-untyped-call,assignment"
"""PynamoDB models of the searcher's tables: rate limits, search cache, catalog, blocklist.

Built per configuration like `models.build_models`, since table names and endpoint differ
between AWS, moto and LocalStack. The table definitions live in infra/template.json.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from pynamodb.attributes import (
    NumberAttribute,
    UnicodeAttribute,
    VersionAttribute,
)
from pynamodb.indexes import GlobalSecondaryIndex
from pynamodb.models import Model

from chalicelib.adapters.aws.models import _index_meta, _meta
from chalicelib.config import Config


@dataclass(frozen=True)
class SearcherModels:
    rate_limit: type[Any]
    search_cache: type[Any]
    catalog: type[Any]
    blocklist: type[Any]


def build_searcher_models(config: Config) -> SearcherModels:
    """PynamoDB model classes for this configuration's searcher tables and endpoint."""

    class RateLimitModel(Model):
        """One row per indexer; `version` makes every change a compare-and-swap."""

        Meta = _meta(config, config.rate_limits_table)
        indexer = UnicodeAttribute(hash_key=True)
        next_allowed_at = NumberAttribute(default=0)
        consecutive_failures = NumberAttribute(default=0)
        blocked_until = NumberAttribute(null=True)
        last_success_at = NumberAttribute(null=True)
        last_failure_at = NumberAttribute(null=True)
        version = VersionAttribute()

    class SearchCacheModel(Model):
        """`expires_at` is the table's TTL attribute (epoch seconds)."""

        Meta = _meta(config, config.search_cache_table)
        cache_key = UnicodeAttribute(hash_key=True)
        indexer = UnicodeAttribute()
        request = UnicodeAttribute()
        expires_at = NumberAttribute()
        encoding = UnicodeAttribute()
        payload = UnicodeAttribute()

    class CatalogByTrack(GlobalSecondaryIndex[Any]):
        Meta = _index_meta("by_track")
        track_id = UnicodeAttribute(hash_key=True)
        file_sort = UnicodeAttribute(range_key=True)

    class CatalogByAlbum(GlobalSecondaryIndex[Any]):
        Meta = _index_meta("by_album")
        album_key = UnicodeAttribute(hash_key=True)
        file_sort = UnicodeAttribute(range_key=True)

    class CatalogByLastUse(GlobalSecondaryIndex[Any]):
        Meta = _index_meta("by_last_used")
        kind = UnicodeAttribute(hash_key=True)
        last_used_sort = UnicodeAttribute(range_key=True)

    class CatalogModel(Model):
        """Single-table catalog: a `torrent` row per torrent and a `content#N` row per file.

        Content rows carry `track_id` / `album_key` (sparse GSIs for coverage lookups);
        torrent rows carry `kind` + `last_used_sort` (the LRU index for cleanup).
        """

        Meta = _meta(config, config.catalog_table)
        pk = UnicodeAttribute(hash_key=True)
        sk = UnicodeAttribute(range_key=True)
        info_hash = UnicodeAttribute()
        kind = UnicodeAttribute(null=True)
        last_used_sort = UnicodeAttribute(null=True)
        track_id = UnicodeAttribute(null=True)
        album_key = UnicodeAttribute(null=True)
        file_sort = UnicodeAttribute(null=True)
        name = UnicodeAttribute(null=True)
        total_size = NumberAttribute(null=True)
        registered_at = UnicodeAttribute(null=True)
        last_used_at = UnicodeAttribute(null=True)
        ratio = NumberAttribute(null=True)
        seeding_secs = NumberAttribute(null=True)
        save_path = UnicodeAttribute(null=True)
        agent_id = UnicodeAttribute(null=True)  # the agent that keeps the files
        document = UnicodeAttribute(null=True)
        by_track = CatalogByTrack()
        by_album = CatalogByAlbum()
        by_last_used = CatalogByLastUse()

    class BlocklistByTitle(GlobalSecondaryIndex[Any]):
        Meta = _index_meta("by_title")
        title_key = UnicodeAttribute(hash_key=True)
        blocked_sort = UnicodeAttribute(range_key=True)

    class BlocklistByTime(GlobalSecondaryIndex[Any]):
        Meta = _index_meta("by_blocked")
        kind = UnicodeAttribute(hash_key=True)
        blocked_sort = UnicodeAttribute(range_key=True)

    class BlocklistModel(Model):
        Meta = _meta(config, config.blocklist_table)
        entry_id = UnicodeAttribute(hash_key=True)
        title_key = UnicodeAttribute()
        blocked_sort = UnicodeAttribute()
        kind = UnicodeAttribute(default="block")
        document = UnicodeAttribute()
        by_title = BlocklistByTitle()
        by_blocked = BlocklistByTime()

    return SearcherModels(
        rate_limit=RateLimitModel,
        search_cache=SearchCacheModel,
        catalog=CatalogModel,
        blocklist=BlocklistModel,
    )
