"""GSI pages through the emulator's sorted indexes: the same answers as a full sort would give.

Items are written, moved between index partitions, given and stripped of index attributes and
deleted, through every write operation; every page in both directions and at several page
sizes must then hold exactly the items a sort of a full scan says, with nothing lost or
repeated across pages.
"""

from __future__ import annotations

import random
import uuid
from collections.abc import Iterator
from typing import Any

import boto3
import pytest

from local.aws_emulator import EmbeddedAws


@pytest.fixture(scope="module")
def ddb() -> Iterator[Any]:
    emulator = EmbeddedAws()
    emulator.start()
    try:
        yield boto3.client("dynamodb", endpoint_url=emulator.endpoint, region_name="us-east-1",
                           aws_access_key_id="testing", aws_secret_access_key="testing")
    finally:
        emulator.stop()


def _table(ddb: Any) -> str:
    name = f"idx-{uuid.uuid4().hex[:8]}"
    ddb.create_table(
        TableName=name, BillingMode="PAY_PER_REQUEST",
        KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": a, "AttributeType": t} for a, t in
                              (("id", "S"), ("state", "S"), ("sort", "S"), ("prio", "N"))],
        GlobalSecondaryIndexes=[
            {"IndexName": "by_state", "Projection": {"ProjectionType": "ALL"},
             "KeySchema": [{"AttributeName": "state", "KeyType": "HASH"},
                           {"AttributeName": "sort", "KeyType": "RANGE"}]},
            {"IndexName": "by_prio", "Projection": {"ProjectionType": "ALL"},
             "KeySchema": [{"AttributeName": "state", "KeyType": "HASH"},
                           {"AttributeName": "prio", "KeyType": "RANGE"}]},
            {"IndexName": "by_state_only", "Projection": {"ProjectionType": "ALL"},
             "KeySchema": [{"AttributeName": "state", "KeyType": "HASH"}]},
        ])
    return name


def _pages(ddb: Any, table: str, index: str, state: str, limit: int, forward: bool
           ) -> list[str]:
    ids: list[str] = []
    start: dict[str, Any] | None = None
    while True:
        extra = {"ExclusiveStartKey": start} if start else {}
        page = ddb.query(TableName=table, IndexName=index, Limit=limit,
                         KeyConditionExpression="#s = :s", ScanIndexForward=forward,
                         ExpressionAttributeNames={"#s": "state"},
                         ExpressionAttributeValues={":s": {"S": state}}, **extra)
        assert len(page["Items"]) <= limit
        ids += [i["id"]["S"] for i in page["Items"]]
        start = page.get("LastEvaluatedKey")
        if not start:
            return ids


def _expected(ddb: Any, table: str, range_attr: str | None, state: str, forward: bool
              ) -> list[str]:
    items = [i for i in ddb.scan(TableName=table, ConsistentRead=True)["Items"]
             if i.get("state", {}).get("S") == state and (not range_attr or range_attr in i)]

    def key(i: dict[str, Any]) -> tuple[Any, ...]:
        if range_attr == "prio":
            return (int(i["prio"]["N"]), i["id"]["S"])
        if range_attr == "sort":
            return (i["sort"]["S"], i["id"]["S"])
        return (i["id"]["S"],)

    ordered = [i["id"]["S"] for i in sorted(items, key=key)]
    return ordered if forward else ordered[::-1]


def test_pages_match_a_full_sort_after_every_kind_of_write(ddb: Any) -> None:
    table = _table(ddb)
    rng = random.Random(7)
    states = ["a", "b", "c"]

    def item(n: int) -> dict[str, Any]:
        got: dict[str, Any] = {"id": {"S": f"i{n:04d}"}, "state": {"S": rng.choice(states)},
                               "prio": {"N": str(rng.randint(-5, 5))}}
        if rng.random() > 0.1:  # some items lack the range key: not in by_state
            got["sort"] = {"S": f"s{rng.randint(0, 30):03d}"}  # duplicates on purpose
        return got

    for n in range(0, 150, 25):
        ddb.batch_write_item(RequestItems={table: [{"PutRequest": {"Item": item(n + k)}}
                                                   for k in range(25)]})
    # Query once so the indexes exist, then change things under them.
    assert _pages(ddb, table, "by_state", "a", 10, True)
    for n in range(60):
        victim = {"id": {"S": f"i{rng.randrange(150):04d}"}}
        choice = rng.random()
        if choice < 0.4:
            ddb.update_item(TableName=table, Key=victim, UpdateExpression="SET #s = :s",
                            ExpressionAttributeNames={"#s": "state"},
                            ExpressionAttributeValues={":s": {"S": rng.choice(states)}})
        elif choice < 0.55:
            ddb.update_item(TableName=table, Key=victim, UpdateExpression="REMOVE sort")
        elif choice < 0.7:
            ddb.delete_item(TableName=table, Key=victim)
        elif choice < 0.85:
            ddb.put_item(TableName=table, Item=item(150 + n))
        else:
            ddb.transact_write_items(TransactItems=[
                {"Put": {"TableName": table, "Item": item(300 + n)}},
                {"Update": {"TableName": table, "Key": victim,
                            "UpdateExpression": "SET sort = :v",
                            "ExpressionAttributeValues": {":v": {"S": "s999"}}}}])
    for index, range_attr in (("by_state", "sort"), ("by_prio", "prio"),
                              ("by_state_only", None)):
        for state in states:
            for forward in (True, False):
                expected = _expected(ddb, table, range_attr, state, forward)
                for limit in (4, 50):
                    got = _pages(ddb, table, index, state, limit, forward)
                    assert got == expected, (index, state, forward, limit)
