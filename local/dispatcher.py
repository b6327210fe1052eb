"""The event-source mapping AWS would provide: feed the Lambda stage queues to their handlers.

Long-polls each stage queue (higher priority bands first), calls the very same Chalice handler
functions with SQS-shaped events, and deletes what the handler did not report as failed
(partial batch failure). Failed records stay in the queue and come back after their
visibility timeout; after the redrive policy's count they move to the DLQ.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

log = logging.getLogger("quentin.dispatcher")
Handler = Callable[[dict[str, Any], Any], Any]


class LocalContext:
    """The bits of a Lambda context a handler may read."""

    function_name = "quentin-torrentino-local"
    memory_limit_in_mb = 1024

    @staticmethod
    def get_remaining_time_in_millis() -> int:
        return 900_000


def sqs_event(messages: list[dict[str, Any]], queue_arn: str, region: str) -> dict[str, Any]:
    """An SQS event as Lambda delivers it."""
    return {"Records": [{
        "messageId": m["MessageId"],
        "receiptHandle": m["ReceiptHandle"],
        "body": m["Body"],
        "attributes": m.get("Attributes", {}),
        "messageAttributes": m.get("MessageAttributes", {}),
        "md5OfBody": m.get("MD5OfBody", ""),
        "eventSource": "aws:sqs",
        "eventSourceARN": queue_arn,
        "awsRegion": region,
    } for m in messages]}


class Dispatcher:
    def __init__(self, sqs: Any, prefix: str, handlers: list[tuple[str, Handler]],
                 region: str, workers: int = 4, wait_secs: float = 1.0) -> None:
        self._sqs = sqs
        self._queues: list[tuple[str, str, Handler]] = []
        for suffix, handler in handlers:
            url = sqs.get_queue_url(QueueName=f"{prefix}-{suffix}")["QueueUrl"]
            arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])
            self._queues.append((url, arn["Attributes"]["QueueArn"], handler))
        self._region = region
        self._pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="stage")
        self._slots = threading.Semaphore(workers)
        self._stop = threading.Event()
        self._wait = wait_secs
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        self._thread = threading.Thread(target=self._loop, daemon=True, name="dispatcher")
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=10)
        self._pool.shutdown(wait=True, cancel_futures=False)

    def _loop(self) -> None:
        while not self._stop.is_set():
            try:
                if not self.poll_once():
                    self._stop.wait(self._wait)
            except Exception:
                log.exception("dispatcher poll failed")
                self._stop.wait(1.0)

    def poll_once(self) -> bool:
        """Take one batch from the first queue (in priority order) that has messages."""
        for url, arn, handler in self._queues:
            self._slots.acquire()
            try:
                got = self._sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10,
                                                WaitTimeSeconds=0, AttributeNames=["All"])
            except Exception:
                self._slots.release()
                raise
            messages = got.get("Messages", [])
            if not messages:
                self._slots.release()
                continue
            messages.sort(key=_priority, reverse=True)
            self._pool.submit(self._run, url, arn, handler, messages)
            return True
        return False

    def _run(self, url: str, arn: str, handler: Handler, messages: list[dict[str, Any]]) -> None:
        try:
            started = time.monotonic()
            answer = handler(sqs_event(messages, arn, self._region), LocalContext())
            failed = {f["itemIdentifier"] for f in (answer or {}).get("batchItemFailures", [])}
            done = [m for m in messages if m["MessageId"] not in failed]
            for start in range(0, len(done), 10):
                self._sqs.delete_message_batch(QueueUrl=url, Entries=[
                    {"Id": str(i), "ReceiptHandle": m["ReceiptHandle"]}
                    for i, m in enumerate(done[start:start + 10])])
            log.debug("batch handled", extra={"queue": arn, "count": len(messages),
                                              "failed": len(failed),
                                              "secs": round(time.monotonic() - started, 3)})
        except Exception:
            log.exception("handler crashed; the batch will be delivered again")
        finally:
            self._slots.release()


def _priority(message: dict[str, Any]) -> int:
    import json

    try:
        return int(json.loads(message["Body"]).get("priority", 0))
    except (ValueError, AttributeError, TypeError):
        return 0
