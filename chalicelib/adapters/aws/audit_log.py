"""AuditLog on DynamoDB, also echoed as JSON Lines to the log."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from datetime import datetime
from typing import Any

from chalicelib.adapters.aws.cursor import decode_cursor, encode_cursor
from chalicelib.adapters.aws.models import TableModels
from chalicelib.adapters.aws.ticket_store import sort_time
from chalicelib.domain.audit import AuditEvent, AuditEventType
from chalicelib.domain.errors import FieldError, ValidationError
from chalicelib.ports import Page

log = logging.getLogger("quentin.audit")
_END = "~"  # sorts after every timestamp character


def _within(key: dict[str, Any] | None, start: datetime | None, end: datetime | None) -> None:
    """A cursor's position must lie in the queried range: DynamoDB refuses a start key
    outside the key condition (a cursor from the same listing with other from/to)."""
    if key is None:
        return
    sort = key["sort"]["S"]
    if (start and sort < sort_time(start)) or (end and sort > sort_time(end) + _END):
        raise ValidationError(FieldError("cursor", "is not a valid cursor for this listing"))


class DynamoAuditLog:
    """Events keyed by ticket and time; by-type and by-time GSIs serve the filters."""

    def __init__(self, models: TableModels) -> None:
        self._model = models.audit

    def record(self, event: AuditEvent) -> None:
        document = event.to_dict()
        self._model(
            ticket_id=event.ticket_id,
            sort=f"{sort_time(event.at)}#{event.event_id}",
            event_type=event.event_type.value,
            kind="audit",
            document=json.dumps(document, separators=(",", ":"), default=str),
        ).save()
        log.info("audit event", extra={"audit": document})

    def _range(self, start: datetime | None, end: datetime | None) -> Any:
        sort = self._model.sort
        low = sort_time(start) if start else None
        high = sort_time(end) + _END if end else None
        if low and high:
            return sort.between(low, high)
        if low:
            return sort >= low
        if high:
            return sort <= high
        return None

    def query(
        self,
        *,
        ticket_id: str | None,
        event_type: AuditEventType | None,
        start: datetime | None,
        end: datetime | None,
        limit: int,
        cursor: str | None,
        newest_first: bool = True,
    ) -> Page[AuditEvent]:
        condition = self._range(start, end)
        type_filter = None
        if ticket_id:
            query = self._model.query
            hash_key: str = ticket_id
            key = decode_cursor(cursor, {"ticket_id", "sort"}, ("ticket_id", ticket_id))
            if event_type:
                type_filter = self._model.event_type == event_type.value
        elif event_type:
            query = self._model.by_type.query
            hash_key = event_type.value
            key = decode_cursor(cursor, {"ticket_id", "sort", "event_type"},
                                ("event_type", hash_key))
        else:
            query = self._model.by_time.query
            hash_key = "audit"
            key = decode_cursor(cursor, {"ticket_id", "sort", "kind"}, ("kind", hash_key))
        _within(key, start, end)
        results = query(
            hash_key,
            range_key_condition=condition,
            filter_condition=type_filter,
            limit=limit,
            scan_index_forward=not newest_first,
            last_evaluated_key=key,
        )
        items = [AuditEvent.from_dict(json.loads(i.document)) for i in results]
        more = results.last_evaluated_key if len(items) >= limit else None
        return Page(items=items, cursor=encode_cursor(more))

    def iterate(
        self, *, start: datetime | None = None, end: datetime | None = None
    ) -> Iterator[AuditEvent]:
        """Every event in time order (oldest first), page by page."""
        results = self._model.by_time.query(
            "audit", range_key_condition=self._range(start, end), scan_index_forward=True
        )
        for item in results:
            yield AuditEvent.from_dict(json.loads(item.document))
