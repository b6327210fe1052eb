"""Sorted global secondary indexes for moto's tables: a page of a GSI query in O(log n + page).

moto answers a GSI query by visiting every item of the table, sorting the matches and walking
past the previous pages: a page of the ticket list took about a second at 5,000 tickets and
grew with every ticket. Here each (table, index) keeps its entries sorted exactly as moto
orders them (index hash key, index range key, table keys), built at its first query and kept
current from the writes the emulator sees. A query then hands moto only the items of the page
it asks for (plus one, so moto still decides whether there is a next page): moto's own code
still evaluates conditions, filters, projections and the answer, on a handful of items.

Only plain pages are narrowed (equality on the index hash key, no range condition, a limit);
every other query runs as before.
"""

from __future__ import annotations

import bisect
import threading
from decimal import Decimal
from typing import Any

from moto.dynamodb.models.dynamo_type import DynamoType, Item
from moto.dynamodb.models.table import GlobalSecondaryIndex, Table

SortKey = tuple[Any, ...]


def _native(value: Any) -> Any:
    """A DynamoType's value as a Python value that orders the way moto compares them."""
    if isinstance(value, DynamoType):
        if value.type == "N":
            return Decimal(value.value)
        if value.type == "B" and isinstance(value.value, str):
            return value.value.encode()
        return value.value
    return _native(DynamoType(value))


class _SortedIndex:
    """The entries of one GSI: per index hash value, the sorted rest of moto's sort key."""

    def __init__(self, table: Table, index: GlobalSecondaryIndex) -> None:
        self.table = table
        hashes = [k["AttributeName"] for k in index.schema if k["KeyType"] == "HASH"]
        ranges = [k["AttributeName"] for k in index.schema if k["KeyType"] == "RANGE"]
        self.hash_attr = hashes[0] if len(hashes) == 1 else None
        self.range_attrs = ranges
        self.key_attrs = [a for a in (table.hash_key_attr, table.range_key_attr) if a]
        self.partitions: dict[Any, list[SortKey]] = {}
        self.where: dict[SortKey, tuple[Any, SortKey]] = {}  # primary key -> its entry
        for item in table.all_items():
            self._add(item)

    def _primary(self, attrs: dict[str, Any]) -> SortKey:
        return tuple(_native(attrs[a]) for a in self.key_attrs)

    def _add(self, item: Item) -> None:
        attrs = item.attrs
        if self.hash_attr is None or self.hash_attr not in attrs or not all(
                attrs.get(a) for a in self.range_attrs):
            return  # not in the index (DynamoDB indexes only items with every key attribute)
        primary = self._primary(attrs)
        entry = tuple(_native(attrs[a]) for a in self.range_attrs) + primary
        partition = _native(attrs[self.hash_attr])
        bisect.insort(self.partitions.setdefault(partition, []), entry)
        self.where[primary] = (partition, entry)

    def refresh(self, key_attrs: dict[str, Any]) -> None:
        """Re-read one item after a write (it may have moved, appeared or gone)."""
        primary = tuple(_native(key_attrs[a]) for a in self.key_attrs)
        old = self.where.pop(primary, None)
        if old is not None:
            entries = self.partitions[old[0]]
            del entries[bisect.bisect_left(entries, old[1])]
        hash_key = DynamoType(key_attrs[self.table.hash_key_attr])
        range_key = (DynamoType(key_attrs[self.table.range_key_attr])
                     if self.table.range_key_attr else None)
        item = self.table.get_item(hash_key, range_key)
        if item is not None:
            self._add(item)

    def page(self, hash_value: Any, start: dict[str, Any] | None, forward: bool,
             count: int) -> list[Item]:
        """The `count` items that follow `start` (an ExclusiveStartKey) in query order."""
        entries = self.partitions.get(_native(hash_value), [])
        if start is None:
            chosen = entries[:count] if forward else entries[-count:]
        else:
            cut = tuple(_native(start[a]) for a in self.range_attrs) + self._primary(start)
            if forward:
                first = bisect.bisect_right(entries, cut)
                chosen = entries[first:first + count]
            else:
                end = bisect.bisect_left(entries, cut)
                chosen = entries[max(0, end - count):end]
        items = []
        n_range = len(self.range_attrs)
        for entry in chosen:
            primary = entry[n_range:]
            hash_key = self._dynamo(self.table.hash_key_attr, primary[0])
            range_key = (self._dynamo(self.table.range_key_attr, primary[1])
                         if self.table.range_key_attr else None)
            item = self.table.get_item(hash_key, range_key)
            if item is not None:
                items.append(item)
        return items

    def _dynamo(self, attr: str | None, value: Any) -> DynamoType:
        kind = next(a["AttributeType"] for a in self.table.attr if a["AttributeName"] == attr)
        if kind == "N":
            return DynamoType({"N": str(value)})
        return DynamoType({kind: value})


