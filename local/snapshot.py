"""Keep the embedded AWS's tables and buckets on disk, so a restart loses nothing acknowledged.

The snapshot is one JSON file written atomically (temp file, fsync, rename). Items are kept in
DynamoDB's wire format, objects base64-encoded. `journal_from` names the first journal segment
the snapshot does not cover: start-up replays that segment and later ones on top of it.
"""

from __future__ import annotations

import base64
import json
import logging
import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from local.write_images import Record

log = logging.getLogger("quentin.local.snapshot")
FORMAT_VERSION = 1


TableReader = Callable[[str], list[dict[str, Any]]]


class Snapshotter:
    def __init__(self, dynamodb: Any, s3: Any, path: Path,
                 read_table: TableReader | None = None) -> None:
        self._dynamodb = dynamodb
        self._s3 = s3
        self.path = path
        # Every item of a table in DynamoDB's JSON; default: a Scan through the client.
        self._read_table = read_table or self._scan

    @property
    def size(self) -> int:
        """Bytes of the snapshot on disk (0 without one)."""
        return self.path.stat().st_size if self.path.exists() else 0

    def _scan(self, table: str) -> list[dict[str, Any]]:
        items: list[dict[str, Any]] = []
        for page in self._dynamodb.get_paginator("scan").paginate(TableName=table,
                                                                    ConsistentRead=True):
            items.extend(_to_wire(i) for i in page["Items"])
        return items

    def dump(self, tables: list[str], buckets: list[str], journal_from: int = 0) -> dict[str, int]:
        """Write every item and object; return how many of each were written."""
        data: dict[str, Any] = {"version": FORMAT_VERSION, "journal_from": journal_from,
                                "tables": {}, "buckets": {}}
        counts = {"items": 0, "objects": 0}
        for table in tables:
            items = self._read_table(table)
            data["tables"][table] = items
            counts["items"] += len(items)
        for bucket in buckets:
            objects = []
            for page in self._s3.get_paginator("list_objects_v2").paginate(Bucket=bucket):
                for obj in page.get("Contents", []):
                    got = self._s3.get_object(Bucket=bucket, Key=obj["Key"])
                    objects.append({
                        "key": obj["Key"],
                        "content_type": got.get("ContentType", "application/octet-stream"),
                        "body": base64.b64encode(got["Body"].read()).decode(),
                    })
            data["buckets"][bucket] = objects
            counts["objects"] += len(objects)
        _write_atomically(self.path, json.dumps(data).encode())
        return counts

    def restore(self) -> dict[str, int]:
        """Load the snapshot (if any) into the already-created tables and buckets.

        Returns the counts and `journal_from` (0 without a snapshot: replay every segment).
        """
        counts = {"items": 0, "objects": 0, "journal_from": 0}
        if not self.path.exists():
            return counts
        data = json.loads(self.path.read_bytes())
        if data.get("version") != FORMAT_VERSION:
            raise RuntimeError(f"{self.path}: unknown snapshot format {data.get('version')}")
        counts["journal_from"] = int(data.get("journal_from", 0))
        for table, items in data["tables"].items():
            self._batch_write(table, [{"PutRequest": {"Item": _from_wire(i)}} for i in items])
            counts["items"] += len(items)
        for bucket, objects in data["buckets"].items():
            for obj in objects:
                self._s3.put_object(Bucket=bucket, Key=obj["key"],
                                    Body=base64.b64decode(obj["body"]),
                                    ContentType=obj["content_type"])
            counts["objects"] += len(objects)
        return counts

    def apply(self, items: dict[str, dict[str, Record]],
              objects: dict[str, dict[str, Record]]) -> dict[str, int]:
        """Bring items and objects to their journalled images (at most one image per key)."""
        counts = {"items": 0, "objects": 0}
        for table, records in items.items():
            self._batch_write(table, [
                {"PutRequest": {"Item": _from_wire(r["item"])}} if r["item"] is not None
                else {"DeleteRequest": {"Key": _from_wire(r["key"])}}
                for r in records.values()])
            counts["items"] += len(records)
        for bucket, records in objects.items():
            for r in records.values():
                if r["body"] is None:
                    self._s3.delete_object(Bucket=bucket, Key=r["key"])
                else:
                    self._s3.put_object(Bucket=bucket, Key=r["key"],
                                        Body=base64.b64decode(r["body"]),
                                        ContentType=r["content_type"])
            counts["objects"] += len(records)
        return counts

    def _batch_write(self, table: str, writes: list[dict[str, Any]]) -> None:
        for start in range(0, len(writes), 25):
            pending: dict[str, Any] = {table: writes[start:start + 25]}
            while pending:
                answer = self._dynamodb.batch_write_item(RequestItems=pending)
                pending = answer.get("UnprocessedItems") or {}


def _to_wire(item: dict[str, Any]) -> dict[str, Any]:
    """An item as boto3 returns it (binary as bytes) in DynamoDB's JSON (binary in base64)."""
    return {name: _value_to_wire(v) for name, v in item.items()}


def _value_to_wire(value: dict[str, Any]) -> dict[str, Any]:
    (kind, inner), = value.items()
    if kind == "B":
        return {kind: base64.b64encode(inner).decode()}
    if kind == "BS":
        return {kind: [base64.b64encode(b).decode() for b in inner]}
    if kind == "M":
        return {kind: _to_wire(inner)}
    if kind == "L":
        return {kind: [_value_to_wire(v) for v in inner]}
    return value


def _from_wire(item: dict[str, Any]) -> dict[str, Any]:
    """The reverse of `_to_wire`: what boto3 takes (it base64-encodes binary itself)."""
    return {name: _value_from_wire(v) for name, v in item.items()}


def _value_from_wire(value: dict[str, Any]) -> dict[str, Any]:
    (kind, inner), = value.items()
    if kind == "B":
        return {kind: base64.b64decode(inner)}
    if kind == "BS":
        return {kind: [base64.b64decode(b) for b in inner]}
    if kind == "M":
        return {kind: _from_wire(inner)}
    if kind == "L":
        return {kind: [_value_from_wire(v) for v in inner]}
    return value


def _write_atomically(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".snapshot-", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
        dir_fd = os.open(path.parent, os.O_RDONLY)
        try:
            os.fsync(dir_fd)
        finally:
            os.close(dir_fd)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
