"""Keep the embedded AWS's tables and buckets on disk, so a restart loses nothing acknowledged.

The snapshot is one JSON file written atomically (temp file, fsync, rename). Items are kept in
DynamoDB's wire format, objects base64-encoded.
"""

from __future__ import annotations

import base64
import json
import logging
import os
import tempfile
from pathlib import Path
from typing import Any

log = logging.getLogger("quentin.local.snapshot")
FORMAT_VERSION = 1


class Snapshotter:
    def __init__(self, dynamodb: Any, s3: Any, path: Path) -> None:
        self._dynamodb = dynamodb
        self._s3 = s3
        self.path = path

    def dump(self, tables: list[str], buckets: list[str]) -> dict[str, int]:
        """Write every item and object; return how many of each were written."""
        data: dict[str, Any] = {"version": FORMAT_VERSION, "tables": {}, "buckets": {}}
        counts = {"items": 0, "objects": 0}
        for table in tables:
            items: list[dict[str, Any]] = []
            for page in self._dynamodb.get_paginator("scan").paginate(TableName=table,
                                                                        ConsistentRead=True):
                items.extend(page["Items"])
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
        """Load the snapshot (if any) into the already-created tables and buckets."""
        counts = {"items": 0, "objects": 0}
        if not self.path.exists():
            return counts
        data = json.loads(self.path.read_bytes())
        if data.get("version") != FORMAT_VERSION:
            raise RuntimeError(f"{self.path}: unknown snapshot format {data.get('version')}")
        for table, items in data["tables"].items():
            for start in range(0, len(items), 25):
                batch = [{"PutRequest": {"Item": i}} for i in items[start:start + 25]]
                pending: dict[str, Any] = {table: batch}
                while pending:
                    answer = self._dynamodb.batch_write_item(RequestItems=pending)
                    pending = answer.get("UnprocessedItems") or {}
            counts["items"] += len(items)
        for bucket, objects in data["buckets"].items():
            for obj in objects:
                self._s3.put_object(Bucket=bucket, Key=obj["key"],
                                    Body=base64.b64decode(obj["body"]),
                                    ContentType=obj["content_type"])
            counts["objects"] += len(objects)
        return counts


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
