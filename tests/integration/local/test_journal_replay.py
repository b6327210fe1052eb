"""The emulator's journal: replaying it rebuilds exactly what the writes left, whatever they were.

Conditional writes that failed, counters, deletes, batch writes, transactions (committed and
cancelled), S3 puts and deletes, and a write made by a Step Functions execution: after the
tables and the bucket are emptied, the journal's images bring back the same items and objects.
"""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError

from local.aws_emulator import EmbeddedAws
from local.journal import Journal, replay
from local.snapshot import Snapshotter
from local.write_images import final_images


@pytest.fixture(scope="module")
def aws() -> Iterator[EmbeddedAws]:
    emulator = EmbeddedAws()
    emulator.start()
    try:
        yield emulator
    finally:
        emulator.stop()


def _client(aws: EmbeddedAws, service: str) -> Any:
    return boto3.client(service, endpoint_url=aws.endpoint, region_name="us-east-1",
                        aws_access_key_id="testing", aws_secret_access_key="testing")


def _create_tables(ddb: Any, plain: str, ranged: str) -> None:
    ddb.create_table(TableName=plain, BillingMode="PAY_PER_REQUEST",
                     KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
                     AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}])
    ddb.create_table(TableName=ranged, BillingMode="PAY_PER_REQUEST",
                     KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"},
                                {"AttributeName": "sk", "KeyType": "RANGE"}],
                     AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"},
                                           {"AttributeName": "sk", "AttributeType": "N"}])


def _state(ddb: Any, s3: Any, tables: list[str], bucket: str) -> dict[str, Any]:
    state: dict[str, Any] = {}
    for table in tables:
        items = ddb.scan(TableName=table, ConsistentRead=True)["Items"]
        state[table] = sorted(json.dumps(i, sort_keys=True, default=bytes.hex) for i in items)
    objects = s3.list_objects_v2(Bucket=bucket).get("Contents", [])
    state[bucket] = {o["Key"]: s3.get_object(Bucket=bucket, Key=o["Key"])["Body"].read()
                     for o in objects}
    return state


def _writes(ddb: Any, s3: Any, plain: str, ranged: str, bucket: str) -> None:
    s = {"S": "x"}
    ddb.put_item(TableName=plain, Item={"id": {"S": "a"}, "n": {"N": "1"}, "m": {"M": {"k": s}},
                                        "l": {"L": [s, {"N": "2"}]}, "b": {"B": b"\x00\xff"}})
    with pytest.raises(ClientError):  # refused: must not reach the journal as a change
        ddb.put_item(TableName=plain, Item={"id": {"S": "a"}, "n": {"N": "99"}},
                     ConditionExpression="attribute_not_exists(id)")
    for _ in range(2):  # a counter: replaying a request twice would count three
        ddb.update_item(TableName=plain, Key={"id": {"S": "a"}}, UpdateExpression="ADD n :one",
                        ExpressionAttributeValues={":one": {"N": "1"}})
    ddb.put_item(TableName=plain, Item={"id": {"S": "gone"}})
    ddb.delete_item(TableName=plain, Key={"id": {"S": "gone"}})
    ddb.batch_write_item(RequestItems={ranged: [
        {"PutRequest": {"Item": {"pk": {"S": "p"}, "sk": {"N": str(i)}}}} for i in range(30)
    ][:25]})
    ddb.batch_write_item(RequestItems={ranged: [
        {"DeleteRequest": {"Key": {"pk": {"S": "p"}, "sk": {"N": "3"}}}},
        {"PutRequest": {"Item": {"pk": {"S": "q"}, "sk": {"N": "1"}}}}]})
    ddb.transact_write_items(TransactItems=[
        {"Put": {"TableName": plain, "Item": {"id": {"S": "t"}}}},
        {"Update": {"TableName": ranged, "Key": {"pk": {"S": "p"}, "sk": {"N": "1"}},
                    "UpdateExpression": "SET v = :v",
                    "ExpressionAttributeValues": {":v": {"S": "set"}}}},
        {"Delete": {"TableName": ranged, "Key": {"pk": {"S": "p"}, "sk": {"N": "2"}}}},
        {"ConditionCheck": {"TableName": plain, "Key": {"id": {"S": "a"}},
                            "ConditionExpression": "attribute_exists(id)"}}])
    with pytest.raises(ClientError):  # cancelled: nothing of it may come back
        ddb.transact_write_items(TransactItems=[
            {"Put": {"TableName": plain, "Item": {"id": {"S": "never"}}}},
            {"ConditionCheck": {"TableName": plain, "Key": {"id": {"S": "a"}},
                                "ConditionExpression": "attribute_not_exists(id)"}}])
    s3.put_object(Bucket=bucket, Key="kept/ü one.jsonl", Body=b"first", ContentType="text/x")
    s3.put_object(Bucket=bucket, Key="kept/ü one.jsonl", Body=b"second", ContentType="text/x")
    s3.put_object(Bucket=bucket, Key="deleted", Body=b"x")
    s3.delete_object(Bucket=bucket, Key="deleted")
    s3.put_object(Bucket=bucket, Key="multi-1", Body=b"x")
    s3.put_object(Bucket=bucket, Key="multi-2", Body=b"x")
    s3.delete_objects(Bucket=bucket, Delete={"Objects": [{"Key": "multi-1"},
                                                         {"Key": "multi-2"}]})


