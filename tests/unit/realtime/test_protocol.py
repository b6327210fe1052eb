"""The WebSocket protocol: parsing client actions, subscriptions, and message shapes."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

import pytest

from chalicelib.domain.connections import Connection, Subscription, Viewer
from chalicelib.domain.states import TicketState
from chalicelib.domain.ticket import Ticket
from chalicelib.domain.validation import parse_ticket_request
from chalicelib.realtime.credentials import PROTOCOL, key_subprotocol, ws_credentials
from chalicelib.realtime.protocol import (
    MAX_MESSAGE_BYTES,
    ClientAction,
    ClientMessageError,
    ack_message,
    apply_action,
    encode,
    event_message,
    in_snapshot,
    matches,
    parse_client_message,
    snapshot_message,
    ticket_summary,
)

NOW = datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)
ADMIN = Viewer("admin", True)
USER = Viewer("music-server", False)


def make_ticket(ticket_id: str = "t1", requested_by: str = "music-server",
                state: TicketState = TicketState.PENDING, **payload: Any) -> Ticket:
    request = parse_ticket_request({
        "search": {"artist": "Radiohead", "album": "OK Computer"},
        "tracks": [{"catalog_track_id": "a", "track_number": 1, "name": "Airbag",
                    "dest_path": "/media/a/01.ogg"}],
    }, ["/media"])
    ticket = Ticket.new(ticket_id, request, requested_by, NOW)
    return replace(ticket, state=state, state_payload=payload)


def conn(viewer: Viewer = ADMIN, **sub: Any) -> Connection:
    return Connection("c1", viewer, Subscription(**sub))


@pytest.mark.parametrize(("body", "message"), [
    ("nope", "message is not valid JSON"),
    ("[1]", "message must be a JSON object"),
    ('{"action": "dance"}', "'action' must be \"subscribe\" or \"unsubscribe\""),
    ('{"action": "subscribe", "ticket_id": ""}', "'ticket_id' must be a non-empty string"),
    ('{"action": "subscribe", "requested_by": 3}', "'requested_by' must be a non-empty string"),
    ('{"action": "subscribe", "include_terminal": "yes"}',
     "'include_terminal' must be true or false"),
])
def test_bad_client_messages_name_the_problem(body: str, message: str) -> None:
    with pytest.raises(ClientMessageError, match="^" + message.replace("(", r"\(")):
        parse_client_message(body)


def test_subscribe_parses_its_filters() -> None:
    act = parse_client_message('{"action":"subscribe","ticket_id":"t9","include_terminal":true}')
    assert act == ClientAction("subscribe", "t9", None, True)


def test_subscribe_without_filter_clears_earlier_filters() -> None:
    sub = Subscription(frozenset({"t1"}), "bob", include_terminal=True, muted=True)
    assert apply_action(sub, ClientAction("subscribe")) == Subscription(include_terminal=True)


def test_subscriptions_to_tickets_accumulate_and_unsubscribe_removes_one() -> None:
    sub = apply_action(Subscription(), ClientAction("subscribe", ticket_id="t1"))
    sub = apply_action(sub, ClientAction("subscribe", ticket_id="t2"))
    assert sub.ticket_ids == {"t1", "t2"}
    sub = apply_action(sub, ClientAction("unsubscribe", ticket_id="t1"))
    assert sub.ticket_ids == {"t2"}


def test_unsubscribe_without_filter_mutes_until_the_next_subscribe() -> None:
    muted = apply_action(Subscription(), ClientAction("unsubscribe"))
    assert not matches(Connection("c", ADMIN, muted), make_ticket())
    again = apply_action(muted, ClientAction("subscribe"))
    assert matches(Connection("c", ADMIN, again), make_ticket())


def test_non_admins_only_match_their_own_tickets() -> None:
    assert matches(conn(USER), make_ticket(requested_by="music-server"))
    assert not matches(conn(USER), make_ticket(requested_by="someone-else"))
    assert matches(conn(ADMIN), make_ticket(requested_by="someone-else"))


def test_filters_by_ticket_and_requester() -> None:
    assert matches(conn(ticket_ids=frozenset({"t1"})), make_ticket("t1"))
    assert not matches(conn(ticket_ids=frozenset({"t1"})), make_ticket("t2"))
    assert not matches(conn(requested_by="bob"), make_ticket(requested_by="alice"))


def test_terminal_tickets_get_events_but_stay_out_of_default_snapshots() -> None:
    done = make_ticket(state=TicketState.CANCELLED)
    assert matches(conn(), done)
    assert not in_snapshot(conn(), done)
    assert in_snapshot(conn(include_terminal=True), done)


def test_summary_carries_progress_and_a_label() -> None:
    summary = ticket_summary(make_ticket(state=TicketState.DOWNLOADING, progress_pct=42.5,
                                         speed_bps=1000, candidates=[{"title": "x"}]))
    assert summary["label"] == "Radiohead – OK Computer"
    assert summary["progress"] == {"progress_pct": 42.5, "speed_bps": 1000}
    assert "candidates" not in json.dumps(summary)


def test_event_messages_carry_seq_and_refuse_unknown_kinds() -> None:
    msg = event_message("state_change", 7, make_ticket(), {"from": "pending"})
    assert (msg["type"], msg["seq"], msg["ticket_id"]) == ("state_change", 7, "t1")
    with pytest.raises(ValueError):
        event_message("snapshot", 1, make_ticket(), {})


def test_snapshots_are_cut_to_fit_one_api_gateway_message() -> None:
    tickets = [make_ticket(f"t{i:05}", error="x" * 400) for i in range(600)]
    msg = snapshot_message(3, tickets)
    assert msg["truncated"] is True
    assert 0 < len(msg["tickets"]) < 600
    assert len(encode(msg).encode()) <= MAX_MESSAGE_BYTES
    assert snapshot_message(3, tickets[:5])["truncated"] is False


def test_credentials_from_the_subprotocol_header_or_the_query() -> None:
    offered = f"{PROTOCOL}, {key_subprotocol('sécret key/with+chars')}"
    creds = ws_credentials({}, {"Sec-WebSocket-Protocol": offered})
    assert creds.api_key == "sécret key/with+chars"
    assert creds.subprotocol == PROTOCOL
    assert ws_credentials({"api_key": "k" * 16}, {}).api_key == "k" * 16
    assert ws_credentials({}, {}).api_key is None


def test_the_designs_filter_form_is_honoured() -> None:
    act = parse_client_message('{"action": "subscribe", "filter": {"requested_by": "bob"}}')
    assert act == ClientAction("subscribe", None, "bob", None)
    sub = apply_action(Subscription(), act)
    assert matches(Connection("c", ADMIN, sub), make_ticket(requested_by="bob"))
    assert not matches(Connection("c", ADMIN, sub), make_ticket(requested_by="alice"))


@pytest.mark.parametrize(("body", "message"), [
    ('{"action": "subscribe", "filter": "bob"}', "'filter' must be an object"),
    ('{"action": "subscribe", "filter": {"state": "x"}}', "'filter.state' is not a known"),
    ('{"action": "subscribe", "filter": {"requested_by": ""}}',
     "'filter.requested_by' must be a non-empty string"),
])
def test_bad_filters_name_the_problem(body: str, message: str) -> None:
    with pytest.raises(ClientMessageError, match="^" + message):
        parse_client_message(body)


def test_acknowledgements_say_what_was_asked_and_what_applies() -> None:
    act = parse_client_message('{"action": "subscribe", "filter": {"requested_by": "bob"}}')
    sub = apply_action(Subscription(), act)
    assert ack_message(4, act, sub) == {
        "type": "subscribed", "seq": 4, "filter": {"requested_by": "bob"},
        "subscription": {"ticket_ids": [], "requested_by": "bob", "include_terminal": False,
                         "muted": False}}
    drop = parse_client_message('{"action": "unsubscribe", "ticket_id": "t1"}')
    assert ack_message(5, drop, sub)["type"] == "unsubscribed"
    assert ack_message(5, drop, sub)["ticket_id"] == "t1"
