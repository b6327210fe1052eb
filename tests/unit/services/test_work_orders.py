"""The agent's work order carries what identifies the content, for lookups on the agent."""

from __future__ import annotations

from datetime import UTC, datetime

from chalicelib.domain.stage_protocol import WorkOrder
from chalicelib.domain.ticket import Ticket
from chalicelib.domain.validation import parse_ticket_request
from chalicelib.services.work_orders import work_order


def _episode_ticket() -> Ticket:
    request = parse_ticket_request({
        "query_context": {"expected": "tv_episode", "title": "The Wire", "season": 1,
                          "episode": 2, "imdb_id": "tt0306414"},
        "items": [{"item_id": "e", "kind": "video", "season": 1, "episode": 2,
                   "dest_path": "/media/tv/wire/s01e02.mkv"}],
        "metadata_to_embed": {"title": "The Target"}}, ["/media"])
    return Ticket.new("t1", request, "alice", datetime(2026, 1, 1, tzinfo=UTC))


def test_the_query_identifies_the_content_in_the_work_order() -> None:
    order = work_order(_episode_ticket(), None, magnet_uri="magnet:?xt=urn:btih:" + "a" * 40)
    assert order.lookup == {"title": "The Wire", "season": 1, "episode": 2,
                            "imdb_id": "tt0306414"}
    assert order.metadata == {"title": "The Target"}  # the tags stay the ticket's own


def test_the_lookup_survives_the_stage_message_codec() -> None:
    order = work_order(_episode_ticket(), None, magnet_uri="magnet:?xt=urn:btih:" + "a" * 40)
    assert WorkOrder.from_dict(order.to_dict()) == order
    assert WorkOrder.from_dict({"ticket_id": "t1"}).lookup == {}  # older messages have none
