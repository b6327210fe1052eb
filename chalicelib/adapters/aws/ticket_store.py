"""TicketStore on DynamoDB: conditional writes so racing actions never corrupt a ticket."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from pynamodb.exceptions import DoesNotExist, PutError

from chalicelib.adapters.aws.cursor import decode_cursor, encode_cursor
from chalicelib.adapters.aws.models import TableModels
from chalicelib.domain.codec import ticket_from_dict, ticket_to_dict
from chalicelib.domain.dedup import content_key
from chalicelib.domain.errors import Conflict, NotFound
from chalicelib.domain.states import TicketState
from chalicelib.domain.ticket import Ticket
from chalicelib.ports import Page

MAX_PRIORITY = 65535
_COUNT_PASSES = 3
# A page's cursor holds the table's key and the index's (what DynamoDB's LastEvaluatedKey has).
_BY_STATE = {"ticket_id", "state", "state_sort"}
_BY_REQUESTER = {"ticket_id", "requested_by", "created_sort"}
_BY_CREATED = {"ticket_id", "kind", "created_sort"}


def sort_time(at: datetime) -> str:
    """A timestamp that sorts lexically in time order."""
    return at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def state_sort_key(ticket: Ticket) -> str:
    """Higher priority first, then older first: what the by_state index orders on."""
    return f"{MAX_PRIORITY - ticket.priority:05d}#{sort_time(ticket.created_at)}#{ticket.ticket_id}"


class DynamoTicketStore:
    """Tickets in one table; listing goes through its GSIs, never a Scan."""

    def __init__(self, models: TableModels) -> None:
        self._model = models.ticket

    def _to_item(self, ticket: Ticket) -> Any:
        return self._model(
            ticket_id=ticket.ticket_id,
            state=ticket.state.value,
            state_sort=state_sort_key(ticket),
            requested_by=ticket.requested_by,
            created_sort=f"{sort_time(ticket.created_at)}#{ticket.ticket_id}",
            kind="ticket",
            content_key=content_key(ticket.request),
            version=ticket.version,
            document=json.dumps(ticket_to_dict(ticket, include_secrets=True),
                                separators=(",", ":")),
        )

    @staticmethod
    def _from_item(item: Any) -> Ticket:
        ticket = ticket_from_dict(json.loads(item.document))
        return ticket if ticket.version == item.version else _with_version(ticket, item.version)

    def create(self, ticket: Ticket) -> Ticket:
        stored = _with_version(ticket, 1)
        try:
            self._to_item(stored).save(condition=self._model.ticket_id.does_not_exist())
        except PutError as e:
            if _is_condition_failure(e):
                raise Conflict(f"ticket {ticket.ticket_id} already exists") from e
            raise
        return stored

    def get(self, ticket_id: str) -> Ticket:
        try:
            return self._from_item(self._model.get(ticket_id, consistent_read=True))
        except DoesNotExist as e:
            raise NotFound(f"no ticket with id {ticket_id}", ticket_id=ticket_id) from e

    def save(self, ticket: Ticket, expected: Ticket) -> Ticket:
        stored = _with_version(ticket, expected.version + 1)
        condition = (self._model.version == expected.version) & (
            self._model.state == expected.state.value
        )
        try:
            self._to_item(stored).save(condition=condition)
        except PutError as e:
            if _is_condition_failure(e):
                current = self.get(ticket.ticket_id)
                raise Conflict(
                    f"ticket {ticket.ticket_id} was changed by another action "
                    f"(now {current.state.value})",
                    current_state=current.state.value,
                ) from e
            raise
        return stored

    def _page(self, results: Any, limit: int) -> Page[Ticket]:
        items = [self._from_item(i) for i in results]
        key = results.last_evaluated_key if len(items) >= limit else None
        return Page(items=items, cursor=encode_cursor(key))

    def list_by_state(self, state: TicketState, limit: int, cursor: str | None) -> Page[Ticket]:
        results = self._model.by_state.query(
            state.value, limit=limit,
            last_evaluated_key=decode_cursor(cursor, _BY_STATE, ("state", state.value)),
        )
        return self._page(results, limit)

    def list_by_requester(self, requested_by: str, limit: int, cursor: str | None) -> Page[Ticket]:
        results = self._model.by_requester.query(
            requested_by,
            limit=limit,
            scan_index_forward=False,
            last_evaluated_key=decode_cursor(cursor, _BY_REQUESTER,
                                             ("requested_by", requested_by)),
        )
        return self._page(results, limit)

    def list_all(self, limit: int, cursor: str | None) -> Page[Ticket]:
        results = self._model.by_created.query(
            "ticket",
            limit=limit,
            scan_index_forward=False,
            last_evaluated_key=decode_cursor(cursor, _BY_CREATED, ("kind", "ticket")),
        )
        return self._page(results, limit)

    def find_by_content(self, key: str, limit: int = 50) -> list[Ticket]:
        """Tickets asking for the same content (see domain/dedup.py), oldest first."""
        return [self._from_item(i) for i in self._model.by_content.query(key, limit=limit)]

    def count_all(self) -> int:
        # The by_created index keys never change, so a ticket moving meanwhile is counted once.
        return int(self._model.by_created.count("ticket"))

    def count_by_state(self) -> dict[TicketState, int]:
        """One query per state: a ticket moving from a state not yet counted to one already
        counted is missed (or counted twice the other way). Passes are repeated, a few at
        most, until they add up to the exact total."""
        counts: dict[TicketState, int] = {}
        for _ in range(_COUNT_PASSES):
            total = self.count_all()
            counts = {s: self._model.by_state.count(s.value) for s in TicketState}
            if sum(counts.values()) == total:
                break
        return counts


def _with_version(ticket: Ticket, version: int) -> Ticket:
    from dataclasses import replace

    return replace(ticket, version=version)


def _is_condition_failure(error: Exception) -> bool:
    cause = getattr(error, "cause_response_code", None)
    return cause == "ConditionalCheckFailedException"
