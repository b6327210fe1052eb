"""What a DynamoDB or S3 write left behind, read from moto's backends, as journal records.

The journal keeps the state a write produced (the item or object after it, or its absence)
rather than the request. Replaying such images is idempotent and needs no condition to hold
again, so applying a journal on top of a snapshot taken at any moment after the journal began
gives the same final state: snapshots need not stop writers.

Called right after moto applied the write and before any other write runs (the emulator
serialises writes), so the image read is exactly what that write left.
"""

from __future__ import annotations

import base64
import json
import os
import urllib.parse
import xml.etree.ElementTree as ET
from collections.abc import Iterable
from typing import Any

from moto.core.models import DEFAULT_ACCOUNT_ID
from moto.dynamodb.models import dynamodb_backends
from moto.dynamodb.models.dynamo_type import DynamoType
from moto.dynamodb.models.table import Table
from moto.dynamodb.models.utilities import dynamo_json_dump
from moto.s3.models import s3_backends

Record = dict[str, Any]
DEFAULT_REGION = "us-east-1"


def _account_and_region(environ: dict[str, Any]) -> tuple[str, str]:
    """As moto resolves them: the credential scope of the signature names the region; every
    local client signs with keys moto does not know, so the account is the default one."""
    account = os.environ.get("MOTO_ACCOUNT_ID") or environ.get("HTTP_X_MOTO_ACCOUNT_ID") \
        or DEFAULT_ACCOUNT_ID
    auth = environ.get("HTTP_AUTHORIZATION", "")
    region = DEFAULT_REGION
    if "Credential=" in auth:
        scope = auth.split("Credential=", 1)[1].split(",", 1)[0].split("/")
        if len(scope) > 2:
            region = scope[2]
    return account, region


def touched_items(operation: str, body: bytes) -> list[tuple[str, dict[str, Any]]]:
    """The (table, item or key) pairs a DynamoDB write request names."""
    request = json.loads(body or b"{}")
    touched: list[tuple[str, dict[str, Any]]] = []
    if operation == "PutItem":
        touched.append((request["TableName"], request["Item"]))
    elif operation in ("UpdateItem", "DeleteItem"):
        touched.append((request["TableName"], request["Key"]))
    elif operation == "BatchWriteItem":
        for table, writes in request["RequestItems"].items():
            for write in writes:
                if "PutRequest" in write:
                    touched.append((table, write["PutRequest"]["Item"]))
                else:
                    touched.append((table, write["DeleteRequest"]["Key"]))
    elif operation == "TransactWriteItems":
        for entry in request["TransactItems"]:
            if "Put" in entry:
                touched.append((entry["Put"]["TableName"], entry["Put"]["Item"]))
            for kind in ("Update", "Delete"):
                if kind in entry:
                    touched.append((entry[kind]["TableName"], entry[kind]["Key"]))
    return touched


def dynamodb_table(environ: dict[str, Any], name: str) -> Table:
    """moto's table object behind a request's table name (or ARN)."""
    account, region = _account_and_region(environ)
    return dynamodb_backends[account][region].get_table(name)


def region_table(region: str, name: str) -> Table:
    """moto's table object of that name in a region of the account local clients use."""
    account = os.environ.get("MOTO_ACCOUNT_ID") or DEFAULT_ACCOUNT_ID
    return dynamodb_backends[account][region].get_table(name)


def dynamodb_images(environ: dict[str, Any], touched: list[tuple[str, dict[str, Any]]],
                    tables: set[str]) -> list[Record]:
    """The items a successful DynamoDB write touched, as they are now, in durable tables."""
    records = []
    for table_name, attributes in touched:
        table = dynamodb_table(environ, table_name)
        if table.name not in tables:
            continue
        key = {table.hash_key_attr: attributes[table.hash_key_attr]}
        range_key = None
        if table.range_key_attr is not None:
            key[table.range_key_attr] = attributes[table.range_key_attr]
            range_key = DynamoType(attributes[table.range_key_attr])
        item = table.get_item(DynamoType(attributes[table.hash_key_attr]), range_key)
        image = None if item is None else json.loads(dynamo_json_dump(item.to_json()))["Attributes"]
        records.append({"kind": "item", "table": table.name, "key": key, "item": image})
    return records


def s3_images(environ: dict[str, Any], body: bytes, buckets: set[str]) -> list[Record]:
    """The objects a successful S3 write touched, as they are now, in durable buckets."""
    path = environ.get("PATH_INFO", "").encode("latin-1").decode("utf-8", "replace")
    bucket, _, key = path.lstrip("/").partition("/")
    if bucket not in buckets:
        return []
    query = urllib.parse.parse_qs(environ.get("QUERY_STRING", ""), keep_blank_values=True)
    keys: Iterable[str]
    if not key and "delete" in query:
        keys = _multi_delete_keys(body)
    elif key:
        keys = [key]
    else:
        return []  # a bucket-level operation: the buckets themselves come from the template
    account, _ = _account_and_region(environ)
    backend = s3_backends[account]["aws"]
    records = []
    for name in keys:
        obj = backend.get_object(bucket, name)
        records.append({
            "kind": "object", "bucket": bucket, "key": name,
            "content_type": None if obj is None else obj.metadata.get(
                "Content-Type", "application/octet-stream"),
            "body": None if obj is None else base64.b64encode(obj.value).decode(),
        })
    return records


def _multi_delete_keys(body: bytes) -> list[str]:
    root = ET.fromstring(body)
    return [el.text or "" for el in root.iter() if el.tag.rsplit("}", 1)[-1] == "Key"]


def final_images(records: Iterable[Record]) -> tuple[dict[str, dict[str, Any]],
                                                      dict[str, dict[str, Any]]]:
    """The last image of every item and object, by table and by bucket (later records win)."""
    items: dict[str, dict[str, Any]] = {}
    objects: dict[str, dict[str, Any]] = {}
    for record in records:
        if record["kind"] == "item":
            ident = json.dumps(record["key"], sort_keys=True)
            items.setdefault(record["table"], {})[ident] = record
        else:
            objects.setdefault(record["bucket"], {})[record["key"]] = record
    return items, objects