class _Narrowed:
    """A table seen by moto's query code with only some of its items."""

    def __init__(self, table: Table, items: list[Item]) -> None:
        self._table = table
        self._items = items

    def all_items(self) -> list[Item]:
        return self._items

    def __getattr__(self, name: str) -> Any:
        return getattr(self._table, name)


class QueryIndexes:
    """Every sorted GSI of this process's moto tables (moto's state is process-wide too)."""

    def __init__(self) -> None:
        self._lock = threading.RLock()
        self._indexes: dict[tuple[int, str], _SortedIndex] = {}
        self._by_table: dict[int, list[_SortedIndex]] = {}

    @property
    def lock(self) -> threading.RLock:
        """Held while an index is read or refreshed; writes hold it from apply to refresh."""
        return self._lock

    def refresh(self, table: Table, key_attrs: dict[str, Any]) -> None:
        """Bring this table's built indexes up to date with one written item."""
        with self._lock:
            for index in self._by_table.get(id(table), ()):
                if index.table is table:
                    index.refresh(key_attrs)

    def narrowed(self, table: Table, index_name: str, hash_attr: str, hash_value: Any,
                 start: dict[str, Any] | None, forward: bool, limit: int) -> Any:
        """`table` as moto's query should see it for this page, or None to leave it whole."""
        index = next((i for i in table.global_indexes if i.name == index_name), None)
        if index is None:
            return None
        with self._lock:
            built = self._indexes.get((id(table), index_name))
            if built is None or built.table is not table:
                built = _SortedIndex(table, index)
                self._indexes[(id(table), index_name)] = built
                self._by_table[id(table)] = [
                    i for i in self._by_table.get(id(table), []) if i.table is table
                    and i is not built] + [built]
            if built.hash_attr != hash_attr:
                return None
            return _Narrowed(table, built.page(hash_value, start, forward, limit + 1))


INDEXES = QueryIndexes()


def install_sorted_indexes() -> None:
    """Route moto's GSI page queries through INDEXES (once per process)."""
    original = Table.query
    if getattr(original, "uses_sorted_indexes", False):
        return

    def query(self: Table, hash_key: Any, range_comparison: Any, range_objs: Any, limit: Any,
              exclusive_start_key: Any, scan_index_forward: Any, projection_expressions: Any,
              index_name: str | None = None, consistent_read: bool = False,
              filter_expression: Any = None, hash_key_conditions: Any = None,
              range_key_conditions: Any = None, **filter_kwargs: Any) -> Any:
        args = (hash_key, range_comparison, range_objs, limit, exclusive_start_key,
                scan_index_forward, projection_expressions)
        kwargs = dict(index_name=index_name, consistent_read=consistent_read,
                      filter_expression=filter_expression,
                      hash_key_conditions=hash_key_conditions,
                      range_key_conditions=range_key_conditions, **filter_kwargs)
        plain = (limit and not range_comparison and not range_key_conditions
                 and not filter_kwargs and hash_key_conditions
                 and len(hash_key_conditions) == 1)
        if index_name and plain:
            with INDEXES.lock:
                (hash_attr, hash_value), = hash_key_conditions
                narrowed = INDEXES.narrowed(self, index_name, hash_attr, hash_value,
                                            exclusive_start_key, scan_index_forward is not False,
                                            int(limit))
                if narrowed is not None:
                    return original(narrowed, *args, **kwargs)
        return original(self, *args, **kwargs)

    query.uses_sorted_indexes = True  # type: ignore[attr-defined]
    Table.query = query  # type: ignore[method-assign]