def _step_functions_put(aws: EmbeddedAws, table: str) -> None:
    """A state machine's dynamodb:putItem task calls back into the emulator over HTTP."""
    sfn = _client(aws, "stepfunctions")
    definition = {"StartAt": "Put", "States": {"Put": {
        "Type": "Task", "Resource": "arn:aws:states:::dynamodb:putItem", "End": True,
        "Parameters": {"TableName": table, "Item": {"id": {"S": "from-sfn"}}}}}}
    machine = sfn.create_state_machine(
        name=f"j{uuid.uuid4().hex[:8]}", definition=json.dumps(definition),
        roleArn="arn:aws:iam::123456789012:role/r")["stateMachineArn"]
    run = sfn.start_execution(stateMachineArn=machine, name="one")["executionArn"]
    deadline = time.monotonic() + 20
    while sfn.describe_execution(executionArn=run)["status"] == "RUNNING":
        assert time.monotonic() < deadline
        time.sleep(0.05)
    assert sfn.describe_execution(executionArn=run)["status"] == "SUCCEEDED"


def test_replaying_the_journal_rebuilds_the_same_state(aws: EmbeddedAws, tmp_path: Path) -> None:
    ddb, s3 = _client(aws, "dynamodb"), _client(aws, "s3")
    suffix = uuid.uuid4().hex[:8]
    plain, ranged, bucket = f"plain-{suffix}", f"ranged-{suffix}", f"bucket-{suffix}"
    _create_tables(ddb, plain, ranged)
    s3.create_bucket(Bucket=bucket)
    journal = Journal(tmp_path)
    aws.journal_to(journal, [plain, ranged], [bucket])
    try:
        _writes(ddb, s3, plain, ranged, bucket)
        _step_functions_put(aws, plain)
    finally:
        aws.journal_to(None)
        journal.close()
    before = _state(ddb, s3, [plain, ranged], bucket)
    assert json.dumps({"id": {"S": "from-sfn"}}) in before[plain]
    assert not any("never" in i for i in before[plain])

    # Empty everything (not journalled now), then rebuild from the journal alone.
    ddb.delete_table(TableName=plain)
    ddb.delete_table(TableName=ranged)
    _create_tables(ddb, plain, ranged)
    for key in before[bucket]:
        s3.delete_object(Bucket=bucket, Key=key)
    s3.put_object(Bucket=bucket, Key="deleted", Body=b"stale")  # a delete must be replayed too
    assert _state(ddb, s3, [plain, ranged], bucket) != before

    records = [json.loads(r) for r in replay(tmp_path)]
    Snapshotter(ddb, s3, tmp_path / "unused.json").apply(*final_images(records))
    after = _state(ddb, s3, [plain, ranged], bucket)
    assert after == before
    counter = json.loads(next(i for i in after[plain] if '"a"' in i))
    assert counter["n"] == {"N": "3"}

    # The snapshot keeps the same state (binary attributes included), whether it reads the
    # tables with a Scan or straight from the emulator.
    snapshotter = Snapshotter(ddb, s3, tmp_path / "snapshot.json")
    snapshotter.dump([plain, ranged], [bucket], journal_from=7)
    direct = Snapshotter(ddb, s3, tmp_path / "direct.json",
                         read_table=lambda name: aws.table_items("us-east-1", name))
    direct.dump([plain, ranged], [bucket], journal_from=7)
    scanned, read = (json.loads(p.read_bytes())["tables"] for p in (snapshotter.path, direct.path))
    assert {t: sorted(json.dumps(i, sort_keys=True) for i in items) for t, items in read.items()} \
        == {t: sorted(json.dumps(i, sort_keys=True) for i in items) for t, items in scanned.items()}
    ddb.delete_table(TableName=plain)
    ddb.delete_table(TableName=ranged)
    _create_tables(ddb, plain, ranged)
    assert snapshotter.restore()["journal_from"] == 7
    assert _state(ddb, s3, [plain, ranged], bucket) == before
